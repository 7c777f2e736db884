// Per-layer pre-activation variance Var[y_l] against depth, for every run at the scrubber's
// record, with the initialization theory (theoryVar) dashed in the run's colour. Pre-activation,
// not post: it is the quantity He et al. (2015, eq. 9) and Glorot & Bengio (2010) predict.
// A residual net gets the stream's words (stem, blocks, out): see cfg.residual in chart.js.

import { LayerProfileChart } from './chart.js';

// E[v^2] = Var + mean^2, per point (null without the statistics).
function meanSquare(variance, mean) {
  return variance && mean ? Array.from(variance, (v, i) => v + mean[i] * mean[i]) : null;
}

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
      // residual: the stream's mean square E[x^2] = preVar + preMean^2 at the stem, after each
      // block and at the logits (README "Depth"), spec/residual.md's q, whose recursion is the
      // dashed line; dotted, each branch's output alpha g f(x) (postVar + postMean^2), the term
      // the recursion adds per block
      residual: {
        title: 'Residual stream mean square by block',
        xLabel: 'block (stem \u2192 out)',
        yLabel: 'E[x\u00B2], stream (log)',
        quantity: 'residual stream mean square',
        measure: (ls) => meanSquare(ls.preVar, ls.preMean),
        measuredLabel: 'stream, measured',
        measuredTitle: 'mean square q of the residual stream x after each block (stem: the stem Linear\u2019s output; out: the logits)',
        branch: {
          measure: (ls) => meanSquare(ls.postVar, ls.postMean),
          label: 'branch output',
          title: 'mean square of each block\u2019s branch output \u03B1 g f(x), what the block adds to q',
        },
        theoryLabel: 'theory at init',
        theoryTitle: 'q \u2190 q + \u03B1\u00B2 g\u00B2 E|f|\u00B2 per block, the branch\u2019s mean-field maps on its input (spec/residual.md)',
      },
    });
  }
}
