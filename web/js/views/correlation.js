// Per-layer correlation of the signal: the mean cosine similarity of the pre-activations of pairs
// of probe inputs (layerStats.corr) against depth, for every run at the scrubber's record, with
// mean-field theory's prediction at initialization (theoryCorr, each pair's own input correlation
// mapped through the layers) dashed in the run's colour. In the ordered phase both go to 1 (the
// network forgets which input it saw), in the chaotic phase to the fixed point c* < 1.
// reference: B. Poole et al., "Exponential expressivity in deep neural networks through transient
// chaos" (2016); S. Schoenholz et al., "Deep information propagation" (2017).

import { LayerProfileChart } from './common.js';

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
    });
  }
}
