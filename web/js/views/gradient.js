// Per-layer variance of the backpropagated gradient dL/dy_l (gradVar) against depth, for every run
// at the scrubber's record. Flat means the signal reaches the first layers; a slope toward layer 1
// is vanishing (or exploding) gradients. Dashed: mean-field theory's backward recursion at
// initialization (theoryGradVar), Var[delta_l] = Var[delta_l+1] n_l+1 Var[w_l+1] E[f'(y_l)^2]
// (Schoenholz et al. 2017), started from the measured output gradient.

import { LayerProfileChart } from './chart.js';

export class GradientView extends LayerProfileChart {
  constructor(container, options = {}) {
    super(container, options, {
      kind: 'gradient',
      title: 'Gradient variance by layer',
      field: 'gradVar',
      theoryField: 'theoryGradVar',
      theoryLabel: 'backward theory at init',
      theoryTitle: 'Var[δ_l] = Var[δ_l+1] · n_l+1 · Var[w_l+1] · E[f′(y_l)²], from the output layer back (mean field, Schoenholz et al. 2017)',
      xLabel: 'layer (gradients flow from out toward 1)',
      yLabel: 'Var[\u2202L/\u2202y\u2097] (log)',
      quantity: 'gradient variance',
      // residual: gradVar is of dL/dx, the gradient along the stream (README "Depth")
      residual: {
        title: 'Gradient variance along the residual stream',
        xLabel: 'block (backward: out \u2192 stem)',
        yLabel: 'Var[\u2202L/\u2202x] (log)',
        quantity: 'stream gradient variance',
        measuredLabel: 'stream gradient, measured',
        // dotted: the gradient of each branch's last weight matrix (Xiong et al. 2020's
        // pre- vs post-LN comparison is of these)
        branch: {
          measure: (ls) => ls.weightGradVar ?? null,
          label: 'branch weights\u2019 gradient',
          title: 'Var[\u2202L/\u2202W] of each block\u2019s last branch Linear (weightGradVar)',
        },
        theoryLabel: 'backward theory at init',
        theoryTitle: 'grows by 1 + \u03B1\u00B2 g\u00B2 \u03C7 per block towards the stem, \u03C7 the branch\u2019s backward gain (drawn without norms; spec/residual.md)',
      },
    });
  }
}
