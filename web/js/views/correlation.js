// Per-layer correlation of the signal: the mean cosine similarity of the pre-activations of pairs
// of probe inputs (layerStats.corr) against depth, for every run at the scrubber's record, with
// mean-field theory's prediction at initialization (theoryCorr, each pair's own input correlation
// mapped through the layers) dashed in the run's colour. In the ordered phase both go to 1 (the
// network forgets which input it saw), in the chaotic phase to the fixed point c* < 1.
// reference: B. Poole et al., "Exponential expressivity in deep neural networks through transient
// chaos" (2016); S. Schoenholz et al., "Deep information propagation" (2017).

import { LayerProfileChart } from './chart.js';
import { runLabel } from './format.js';

/** [lo, 1]: 0 at the bottom unless a correlation is negative (then down to the next 0.2). */
function correlationRange(min) {
  const lo = Number.isFinite(min) && min < 0 ? Math.max(-1, Math.floor(min * 5) / 5) : 0;
  return [lo, 1.0001];
}

export class CorrelationView extends LayerProfileChart {
  constructor(container, options = {}) {
    super(container, options, {
      kind: 'correlation',
      title: 'Correlation by layer',
      field: 'corr',
      theoryField: 'theoryCorr',
      xLabel: 'layer',
      yLabel: 'correlation c\u2097',
      quantity: 'mean pair correlation',
      linear: { range: (min) => correlationRange(min) },
      theoryLabel: 'mean-field theory at init',
      theoryTitle: 'c_l = C(c_l-1, q_l-1) applied to each pair\u2019s own input correlation, averaged over the pairs (Poole et al. 2016)',
      // residual: corr is of the stream's vectors; no correlation map is drawn for it (run.cpp)
      residual: {
        title: 'Residual stream correlation by block',
        xLabel: 'block (stem \u2192 out)',
        yLabel: 'correlation of the stream',
        quantity: 'mean pair correlation of the stream',
      },
    });
  }

  /** The legend, plus a note on runs whose line lies (within a line width) under another's:
   *  cosine similarity ignores scale, so through ReLU layers He and Xavier (the same draws,
   *  scaled) give one line. */
  updateHeader(runs, picks) {
    super.updateHeader(runs, picks);
    const same = runs.map((run, r) => {
      const a = this.raw[r];
      if (!a || !a.length) return -1;
      return this.raw.findIndex((b, k) => k > r && b && b.length === a.length
        && Array.prototype.every.call(a, (v, i) => Math.abs(v - b[i]) <= 1e-3));   // within a line width
    });
    const notes = this.panel.legend.querySelectorAll('.iv-legend-item:not(.iv-key)');
    same.forEach((k, r) => {
      if (k < 0 || !notes[r]) return;
      let note = notes[r].querySelector('.iv-theory-same');
      if (!note) {
        note = document.createElement('span');
        note.className = 'iv-legend-note iv-theory-same';
        notes[r].append(note);
      }
      note.textContent = `(under ${runLabel(runs[k])})`;
    });
    for (const [r, li] of [...notes].entries()) if (same[r] < 0) li.querySelector('.iv-theory-same')?.remove();
  }
}
