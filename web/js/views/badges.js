// Per-run badges for what a person should notice, in the run's colour, at the scrubber's record:
//   diverged at step k              (run.diverged), and where finite weights overflowed float
//                                   (the last record's layerStats.overflow: "overflowed at block 37")
//   x% dead ReLUs in layer l        (worst hidden layer's deadFraction above `deadThreshold`)
//   symmetric: all units identical  (any hidden layer's symmetric[l]; zero / constant init)
//   activations vanish / explode    (last vs first hidden layer preVar, beyond `ratio`x)
//   gradients vanish / explode      (first vs last hidden layer gradVar, beyond a depth-scaled
//                                    threshold: gradient-trend.js)
// The DOM is rebuilt only when the badge text changes.

import { withAlpha } from '../theme/colors.js';
import { h } from './dom.js';
import { Panel } from './panel.js';
import { runColor, runLabel, recordAt, formatValue, superscript, overflowText } from './format.js';
import { gradientTrend } from './gradient-trend.js';

const DEFAULTS = { deadThreshold: 0.1, ratio: 100 };

export class BadgesView {
  constructor(container, options = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.panel = new Panel(container, { kind: 'badges', title: 'What to notice', options });
    this.list = h('ul', 'iv-badge-runs');
    this.panel.inner.append(this.list);
    this.key = '';
    this.model = null;
  }

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const rows = runs.map((run) => ({ color: runColor(run), label: runLabel(run), badges: this.badgesFor(run, model) }));
    const key = JSON.stringify(rows);
    if (key !== this.key) {
      this.key = key;
      this.list.replaceChildren(...rows.map(renderRow));
      if (!rows.length) this.list.append(h('li', 'iv-badge-none', 'no runs'));
    }
    this.panel.summary(() => describe(rows));
  }

  /** [{ kind, text, title }] for one run. */
  badgesFor(run, model) {
    const out = [];
    const { deadThreshold, ratio } = this.options;
    const residual = model?.architecture === 'residual';
    if (run.diverged != null) {
      const of = overflowText(run, residual);
      out.push({ kind: 'diverged', text: `diverged at step ${run.diverged}${of ? `: ${of}` : ''}`,
        title: of ? `the forward or backward pass overflowed float32 (past 3.4e38) there although every weight was finite; this run stopped`
          : 'a loss or parameter became NaN or infinite; this run stopped' });
    }
    const ls = recordAt(run, model.cursor)?.record?.layerStats;
    if (!ls) return out.length ? out : [{ kind: 'ok', text: 'no data yet' }];
    const L = Math.max(ls.preVar?.length ?? 0, ls.deadFraction?.length ?? 0, ls.symmetric?.length ?? 0);
    const hidden = Array.isArray(model.hidden) && model.hidden.length < L ? model.hidden.length : Math.max(0, L - 1);
    if (residual) return out.concat(this.residualBadges(ls, L, ratio));

    if (ls.symmetric && Array.prototype.some.call(ls.symmetric, (s, l) => s && l < hidden)) {
      out.push({ kind: 'symmetric', text: 'symmetric: all units identical', title: 'every unit of a hidden layer computes the same thing, so they receive the same gradient and never differ: the layer acts like one unit' });
    }

    if (ls.deadFraction) {
      let worst = -1;
      let wl = -1;
      for (let l = 0; l < Math.min(hidden, ls.deadFraction.length); l++) {
        const f = ls.deadFraction[l];
        if (Number.isFinite(f) && f > worst) { worst = f; wl = l; }
      }
      if (wl >= 0 && worst > deadThreshold) {
        const unit = /relu/i.test(model.activation ?? 'relu') ? (model.activation === 'leaky_relu' ? 'dead units' : 'dead ReLUs') : 'dead units';
        out.push({ kind: 'dead', text: `${Math.round(worst * 100)}% ${unit} in layer ${wl + 1}`, title: 'units that output 0 for every example of the probe batch get no gradient' });
      }
    }

    if (hidden >= 2 && ls.preVar) {
      const a = ls.preVar[0];
      const b = ls.preVar[hidden - 1];
      const t = trend(a, b, ratio);
      if (t) out.push({ kind: t, text: `activations ${t === 'vanish' ? 'vanish' : 'explode'}: Var ${ratioText(b / a)} from layer 1 to ${hidden}`, title: 'pre-activation variance of the last hidden layer relative to the first' });
    }
    // Across the hidden stack, last hidden layer -> layer 1, against a threshold that grows with
    // depth as chi_1^n does (gradient-trend.js).
    const gt = gradientTrend(ls, hidden, ratio);
    if (gt) {
      const theory = gt.theoryPerLayer !== null ? `; mean-field theory at initialization: \u03C7\u2081 = ${formatValue(gt.theoryPerLayer, 3)} per layer` : '';
      out.push({ kind: gt.kind, text: `gradients ${gt.kind === 'vanish' ? 'vanish' : 'explode'}: Var ${ratioText(gt.ratio)} from layer ${hidden} to 1`,
        title: `backpropagated gradient variance at layer 1 relative to the last hidden layer: \u00D7${formatValue(gt.perLayer, 3)} per layer over ${gt.layers} layers, beyond the \u00D7${formatValue(gt.threshold, 3)} allowed at this depth${theory}` });
    }
    return out;
  }

  /**
   * A residual net's points are the stem, its B blocks' stream and the logits: the trends run
   * from the stem to the last block (the stem's symmetric flag is the only one the core sets).
   */
  residualBadges(ls, L, ratio) {
    const out = [];
    const last = L - 2;   // the last block's point
    if (ls.symmetric?.[0]) {
      out.push({ kind: 'symmetric', text: 'symmetric: all stem units identical', title: 'every unit of the stem computes the same thing, so the stream starts with identical units' });
    }
    if (last >= 1 && ls.preVar) {
      const a = ls.preVar[0];
      const b = ls.preVar[last];
      const t = trend(a, b, ratio);
      if (t) out.push({ kind: t, text: `stream ${t === 'vanish' ? 'vanishes' : 'explodes'}: Var ${ratioText(b / a)} from the stem to block ${last}`, title: 'variance of the residual stream after the last block relative to the stem’s output' });
    }
    // points 0..last are the stem and the blocks: gradientTrend reads from `last` back to 0
    const gt = gradientTrend(ls, last + 1, ratio);
    if (gt) {
      out.push({ kind: gt.kind, text: `gradients ${gt.kind === 'vanish' ? 'vanish' : 'explode'}: Var ${ratioText(gt.ratio)} from block ${last} to the stem`,
        title: `backpropagated gradient variance along the stream at the stem relative to the last block: ×${formatValue(gt.perLayer, 3)} per block over ${gt.layers} blocks` });
    }
    return out;
  }

  resize() {}

  reset() { this.key = ''; }

  destroy() { this.panel.destroy(); }
}

function trend(from, to, ratio) {
  if (!(from > 0) || !(to >= 0) || !Number.isFinite(from) || !Number.isFinite(to)) return null;
  if (to === 0) return null; // exactly zero is the symmetric / zero-init story, told by its own badge
  const r = to / from;
  if (r < 1 / ratio) return 'vanish';
  if (r > ratio) return 'explode';
  return null;
}

function ratioText(r) {
  const k = Math.round(Math.log10(r));
  return Math.abs(k) >= 3 ? `\u00D710${superscript(k)}` : `\u00D7${formatValue(r, 2)}`;
}

function renderRow({ color, label, badges }) {
  const li = h('li', 'iv-badge-run');
  const name = h('span', 'iv-badge-name');
  const dot = h('span', 'iv-dot');
  dot.style.background = color;
  name.append(dot, h('span', null, label));
  li.append(name);
  if (!badges.length) li.append(h('span', 'iv-badge iv-badge-ok', 'no issues'));
  for (const b of badges) {
    const el = h('span', `iv-badge iv-badge-${b.kind}`, b.text);
    el.style.borderColor = color;
    el.style.background = withAlpha(color, 0.1);
    if (b.title) el.title = b.title;
    li.append(el);
  }
  return li;
}

function describe(rows) {
  if (!rows.length) return 'No runs.';
  return rows.map((r) => `${r.label}: ${r.badges.length ? r.badges.map((b) => b.text).join('; ') : 'no issues'}`).join('. ') + '.';
}
