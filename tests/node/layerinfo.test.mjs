// tests/node/layerinfo.test.mjs: run.layerInfo(l) and run.weights(l) against the native CLI's
// `initscope dump --what weights` (JSON; spec/parametrizations.md: both report the
// effective weights m x W and each layer's role, multiplier and lrScale { weights, biases }),
// for sp, ntk and mup on a 3-hidden-layer net whose widths all differ from baseWidth, so every
// multiplier and learning-rate scale of the spec's tables is one that is not 1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { loadEngine, cliJson, assertConfigError } from './helpers.mjs';

let engine;
before(async () => { engine = await loadEngine(); });
after(() => { engine = undefined; });

const BASE = {
  dataset: 'gaussian_nd', inputDim: 8, samples: 100, seed: 5, hidden: [32, 48, 24],
  baseWidth: 16, outputMultiplier: 2, inputMultiplier: 0.5, batchSize: 16,
};

function cliFlags(c) {
  return ['--dataset', c.dataset, '--input-dim', String(c.inputDim), '--samples', String(c.samples),
    '--seed', String(c.seed), '--hidden', c.hidden.join(','), '--base-width', String(c.baseWidth),
    '--output-multiplier', String(c.outputMultiplier), '--input-multiplier', String(c.inputMultiplier),
    '--batch-size', String(c.batchSize), '--parametrization', c.parametrization,
    '--optimizer', c.optimizer];
}

// Bitwise equality of a Float32Array with the JSON's numbers (each a float32 printed exactly).
function sameFloats(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const e = Float32Array.from(expected);
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(actual[i], e[i])) assert.fail(`${what}[${i}]: ${actual[i]} vs native ${e[i]}`);
  }
}

for (const parametrization of ['sp', 'ntk', 'mup']) {
  for (const optimizer of ['sgd', 'adam']) {
    test(`${parametrization}, ${optimizer}: layerInfo and weights equal dump --what weights`, () => {
      const config = { ...BASE, parametrization, optimizer };
      const native = cliJson('dump', '--what', 'weights', ...cliFlags(config));
      const run = engine.createRun(config);
      try {
        assert.equal(native.layers.length, 4);
        native.layers.forEach((layer, l) => {
          const info = run.layerInfo(l);
          assert.deepEqual(info, {
            role: layer.role, fanIn: layer.fanIn, fanOut: layer.fanOut,
            multiplier: layer.multiplier, lrScale: layer.lrScale,
          }, `layer ${l}`);
          sameFloats(run.weights(l), layer.weights, `layer ${l} weights`);
          sameFloats(run.biases(l), layer.biases, `layer ${l} biases`);
        });
        const roles = native.layers.map((_, l) => run.layerInfo(l).role);
        assert.deepEqual(roles, ['input', 'hidden', 'hidden', 'readout']);
        const multipliers = native.layers.map((_, l) => run.layerInfo(l).multiplier);
        if (parametrization === 'sp') {
          // inputMultiplier im = 0.5 holds for every parametrization: the input layer's m = sqrt(im).
          assert.deepEqual(multipliers, [Math.fround(Math.sqrt(0.5)), 1, 1, 1]);
        } else {
          // The test can fail: ntk and mup have a multiplier other than 1 (ntk: 1/sqrt(fanIn);
          // mup's readout: outputMultiplier / r_L = 2 / (24 / 16); the input layer sqrt(im)).
          assert.ok(multipliers.some((m) => m !== 1), `${parametrization}: ${multipliers}`);
        }
        if (parametrization === 'mup') {
          assert.equal(multipliers[3], Math.fround(2 / (24 / 16)));
          // MuSGD: hidden w_l at r_l / r_{l-1}; MuAdam: 1 / r_{l-1} (48 -> 24: r 3 -> 1.5).
          const lr = run.layerInfo(2).lrScale.weights;
          assert.equal(lr, optimizer === 'sgd' ? Math.fround(1.5 / 3) : Math.fround(1 / 3));
        }
      } finally {
        run.dispose();
      }
    });
  }
}

test('layerInfo validates the layer like weights and biases do', () => {
  const run = engine.createRun({ ...BASE, parametrization: 'mup', optimizer: 'sgd' });
  try {
    assertConfigError(() => run.layerInfo(4), 'layer', '4');
    assertConfigError(() => run.layerInfo(-1), 'layer', '-1');
    assertConfigError(() => run.layerInfo(0.5), 'layer', '0.5');
    assertConfigError(() => run.layerInfo('0'), 'layer', '"0"');
    assertConfigError(() => run.layerInfo(), 'layer', 'undefined');
    assert.match(assertConfigError(() => run.layerInfo(4), 'layer', '4'), /an integer in 0\.\.3$/);
  } finally {
    run.dispose();
  }
  assert.throws(() => run.layerInfo(0), /run is disposed/);
});
