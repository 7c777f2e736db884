// intro.js: the header's intro paragraph says what is on screen. The page's own paragraph is about
// the runs (ReLU, He vs Xavier, "press space"); while the Sweep view replaces the charts (a sweep
// preset such as edge_of_chaos_sweep, or the Sweep button) it gives way to one about the sweep:
// what a cell is, what the axes and the colour are, what the overlay lines mean, what to press.
// Plain text only (textContent): the settings can come from a link.

const FIELD_NAMES = Object.freeze({ learningRate: 'learning rate', batchSize: 'batch size', leakySlope: 'leaky slope',
  weightVar: 'σw²', biasVar: 'σb²' });
const fieldName = (f) => FIELD_NAMES[f] ?? f;

function axisText(axis, where) {
  const v = axis.labels;
  const range = v.length > 2 ? `${v[0]} to ${v[v.length - 1]}` : v.join(' and ');
  return `${fieldName(axis.field)} (${range}) ${where}`;
}

/**
 * The sweep paragraph from the Sweep view's description ({ axes: [{ field, labels }], cells,
 * steps, seeds, metric (its label), activation, init, overlay (the mean-field lines apply),
 * started }), or '' for none.
 */
export function sweepIntroText(d) {
  if (!d || !d.axes?.length) return '';
  const [x, y] = d.axes;
  const parts = [];
  parts.push(`A sweep: each of the ${d.cells} cells is one network, ${axisText(x, 'along x')}` +
    `${y ? `, ${axisText(y, 'upwards')}` : ''}, the rest as in the experiment on the left ` +
    `(${d.activation}, ${d.init}); its colour is its ${d.metric} after ${d.steps} updates` +
    `${d.seeds > 1 ? ` (mean of ${d.seeds} seeds)` : ''}, dark red if it diverged.`);
  if (d.overlay) {
    parts.push('Red curve: 6·ξc, the depth mean-field theory says a net can still train at ' +
      '(Schoenholz et al. 2017); dashed: the critical σw², where χ₁ = 1.');
  }
  parts.push(d.started ? 'Hover a cell for its numbers; click a cell to open it as runs.'
    : 'Press Start sweep (cells fill in coarse to fine); click a cell to open it as runs.');
  return parts.join(' ');
}

let sweepP = null;

/** Shows the sweep paragraph for `description`, or the page's own intro for null. */
export function showIntro(description) {
  const intro = document.querySelector('.intro');
  if (!intro) return;
  const own = intro.querySelector('p:not(.intro-sweep)');
  const more = intro.querySelector('details.more');
  const text = sweepIntroText(description);
  if (text && !sweepP) {
    sweepP = document.createElement('p');
    sweepP.className = 'intro-sweep';
    sweepP.id = 'intro-sweep';
    intro.prepend(sweepP);
  }
  if (sweepP) {
    sweepP.textContent = text;
    sweepP.hidden = !text;
  }
  if (own) own.hidden = !!text;
  if (more) more.hidden = !!text;   // its background (the ReLU ½, the keys) is about the runs too
}
