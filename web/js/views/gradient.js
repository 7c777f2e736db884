// Per-layer variance of the backpropagated gradient dL/dy_l (gradVar) against depth, for every run
// at the scrubber's record. Flat means the signal reaches the first layers; a slope toward layer 1
// is vanishing (or exploding) gradients. No theory line: the forward theory does not cover it.

import { LayerProfileChart } from './common.js';

export class GradientView extends LayerProfileChart {
  constructor(container, options = {}) {
    super(container, options, {
      kind: 'gradient',
      title: 'Gradient variance by layer',
      field: 'gradVar',
      theoryField: null,
      xLabel: 'layer (gradients flow from out toward 1)',
      yLabel: 'Var[\u2202L/\u2202y\u2097] (log)',
      quantity: 'gradient variance',
    });
  }
}
