// presets.js: the paper experiments, each a partial state plus two lines on what to watch.
// Values not named here come from state.js DEFAULTS, so a preset is the whole experiment.
//
// Two conventions are both called "Xavier" in the literature: Glorot & Bengio's
// Var[w] = 2/(fan_in + fan_out) (our xavier_*) and the 1/fan_in variant that He et al. 2015
// compare against (our lecun_*). The labels say which is which.

import { sameRuns } from './state.js';

export const INIT_NOTES = Object.freeze({
  xavier_normal: '2/(fan_in+fan_out)',
  xavier_uniform: '2/(fan_in+fan_out)',
  lecun_normal: '1/fan_in, He et al.\'s "Xavier"',
  lecun_uniform: '1/fan_in, He et al.\'s "Xavier"',
  he_normal: '2/fan_in',
  he_uniform: '2/fan_in',
  pytorch_default: 'U(±1/√fan_in), Var 1/(3 fan_in)',
});

export const PRESETS = Object.freeze([
  {
    id: 'default',
    label: 'He vs Xavier vs zero (10×64 ReLU)',
    state: { inits: ['he_normal', 'xavier_normal', 'zeros'], activation: 'relu', hidden: Array(10).fill(64) },
    what: 'Same network, same data, same seed; only the initial weights differ.',
    watch: 'Variance: He stays flat, Xavier halves per ReLU layer, zero is stuck at 0 and its loss never moves.',
  },
  {
    id: 'he2015',
    label: 'He et al. 2015: 30-layer ReLU',
    state: { inits: ['he_normal', 'lecun_normal'], activation: 'relu', hidden: Array(30).fill(64), learningRate: 0.01 },
    what: 'He et al. 2015, fig. 3: a 30-layer ReLU net with Var[w] = 2/fan_in vs 1/fan_in ("Xavier" in the paper).',
    watch: 'With 1/fan_in the variance halves at every layer (about 2⁻²⁹ by layer 30) and the loss never moves; He\'s stays flat and learns.',
  },
  {
    id: 'glorot2010',
    label: 'Glorot & Bengio 2010: tanh',
    state: { inits: ['pytorch_default', 'xavier_uniform'], activation: 'tanh', hidden: Array(8).fill(64), learningRate: 0.05 },
    what: 'Glorot & Bengio 2010: "standard" U(±1/√n) init (PyTorch\'s default) vs their normalized (Xavier) init, tanh.',
    watch: 'Standard init shrinks the variance ~1/3 per layer at first and its gradients vanish towards layer 1; Xavier keeps both flat.',
  },
  {
    id: 'symmetry',
    label: 'Zero and constant init: symmetry',
    state: { inits: ['zeros', 'constant', 'he_normal'], activation: 'relu', hidden: [16, 16, 16], learningRate: 0.1 },
    what: 'Every unit of a layer starts identical: same output, same gradient, so they stay identical forever.',
    watch: 'Zeros: hidden gradients are exactly 0, the loss stays at ln 2 ≈ 0.693. Constant: learns a little, badge says symmetric.',
  },
  {
    id: 'saxe',
    label: 'Saxe et al. 2013: deep linear, orthogonal',
    state: { inits: ['orthogonal', 'xavier_normal'], activation: 'linear', hidden: Array(30).fill(32), dataset: 'moons', learningRate: 0.01 },
    what: 'Saxe et al. 2013: a 30-layer linear net. Orthogonal weights keep every singular value of the product at 1.',
    watch: 'Orthogonal sits exactly on the theory line at every layer; Gaussian (Xavier) only on average, its line wanders with depth.',
  },
  {
    id: 'lsuv',
    label: 'LSUV (Mishkin & Matas 2015)',
    state: { inits: ['lsuv', 'orthogonal', 'he_normal'], activation: 'tanh', hidden: Array(20).fill(64), learningRate: 0.05 },
    what: 'LSUV: orthogonal init, then each layer rescaled on a batch until its output variance is 1.',
    watch: 'At step 0 LSUV\'s variance is exactly 1 at every layer; orthogonal keeps the small input variance. LSUV then trains faster.',
  },
  {
    id: 'sigmoid',
    label: 'Sigmoid: vanishing gradients',
    state: { inits: ['xavier_normal', 'he_normal', 'small_normal'], activation: 'sigmoid', hidden: Array(10).fill(64), learningRate: 0.1 },
    what: 'Sigmoid is not zero-centred and its slope is at most 1/4.',
    watch: 'Gradient chart: the variance falls layer by layer towards the input whatever the init; training crawls.',
  },
  {
    // A sweep preset: `sweep` holds the sweep view's settings (views/sweep.js configure()); the
    // page opens the view with them and the reader presses Start.
    id: 'schoenholz2017',
    label: 'Schoenholz et al. 2017: trainable depth (sweep)',
    state: { inits: ['mean_field'], activation: 'tanh', hidden: Array(10).fill(32), learningRate: 0.01, weightVar: 1.76, biasVar: 0.05 },
    sweep: {
      xField: 'weightVar', xSpec: '1:4:13', yField: 'depth', ySpec: '10:100:10', steps: 300, seeds: 1,
      metric: 'trainAccuracy', fixed: { biasVar: 0.05 },
    },
    what: 'Schoenholz et al. 2017: tanh nets with W ~ N(0, σw²/n), b ~ N(0, 0.05), 300 updates per cell, over σw² and depth.',
    watch: 'Only a band around the critical σw² ≈ 1.76 (dashed) trains deep; the curve is 6·ξc, the depth the theory says signals survive.',
  },
]);

export function presetById(id) {
  return PRESETS.find((p) => p.id === id);
}

// The preset whose runs a state has (for the select to show it), or undefined; view fields
// (speed, hist, logY, embed) do not count.
export function matchPreset(state, defaults) {
  return PRESETS.find((p) => sameRuns(state, { ...defaults, ...p.state }));
}
