// Per-layer pre-activation variance Var[y_l] against depth, for every run at the scrubber's
// record, with the initialization theory (theoryVar) dashed in the run's colour. Pre-activation,
// not post: it is the quantity He et al. (2015, eq. 9) and Glorot & Bengio (2010) predict.

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
    });
  }
}
