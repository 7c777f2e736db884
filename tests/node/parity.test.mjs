// tests/node/parity.test.mjs: the wasm engine and the native CLI (build/native/bin/initscope),
// run side by side in this test on the same seed, give the same numbers.
//
// Why they can: the RNG (PCG32 + our own uniform/normal transforms), the GEMM summation order,
// -ffp-contract=off and every transcendental function (core/include/initscope/pmath.hpp: exp,
// log, tanh, erf, sin, cos, ... from +, -, *, / and sqrt, instead of glibc natively and musl in
// wasm, which differ in the last ulp) are the same in both builds. So everything is
// bit-identical: labels, datasets, initial weights, every step-0 statistic (theory columns
// included), losses and accuracies at every logged step over 200 updates, and the divergence
// step. One ulp anywhere fails the test; the compare() report names where.
// Differences are reported as the largest one and where it is (llm.c check_tensor style).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { loadEngine, cliJson, bin } from './helpers.mjs';

const RTOL = 0;       // data, weights, step-0 statistics: bit-identical
const LOSS_RTOL = 0;  // losses after up to 200 updates: bit-identical
const STEPS = 200;
const LOG_EVERY = 20;

// The groups compared. Every group runs its initializers through one `initscope run` call.
const GROUPS = [
  {
    name: 'spiral / relu / sgd',
    config: { dataset: 'spiral', samples: 600, noise: 0.1, testFraction: 0.5, seed: 42, hidden: [64, 64, 64],
      activation: 'relu', optimizer: 'sgd', learningRate: 0.05, batchSize: 32, loss: 'cross_entropy' },
    inits: ['he_normal', 'xavier_normal', 'zeros', 'orthogonal', 'lsuv'],
  },
  {
    name: 'spiral / tanh / momentum, 3 classes',
    config: { dataset: 'spiral', classes: 3, samples: 600, noise: 0.2, seed: 7, hidden: [32, 32, 32, 32],
      activation: 'tanh', optimizer: 'momentum', learningRate: 0.02, momentum: 0.9, batchSize: 16 },
    inits: ['he_normal', 'xavier_normal', 'zeros', 'orthogonal', 'lsuv'],
  },
  {
    name: 'gaussian_nd / relu / adam',
    config: { dataset: 'gaussian_nd', inputDim: 32, classes: 3, samples: 500, noise: 0.1, seed: 3,
      hidden: [64, 64, 64, 64, 64], activation: 'relu', optimizer: 'adam', learningRate: 0.001, batchSize: 25 },
    inits: ['he_normal', 'xavier_normal', 'zeros', 'orthogonal', 'lsuv'],
  },
  {
    name: 'gaussian_nd / tanh / sgd full batch / mse',
    config: { dataset: 'gaussian_nd', inputDim: 16, samples: 300, testFraction: 0.3, seed: 11,
      hidden: [48, 48, 48], activation: 'tanh', optimizer: 'sgd', learningRate: 0.1, batchSize: 0, loss: 'mse' },
    inits: ['he_normal', 'xavier_normal', 'zeros', 'orthogonal', 'lsuv'],
  },
  {
    name: 'gaussian_nd / tanh / mean_field near the critical point (the theory columns)',
    config: { dataset: 'gaussian_nd', inputDim: 32, samples: 300, seed: 13, hidden: [32, 32, 32, 32, 32, 32, 32, 32],
      activation: 'tanh', weightVar: 1.76, biasVar: 0.05, learningRate: 0.01, batchSize: 32 },
    inits: ['mean_field'],
  },
  {
    name: 'moons, circles, xor, gaussians: the other initializers and activations',
    config: { dataset: 'moons', samples: 400, seed: 5, hidden: [32, 16], activation: 'leaky_relu', leakySlope: 0.1,
      optimizer: 'sgd', learningRate: 0.05, batchSize: 20, gain: 'auto' },
    inits: ['pytorch_default', 'he_uniform', 'xavier_uniform', 'lecun_normal', 'lecun_uniform', 'truncated_normal',
      'uniform', 'normal', 'small_normal', 'constant'],
  },
  {
    name: 'residual: 12 blocks, 1/sqrt(L), ReZero, Fixup, one and two layers per branch',
    config: { dataset: 'spiral', samples: 400, seed: 21, hidden: Array(12).fill(32), activation: 'relu',
      architecture: 'residual', residualScale: 'inv_sqrt_depth', blockLayers: 2, optimizer: 'adam',
      learningRate: 0.003, batchSize: 20 },
    inits: ['he_normal', 'fixup', 'lsuv'],
  },
  {
    name: 'residual with ReZero gates and a pre-LayerNorm',
    config: { dataset: 'gaussian_nd', inputDim: 16, samples: 300, seed: 4, hidden: Array(8).fill(24),
      activation: 'gelu', architecture: 'residual', residualGate: 'rezero', norm: 'layer', optimizer: 'momentum',
      learningRate: 0.02, batchSize: 16 },
    inits: ['he_normal', 'xavier_normal'],
  },
  {
    name: 'residual with a post-RMSNorm; plain nets with BatchNorm',
    config: { dataset: 'moons', samples: 300, seed: 6, hidden: Array(6).fill(16), activation: 'tanh',
      architecture: 'residual', norm: 'rms', normPosition: 'post', residualScale: 0.5, learningRate: 0.05, batchSize: 10 },
    inits: ['xavier_normal'],
  },
  {
    name: 'plain ReLU net with BatchNorm after every Linear (running statistics in evaluation)',
    config: { dataset: 'circles', samples: 300, seed: 8, hidden: [32, 32, 32, 32], activation: 'relu', norm: 'batch',
      optimizer: 'sgd', learningRate: 0.05, batchSize: 16 },
    inits: ['he_normal', 'orthogonal'],
  },
  {
    name: 'circles / gelu / adam',
    config: { dataset: 'circles', samples: 300, seed: 9, hidden: [24, 24], activation: 'gelu', optimizer: 'adam',
      learningRate: 0.01, batchSize: 30 },
    inits: ['he_normal'],
  },
  {
    name: 'xor / sigmoid / sgd',
    config: { dataset: 'xor', samples: 300, seed: 1, hidden: [16, 16], activation: 'sigmoid', learningRate: 0.5, batchSize: 10 },
    inits: ['xavier_uniform'],
  },
  {
    name: 'gaussians / selu / momentum, 4 classes',
    config: { dataset: 'gaussians', classes: 4, samples: 400, seed: 2, hidden: [32, 32], activation: 'selu',
      optimizer: 'momentum', learningRate: 0.01, batchSize: 40 },
    inits: ['lecun_normal'],
  },
  {
    name: 'spiral / linear / diverging',
    config: { dataset: 'spiral', samples: 200, seed: 4, hidden: [32, 32], activation: 'linear', learningRate: 10,
      loss: 'mse', batchSize: 20 },
    inits: ['normal'],
    extra: { initStd: 3 },
  },
];

// JS config -> CLI flags (camelCase -> --kebab-case; hidden as a comma list).
function flags(config) {
  const out = [];
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null) continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    out.push(flag, Array.isArray(value) ? value.join(',') : String(value));
  }
  return out;
}

// Compares arrays elementwise: |a - b| <= rtol * max(|a|, |b|, scale[i]). Returns { identical,
// worst }. scale is for means, which cancel towards 0: they are compared relative to their std.
function compare(actual, expected, rtol, what, scale = null) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let identical = 0, worst = 0, at = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], b = expected[i];
    if (Object.is(a, b) || a === b) {
      identical++;
      continue;
    }
    const rel = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), scale ? scale[i] : 0);
    if (!(rel <= worst)) { worst = rel; at = i; }
  }
  assert.ok(worst <= rtol,
    `${what}: largest relative difference ${worst} at [${at}] (wasm ${actual[at]}, native ${expected[at]}) > ${rtol}`);
  return { identical, total: actual.length, worst };
}

const f32 = (values) => Float32Array.from(values, Math.fround);
const rows = (values) => Float64Array.from(values, (v) => (v === null ? NaN : v));

const haveCli = existsSync(bin);
let engine;
before(async () => { engine = await loadEngine(); });

describe('native parity', { skip: haveCli ? false : `no native CLI at ${bin} (run scripts/build-native.sh)` }, () => {
  test('sampleInit == `initscope sample --raw` for the same seed', (t) => {
    for (const [init, fanIn, fanOut, seed] of [['he_normal', 1024, 1024, 1], ['xavier_uniform', 300, 200, 2],
      ['orthogonal', 64, 128, 3], ['truncated_normal', 100, 50, 4]]) {
      const native = cliJson('sample', '--init', init, '--fan-in', String(fanIn), '--fan-out', String(fanOut),
        '--seed', String(seed), '--raw', '--format', 'json');
      const wasm = engine.sampleInit({ init, fanIn, fanOut, seed });
      const r = compare(wasm, f32(native.values), RTOL, `sample ${init}`);
      t.diagnostic(`${init} ${fanOut}x${fanIn}: ${r.identical}/${r.total} bit-identical, worst rel ${r.worst}`);
    }
  });

  for (const group of GROUPS) {
    describe(group.name, () => {
      const base = { ...group.config, ...(group.extra ?? {}) };

      test('dataset: bit-identical labels and points', (t) => {
        const native = cliJson('dump', '--what', 'dataset', ...flags({ ...base, init: group.inits[0] }));
        const run = engine.createRun({ ...base, init: group.inits[0] });
        try {
          assert.deepEqual(native.config, { ...run.config, hidden: [...run.config.hidden] }, 'resolved configs');
          const d = run.dataset();
          assert.equal(d.inputDim, native.inputDim);
          assert.equal(d.classes, native.classes);
          assert.deepEqual([...d.yTrain], native.yTrain);
          assert.deepEqual([...d.yTest], native.yTest);
          const a = compare(d.xTrain, f32(native.xTrain), RTOL, 'xTrain');
          const b = compare(d.xTest, f32(native.xTest), RTOL, 'xTest');
          compare(d.bounds, native.bounds, RTOL, 'bounds');
          t.diagnostic(`x: ${a.identical + b.identical}/${a.total + b.total} bit-identical, worst rel ${Math.max(a.worst, b.worst)}`);
        } finally {
          run.dispose();
        }
      });

      for (const init of group.inits) {
        test(`${init}: initial weights and biases bit-identical`, (t) => {
          const native = cliJson('dump', '--what', 'weights', ...flags({ ...base, init }));
          const run = engine.createRun({ ...base, init });
          try {
            assert.equal(native.layers.length, run.layerCount());
            let identical = 0, total = 0, worst = 0;
            native.layers.forEach((layer, l) => {
              for (const r of [compare(run.weights(l), f32(layer.weights), RTOL, `layer ${l} weights`),
                compare(run.biases(l), f32(layer.biases), RTOL, `layer ${l} biases`)]) {
                identical += r.identical; total += r.total; worst = Math.max(worst, r.worst);
              }
            });
            t.diagnostic(`${identical}/${total} bit-identical, worst rel ${worst}`);
          } finally {
            run.dispose();
          }
        });
      }

      test(`loss curves and statistics over ${STEPS} steps bit-identical`, (t) => {
        const native = cliJson('run', ...flags({ ...base, init: group.inits.join(',') }),
          '--steps', String(STEPS), '--log-every', String(LOG_EVERY), '--format', 'json', '--no-histograms');
        assert.equal(native.runs.length, group.inits.length);
        let worstLoss = 0, worstStat = 0;
        for (const nativeRun of native.runs) {
          const run = engine.createRun({ ...base, init: nativeRun.init });
          try {
            for (const rec of nativeRun.records) {
              if (rec.step > run.stepCount) run.step(rec.step - run.stepCount);
              const e = run.evaluate();
              const s = run.layerStats();
              const what = `${nativeRun.init} step ${rec.step}`;
              assert.equal(e.step, rec.step, `${what}: step`);
              const r = compare([e.trainLoss, e.testLoss], rows([rec.trainLoss, rec.testLoss]), LOSS_RTOL, `${what}: losses`);
              worstLoss = Math.max(worstLoss, r.worst);
              assert.equal(e.trainAccuracy, rec.trainAccuracy, `${what}: train accuracy`);
              assert.equal(e.testAccuracy, rec.testAccuracy, `${what}: test accuracy`);
              {  // every logged step (the statistics are measured on the probe batch each time)
                for (const key of ['preMean', 'preVar', 'postMean', 'postVar', 'gradVar', 'weightGradVar', 'weightVar',
                  'theoryVar', 'corr', 'theoryCorr', 'theoryGradVar']) {
                  const std = key.endsWith('Mean') ? s[key.replace('Mean', 'Var')].map(Math.sqrt) : null;
                  const q = compare(s[key], rows(rec.layerStats[key]), RTOL, `${what}: ${key}`, std);
                  worstStat = Math.max(worstStat, q.worst);
                }
                assert.deepEqual([...s.deadFraction], rec.layerStats.deadFraction, `${what}: deadFraction`);
                assert.deepEqual(s.symmetric, rec.layerStats.symmetric, `${what}: symmetric`);
              }
            }
            assert.equal(run.evaluate().diverged, nativeRun.diverged, `${nativeRun.init}: diverged`);
          } finally {
            run.dispose();
          }
        }
        t.diagnostic(`worst relative difference: losses ${worstLoss}, step-0 statistics ${worstStat}`);
      });
    });
  }
});
