// Per-layer pre-activation variance Var[y_l] against depth, for every run at the scrubber's
// record, with the initialization theory (theoryVar) dashed in the run's colour. Pre-activation,
// not post: it is the quantity He et al. (2015, eq. 9) and Glorot & Bengio (2010) predict.
// A residual net gets the stream's words (stem, blocks, out): see cfg.residual in chart.js.

import { LayerProfileChart } from './chart.js';

export class VarianceView extends LayerProfileChart {
  constructor(container, options = {}) {
    super(container, options, {
      kind: 'variance',
      title: 'Pre-activation variance by layer',
      field: 'preVar',
      theoryField: 'theoryVar',
      xLabel: 'layer',
      yLabel: 'Var[y\u2097] (log)',
      quantity: 'pre-activation variance',
      // residual: layerStats' preVar is the stream's variance at the stem, after each block and
      // at the logits (README "Depth"); the dashed line is spec/residual.md's recursion
      residual: {
        title: 'Residual stream variance by block',
        xLabel: 'block (stem \u2192 out)',
        yLabel: 'Var[x], stream (log)',
        quantity: 'residual stream variance',
        measuredLabel: 'stream, measured',
        measuredTitle: 'variance of the residual stream x after each block (stem: the stem Linear\u2019s output; out: the logits)',
        theoryLabel: 'theory at init',
        theoryTitle: 'q \u2190 q + \u03B1\u00B2 g\u00B2 E|f|\u00B2 per block, the branch\u2019s mean-field maps on its input (spec/residual.md)',
      },
    });
  }
}
