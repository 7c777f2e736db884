// tests/node/engine.test.mjs: the JavaScript engine API (web/js/engine/engine.js over the wasm module).
// Every function with normal input, then every validation rule with bad input: each error must
// name the field and the value in the core's format, and the engine must keep working after it.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { loadEngine, assertConfigError, root, variance } from './helpers.mjs';

// Small and fast: 100 training rows, 3 hidden layers of 16.
const SMALL = { samples: 200, hidden: [16, 16, 16], batchSize: 20 };

let engine;
before(async () => { engine = await loadEngine(); });

// The engine still creates, trains and frees a run (checked after every error).
function stillWorks() {
  const run = engine.createRun(SMALL);
  const { step, loss } = run.step(2);
  assert.equal(step, 2);
  assert.ok(Number.isFinite(loss));
  run.dispose();
}


// ---------------------------------------------------------------------------------------------
describe('loading', () => {
  test('loadEngine() finds the build in the repository and reports no live runs', async () => {
    const e = await loadEngine();
    assert.equal(typeof e.createRun, 'function');
    assert.equal(e.liveRuns, 0);
  });

  test('loadEngine({ moduleUrl, wasmUrl }) loads from explicit locations', async () => {
    const wasmDir = pathToFileURL(path.join(root, 'build/wasm/')).href;
    const e = await loadEngine({ moduleUrl: `${wasmDir}initscope.mjs`, wasmUrl: `${wasmDir}initscope.wasm` });
    assert.equal(e.activations()[0], 'relu');
  });

  test('the deployed layout dist/js/engine/engine.js + dist/wasm/ is found first', async () => {
    const dist = await mkdtemp(path.join(tmpdir(), 'initscope-dist-'));
    try {
      await mkdir(path.join(dist, 'js/engine'), { recursive: true });
      await mkdir(path.join(dist, 'wasm'));
      for (const f of ['engine.js', 'validate.js']) {
        await cp(path.join(root, 'web/js/engine', f), path.join(dist, 'js/engine', f));
      }
      for (const f of ['initscope.mjs', 'initscope.wasm']) {
        await cp(path.join(root, 'build/wasm', f), path.join(dist, 'wasm', f));
      }
      const mod = await import(pathToFileURL(path.join(dist, 'js/engine/engine.js')).href);
      const e = await mod.loadEngine();
      const run = e.createRun(SMALL);
      assert.equal(run.step(1).step, 1);
      run.dispose();
    } finally {
      await rm(dist, { recursive: true, force: true });
    }
  });

  test('a missing module is a clear error that says how to build it', async () => {
    await assert.rejects(loadEngine({ moduleUrl: '/nonexistent/initscope.mjs' }),
      (e) => e instanceof Error && /cannot load the WebAssembly engine/.test(e.message) &&
        /scripts\/build-wasm\.sh/.test(e.message));
  });
});

// ---------------------------------------------------------------------------------------------
describe('lists', () => {
  test('initializers(): every public id with a label and a formula', () => {
    const list = engine.initializers();
    const ids = list.map((i) => i.id);
    assert.deepEqual(ids, ['zeros', 'constant', 'uniform', 'normal', 'small_normal',
      'truncated_normal', 'xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal',
      'lecun_uniform', 'lecun_normal', 'orthogonal', 'pytorch_default', 'lsuv', 'mean_field', 'fixup']);
    for (const i of list) {
      assert.equal(typeof i.label, 'string');
      assert.ok(i.label.length > 0 && i.formula.length > 0, i.id);
    }
  });

  test('activations(): the seven ids', () => {
    assert.deepEqual(engine.activations(),
      ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear', 'selu', 'gelu']);
  });

  test('datasets(): ids with their default input dimension and classes', () => {
    const list = engine.datasets();
    assert.deepEqual(list.map((d) => d.id),
      ['spiral', 'circles', 'xor', 'gaussians', 'moons', 'gaussian_nd', 'fashion_mnist']);
    for (const d of list) {
      assert.ok(Number.isInteger(d.inputDim) && Number.isInteger(d.classes), d.id);
      assert.ok(d.label.length > 0);
    }
    assert.equal(list.find((d) => d.id === 'gaussian_nd').inputDim, 64);
    assert.equal(list.find((d) => d.id === 'spiral').inputDim, 2);
    // Read from a file: loadDataset first (tests/node/fashion.test.mjs).
    assert.deepEqual(list.filter((d) => d.needsLoad).map((d) => d.id), ['fashion_mnist']);
  });

  test('optimizers(), losses(), limits(), defaultConfig(), configFields()', () => {
    assert.deepEqual(engine.optimizers(), ['sgd', 'momentum', 'adam']);
    assert.deepEqual(engine.losses(), ['cross_entropy', 'mse']);
    const limits = engine.limits();
    assert.equal(limits.maxParameters, 4194304);
    assert.equal(limits.maxActivations, 8388608);
    assert.equal(limits.maxDepth, 200);
    const defaults = engine.defaultConfig();
    assert.equal(defaults.dataset, 'spiral');
    assert.deepEqual(defaults.hidden, [64, 64, 64]);
    assert.equal(defaults.gain, null);
    const names = engine.configFields().map((f) => f.name);
    assert.deepEqual(names, Object.keys(defaults));
  });
});

// ---------------------------------------------------------------------------------------------
describe('sampleInit', () => {
  test('he_normal: [fanOut][fanIn] Float32Array with variance 2/fanIn within 5 standard errors', () => {
    const w = engine.sampleInit({ init: 'he_normal', fanIn: 1024, fanOut: 512, seed: 1 });
    assert.ok(w instanceof Float32Array);
    assert.equal(w.length, 1024 * 512);
    const expected = 2 / 1024;
    const se = expected * Math.sqrt(2 / w.length);  // std error of a Gaussian sample variance
    assert.ok(Math.abs(variance(w) - expected) < 5 * se, `variance ${variance(w)} vs ${expected}`);
  });

  test('the same seed gives the same values, another seed other values', () => {
    const a = engine.sampleInit({ init: 'xavier_uniform', fanIn: 64, fanOut: 32, seed: 7 });
    const b = engine.sampleInit({ init: 'xavier_uniform', fanIn: 64, fanOut: 32, seed: 7 });
    const c = engine.sampleInit({ init: 'xavier_uniform', fanIn: 64, fanOut: 32, seed: 8 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('orthogonal rows are orthonormal, so the layout is [fanOut][fanIn]', () => {
    const fanIn = 8, fanOut = 4;
    const w = engine.sampleInit({ init: 'orthogonal', fanIn, fanOut, seed: 3 });
    // Q is exact to double precision, then each element is rounded once to float32 (2^-24
    // relative): by Cauchy-Schwarz a dot of two unit rows moves by at most ~2^-23 = 1.2e-7.
    // 1e-5 is far above that; rows read from a transposed layout are not orthonormal at all.
    for (let i = 0; i < fanOut; i++) {
      for (let j = 0; j < fanOut; j++) {
        let dot = 0;
        for (let k = 0; k < fanIn; k++) dot += w[i * fanIn + k] * w[j * fanIn + k];
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `row ${i} . row ${j} = ${dot}`);
      }
    }
  });

  test('zeros, constant, gain and fanMode options are honoured', () => {
    assert.ok(engine.sampleInit({ init: 'zeros', fanIn: 3, fanOut: 5 }).every((x) => x === 0));
    assert.ok(engine.sampleInit({ init: 'constant', initValue: 0.25, fanIn: 3, fanOut: 2 }).every((x) => x === 0.25));
    const base = { init: 'uniform', initBound: 0.5, fanIn: 100, fanOut: 100, seed: 2 };
    assert.ok(engine.sampleInit(base).every((x) => Math.abs(x) <= 0.5));
    // He with fan_out scales by 1/sqrt(fanOut): fanOut = 4 fanIn halves the std. Both are the
    // same normal draws times a scale, each rounded once to float32 (2^-24 relative), so they
    // agree to ~1.2e-7 relative; 1e-6 (+1e-7 near 0) leaves room, a wrong fan is off by 2x.
    const fanIn = engine.sampleInit({ init: 'he_normal', fanIn: 100, fanOut: 400, seed: 5 });
    const fanOut = engine.sampleInit({ init: 'he_normal', fanIn: 100, fanOut: 400, seed: 5, fanMode: 'fan_out' });
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(fanOut[i] * 2 - fanIn[i]) < 1e-6 * Math.abs(fanIn[i]) + 1e-7);
    // The same argument for the gain: gain 3 is the gain-1 draw times 3, up to float rounding.
    const g1 = engine.sampleInit({ init: 'lecun_normal', fanIn: 50, fanOut: 50, seed: 9, gain: 1 });
    const g3 = engine.sampleInit({ init: 'lecun_normal', fanIn: 50, fanOut: 50, seed: 9, gain: 3 });
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(g3[i] - 3 * g1[i]) < 1e-6 * Math.abs(g3[i]) + 1e-7);
  });
});

// ---------------------------------------------------------------------------------------------
describe('runs', () => {
  test('createRun(): the documented example, with the resolved config', () => {
    const run = engine.createRun({
      dataset: 'spiral', samples: 1000, noise: 0.1, testFraction: 0.5, seed: 42,
      hidden: [64, 64, 64], activation: 'relu', init: 'he_normal', gain: undefined,
      optimizer: 'sgd', learningRate: 0.01, batchSize: 32, loss: 'cross_entropy',
    });
    assert.equal(run.stepCount, 0);
    assert.equal(run.config.inputDim, 2);
    assert.equal(run.config.classes, 2);
    assert.equal(run.config.gain, null);
    assert.deepEqual(run.config.hidden, [64, 64, 64]);
    assert.ok(Object.isFrozen(run.config) && Object.isFrozen(run.config.hidden));
    run.dispose();
  });

  test('missing fields take the C++ defaults; createRun(run.config) builds the same run', () => {
    const a = engine.createRun();
    const defaults = engine.defaultConfig();
    assert.deepEqual({ ...a.config, hidden: [...a.config.hidden] },
      { ...defaults, inputDim: 2, classes: 2 });
    const b = engine.createRun(a.config);
    for (let l = 0; l <= 3; l++) {
      assert.deepEqual(a.weights(l), b.weights(l));
      assert.deepEqual(a.biases(l), b.biases(l));
    }
    assert.deepEqual(a.step(5), b.step(5));
    a.dispose();
    b.dispose();
  });

  test('step(n) trains: { step, loss }, stepCount advances, loss falls', () => {
    const run = engine.createRun({ ...SMALL, optimizer: 'adam', learningRate: 0.01 });
    const before = run.evaluate();
    assert.deepEqual(Object.keys(run.step(0)), ['step', 'loss']);
    assert.equal(run.stepCount, 0);
    const r = run.step(10);
    assert.equal(r.step, 10);
    assert.ok(Number.isFinite(r.loss));
    run.step(190);
    assert.equal(run.stepCount, 200);
    const after = run.evaluate();
    assert.ok(after.trainLoss < before.trainLoss, `${after.trainLoss} >= ${before.trainLoss}`);
    run.dispose();
  });

  test('step() with no argument is one update', () => {
    const run = engine.createRun(SMALL);
    assert.equal(run.step().step, 1);
    run.dispose();
  });

  test('evaluate(): losses, accuracies in [0, 1], diverged null', () => {
    const run = engine.createRun(SMALL);
    const e = run.evaluate();
    assert.deepEqual(Object.keys(e),
      ['step', 'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'diverged']);
    assert.equal(e.step, 0);
    assert.ok(e.trainLoss > 0 && e.testLoss > 0);
    for (const a of [e.trainAccuracy, e.testAccuracy]) assert.ok(a >= 0 && a <= 1);
    assert.equal(e.diverged, null);
    run.dispose();
  });

  test('a diverging run reports the step and stops there; nothing crashes', () => {
    const run = engine.createRun({ learningRate: 10, loss: 'mse', init: 'normal', initStd: 10 });
    run.step(50);
    const e = run.evaluate();
    assert.equal(typeof e.diverged, 'number');
    assert.equal(run.stepCount, e.diverged);
    assert.equal(run.step(10).step, e.diverged);
    run.dispose();
  });

  test('layerStats(): one entry per weight layer, typed arrays, histograms', () => {
    const run = engine.createRun({ ...SMALL, probeSize: 64, histBins: 20 });
    const s = run.layerStats();
    const L = 4;
    for (const k of ['preMean', 'preVar', 'postMean', 'postVar', 'deadFraction', 'gradVar',
      'weightGradVar', 'weightVar', 'theoryVar']) {
      assert.ok(s[k] instanceof Float64Array, k);
      assert.equal(s[k].length, L, k);
      assert.ok(s[k].every(Number.isFinite), k);
    }
    assert.deepEqual(s.symmetric, [false, false, false, false]);
    assert.equal(s.theoryExact, true);
    assert.equal(s.histogram.bins, 20);
    assert.ok(s.histogram.lo instanceof Float64Array && s.histogram.lo.length === L);
    assert.ok(s.histogram.hi instanceof Float64Array && s.histogram.hi.length === L);
    for (let l = 0; l < L - 1; l++) assert.equal(s.histogram.lo[l], 0);  // relu's floor
    for (let l = 0; l < L; l++) assert.ok(s.histogram.hi[l] > s.histogram.lo[l]);
    assert.deepEqual(Array.from(s.histogram.below), [0, 0, 0, 0]);  // step 0: all inside
    assert.deepEqual(Array.from(s.histogram.above), [0, 0, 0, 0]);
    assert.equal(s.histogram.counts.length, L);
    for (let l = 0; l < L; l++) {
      const counts = s.histogram.counts[l];
      assert.ok(counts instanceof Uint32Array);
      assert.equal(counts.length, 20);
      const width = l < 3 ? 16 : 2;
      assert.equal(counts.reduce((a, b) => a + b, 0), 64 * width, `layer ${l}`);
    }
    // weightVar is the population variance of the weights the run returns.
    for (let l = 0; l < L; l++) {
      const v = variance(run.weights(l));
      assert.ok(Math.abs(s.weightVar[l] - v) <= 1e-9 * v, `layer ${l}: ${s.weightVar[l]} vs ${v}`);
    }
    run.dispose();
  });

  test('layerStats(): zero init is symmetric; tanh theory is marked approximate', () => {
    const zero = engine.createRun({ ...SMALL, init: 'zeros' });
    zero.step(20);
    assert.deepEqual(zero.layerStats().symmetric.slice(0, 3), [true, true, true]);
    assert.ok(zero.weights(0).every((x) => x === 0), 'zero-initialised ReLU layers never move');
    zero.dispose();
    const tanh = engine.createRun({ ...SMALL, activation: 'tanh', init: 'xavier_normal' });
    const s = tanh.layerStats();
    assert.equal(s.theoryExact, false);
    // tanh's hidden layers keep [-1, 1]; the output layer's logits get their own step-0 range.
    const L = s.histogram.lo.length;
    assert.deepEqual(Array.from(s.histogram.lo).slice(0, L - 1), Array(L - 1).fill(-1));
    assert.deepEqual(Array.from(s.histogram.hi).slice(0, L - 1), Array(L - 1).fill(1));
    tanh.dispose();
  });

  test('weights(l) / biases(l): [fanOut][fanIn] copies for l in 0..hidden.length', () => {
    const run = engine.createRun({ ...SMALL, hidden: [8, 4], init: 'pytorch_default' });
    const shapes = [[8, 2], [4, 8], [2, 4]];
    shapes.forEach(([out, inn], l) => {
      const w = run.weights(l), b = run.biases(l);
      assert.ok(w instanceof Float32Array && b instanceof Float32Array);
      assert.equal(w.length, out * inn);
      assert.equal(b.length, out);
      // pytorch_default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases.
      const bound = 1 / Math.sqrt(inn);
      assert.ok(w.every((x) => Math.abs(x) <= bound) && b.every((x) => Math.abs(x) <= bound));
    });
    const w = run.weights(0);
    w.fill(123);
    assert.notEqual(run.weights(0)[0], 123, 'a copy, not a view into the heap');
    run.dispose();
  });

  test('dataset(): split sizes, labels, bounds; gaussian_nd is N-dimensional', () => {
    const run = engine.createRun({ samples: 300, testFraction: 0.2, dataset: 'moons' });
    const d = run.dataset();
    assert.equal(d.inputDim, 2);
    assert.equal(d.classes, 2);
    assert.ok(d.xTrain instanceof Float32Array && d.yTrain instanceof Int32Array);
    assert.ok(d.xTest instanceof Float32Array && d.yTest instanceof Int32Array);
    assert.equal(d.yTrain.length, 240);
    assert.equal(d.yTest.length, 60);
    assert.equal(d.xTrain.length, 480);
    assert.equal(d.xTest.length, 120);
    assert.ok([...d.yTrain, ...d.yTest].every((y) => y === 0 || y === 1));
    const [x0min, x0max, x1min, x1max] = d.bounds;
    for (let i = 0; i < d.xTrain.length; i += 2) {
      assert.ok(d.xTrain[i] >= x0min && d.xTrain[i] <= x0max && d.xTrain[i + 1] >= x1min && d.xTrain[i + 1] <= x1max);
    }
    run.dispose();
    const nd = engine.createRun({ dataset: 'gaussian_nd', inputDim: 10, classes: 3, samples: 100, batchSize: 10 });
    const n = nd.dataset();
    assert.equal(n.inputDim, 10);
    assert.equal(n.classes, 3);
    assert.equal(n.xTrain.length, 50 * 10);
    assert.ok(n.yTrain.every((y) => y >= 0 && y < 3));
    assert.equal(nd.config.inputDim, 10);
    nd.dispose();
  });

  test('predictGrid(res): [res][res][classes] probabilities for 2-D data', () => {
    const run = engine.createRun({ ...SMALL, dataset: 'spiral', classes: 3 });
    run.step(20);
    const g = run.predictGrid(16);
    assert.ok(g instanceof Float32Array);
    assert.equal(g.length, 16 * 16 * 3);
    // Each probability is a double softmax rounded once to float32 (2^-24 relative), so a
    // cell's three sum to 1 within ~2e-7; 1e-5 is slack, an unnormalised output is far off.
    for (let i = 0; i < g.length; i += 3) {
      const sum = g[i] + g[i + 1] + g[i + 2];
      assert.ok(Math.abs(sum - 1) < 1e-5 && g[i] >= 0, `cell ${i / 3}: ${sum}`);
    }
    run.dispose();
  });

  test('dispose(): idempotent, every method throws afterwards, liveRuns counts', () => {
    const before = engine.liveRuns;
    const run = engine.createRun(SMALL);
    assert.equal(engine.liveRuns, before + 1);
    run.dispose();
    run.dispose();
    assert.equal(engine.liveRuns, before);
    assert.equal(run.disposed, true);
    for (const f of [() => run.step(1), () => run.evaluate(), () => run.layerStats(),
      () => run.weights(0), () => run.biases(0), () => run.dataset(), () => run.predictGrid(8),
      () => run.stepCount]) {
      assert.throws(f, /run is disposed/);
    }
    assert.equal(run.config.dataset, 'spiral', 'the config stays readable');
  });

  test('runs are independent: stepping one does not move another', () => {
    const a = engine.createRun(SMALL), b = engine.createRun(SMALL);
    const w = b.weights(1);
    a.step(30);
    assert.deepEqual(b.weights(1), w);
    assert.equal(b.stepCount, 0);
    a.dispose();
    b.dispose();
  });

  test('parameter cap: exactly 4,194,304 parameters works, one layer more is a clear error', () => {
    // spiral: 3*2048 + 2049*1982 + 1983*64 + 65*2 = 4,194,304
    const atCap = { samples: 40, testFraction: 0.5, batchSize: 4, probeSize: 4, hidden: [2048, 1982, 64] };
    const run = engine.createRun(atCap);
    const sizes = [0, 1, 2, 3].map((l) => run.weights(l).length + run.biases(l).length);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 4194304);
    assert.ok(Number.isFinite(run.step(1).loss));
    assert.ok(Number.isFinite(run.evaluate().trainLoss));
    run.dispose();
    const message = assertConfigError(() => engine.createRun({ ...atCap, hidden: [2048, 1982, 65] }),
      'hidden', 'a network of 4196289 parameters');
    assert.match(message, /4194304/);
    stillWorks();
  });

  test('activation cap: rows x units above 8,388,608 is a clear error', () => {
    assertConfigError(() => engine.createRun({ samples: 20000, testFraction: 0, batchSize: 0, hidden: [512] }),
      'hidden', 'a network of 514 units');
    stillWorks();
  });
});

// ---------------------------------------------------------------------------------------------
// Validation: [input, field, value as the message shows it]. JS-side type checks and the core's
// range checks give the same format.
const badConfigs = [
  [{ samples: NaN }, 'samples', 'NaN'],
  [{ samples: 1.5 }, 'samples', '1.5'],
  [{ samples: '100' }, 'samples', '"100"'],
  [{ samples: Infinity }, 'samples', 'Infinity'],
  [{ samples: 5 }, 'samples', '5'],
  [{ samples: 1e12 }, 'samples', '1000000000000'],
  [{ noise: NaN }, 'noise', 'NaN'],
  [{ noise: -Infinity }, 'noise', '-Infinity'],
  [{ noise: '0.1' }, 'noise', '"0.1"'],
  [{ noise: 3 }, 'noise', '3'],
  [{ testFraction: null }, 'testFraction', 'null'],
  [{ testFraction: 0.95 }, 'testFraction', '0.95'],
  [{ inputDim: 2.5 }, 'inputDim', '2.5'],
  [{ dataset: 'xor', inputDim: 3 }, 'inputDim', '3'],
  [{ classes: true }, 'classes', 'true'],
  [{ dataset: 'moons', classes: 3 }, 'classes', '3'],
  [{ seed: -1 }, 'seed', '-1'],
  [{ seed: 2 ** 32 }, 'seed', '4294967296'],
  [{ seed: 0.5 }, 'seed', '0.5'],
  [{ hidden: '64,64' }, 'hidden', '"64,64"'],
  [{ hidden: 64 }, 'hidden', '64'],
  [{ hidden: { length: 2 } }, 'hidden', '{"length":2}'],
  [{ hidden: [64, 1.5] }, 'hidden[1]', '1.5'],
  [{ hidden: [64, '64'] }, 'hidden[1]', '"64"'],
  [{ hidden: [0] }, 'hidden[0]', '0'],
  [{ hidden: [4096] }, 'hidden[0]', '4096'],
  [{ hidden: [NaN] }, 'hidden[0]', 'NaN'],
  [{ hidden: [] }, 'hidden', 'a list of 0 layers'],
  [{ hidden: new Array(201).fill(4) }, 'hidden', 'a list of 201 layers'],
  [{ dataset: 'mnist' }, 'dataset', '"mnist"'],
  [{ dataset: 3 }, 'dataset', '3'],
  [{ activation: 'ReLU' }, 'activation', '"ReLU"'],
  [{ activation: undefined, leakySlope: NaN }, 'leakySlope', 'NaN'],
  [{ leakySlope: 2 }, 'leakySlope', '2'],
  [{ init: 'kaiming' }, 'init', '"kaiming"'],
  [{ init: null }, 'init', 'null'],
  [{ gain: 'AUTO' }, 'gain', '"AUTO"'],
  [{ gain: NaN }, 'gain', 'NaN'],
  [{ gain: -1 }, 'gain', '-1'],
  [{ gain: [1] }, 'gain', '[1]'],
  [{ gain: 'auto', activation: 'gelu' }, 'gain', '"auto"'],
  [{ fanMode: 'in' }, 'fanMode', '"in"'],
  [{ initValue: Infinity }, 'initValue', 'Infinity'],
  [{ initStd: -1 }, 'initStd', '-1'],
  [{ initBound: '0.1' }, 'initBound', '"0.1"'],
  [{ optimizer: 'SGD' }, 'optimizer', '"SGD"'],
  [{ learningRate: 0 }, 'learningRate', '0'],
  [{ learningRate: NaN }, 'learningRate', 'NaN'],
  [{ momentum: 1 }, 'momentum', '1'],
  [{ batchSize: 501 }, 'batchSize', '501'],
  [{ batchSize: -1 }, 'batchSize', '-1'],
  [{ batchSize: 0.5 }, 'batchSize', '0.5'],
  [{ loss: 'l2' }, 'loss', '"l2"'],
  [{ probeSize: 0 }, 'probeSize', '0'],
  [{ histBins: 3 }, 'histBins', '3'],
  [{ histBins: 10n }, 'histBins', '10n'],
  [{ learningrate: 0.1 }, 'learningrate', '0.1'],
  [{ foo: 'bar', baz: 1 }, 'foo', '"bar"'],
];

describe('validation', () => {
  for (const [input, field, value] of badConfigs) {
    test(`createRun rejects ${field} = ${value}`, () => {
      assertConfigError(() => engine.createRun(input), field, value);
      stillWorks();
    });
  }

  test('an unknown field lists the known ones and suggests the right spelling', () => {
    const m = assertConfigError(() => engine.createRun({ learningrate: 0.1 }), 'learningrate', '0.1');
    assert.match(m, /one of dataset, samples, .*learningRate.*histBins/);
    assert.match(m, /did you mean learningRate\?/);
    const both = assertConfigError(() => engine.createRun({ foo: 'bar', baz: 1 }), 'foo', '"bar"');
    assert.match(both, /also unknown: baz/);
  });

  test('a config that is not an object', () => {
    assertConfigError(() => engine.createRun(5), 'config', '5');
    assertConfigError(() => engine.createRun(null), 'config', 'null');
    assertConfigError(() => engine.createRun([1]), 'config', '[1]');
    assertConfigError(() => engine.createRun('spiral'), 'config', '"spiral"');
    stillWorks();
  });

  test('an enum error lists every valid id', () => {
    const m = assertConfigError(() => engine.createRun({ activation: 'swish' }), 'activation', '"swish"');
    assert.ok(m.endsWith('expected one of relu, leaky_relu, tanh, sigmoid, linear, selu, gelu'), m);
  });

  test('numbers in messages print as JavaScript prints them, whichever side checked', () => {
    const m = assertConfigError(() => engine.createRun({ learningRate: 20 }), 'learningRate', '20');
    assert.match(m, /\(0, 10\]$/);
    assert.match(assertConfigError(() => engine.createRun({ gain: 150 }), 'gain', '150'), /\[0, 100\]/);
    assertConfigError(() => engine.createRun({ noise: 1e21 }), 'noise', '1e+21');
    assertConfigError(() => engine.createRun({ noise: 0.000001 - 1 }), 'noise', String(0.000001 - 1));
    stillWorks();
  });

  const badSamples = [
    [{ init: 'lsuv', fanIn: 4, fanOut: 4 }, 'init', '"lsuv"'],
    [{ init: 'he_normal', fanIn: 0, fanOut: 4 }, 'fanIn', '0'],
    [{ init: 'he_normal', fanIn: 1.5, fanOut: 4 }, 'fanIn', '1.5'],
    [{ init: 'he_normal', fanIn: 4, fanOut: '4' }, 'fanOut', '"4"'],
    [{ init: 'he_normal', fanIn: 4 }, 'fanOut', 'undefined'],
    [{ init: 'he_normal', fanIn: 4096, fanOut: 2048 }, 'fanOut', '2048'],
    [{ init: 'he_normal', fanIn: 4, fanOut: 4, hidden: [3] }, 'hidden', '[3]'],
    [{ init: 'he_normal', fanIn: 4, fanOut: 4, seed: NaN }, 'seed', 'NaN'],
    [{ init: 'xavier_normal', fanIn: 4, fanOut: 4, gain: 'auto', activation: 'gelu' }, 'gain', '"auto"'],
    [{ init: 'normal', fanIn: 4, fanOut: 4, initStd: -0.5 }, 'initStd', '-0.5'],
    [{ init: 'uniform', fanIn: 4, fanOut: 4, initBound: NaN }, 'initBound', 'NaN'],
  ];
  for (const [input, field, value] of badSamples) {
    test(`sampleInit rejects ${field} = ${value}`, () => {
      assertConfigError(() => engine.sampleInit(input), field, value);
      assert.equal(engine.sampleInit({ init: 'he_normal', fanIn: 2, fanOut: 2 }).length, 4);
    });
  }

  test('run methods reject bad steps, layers and resolutions', () => {
    const run = engine.createRun(SMALL);
    assertConfigError(() => run.step(1.5), 'n', '1.5');
    assertConfigError(() => run.step(-1), 'n', '-1');
    assertConfigError(() => run.step('10'), 'n', '"10"');
    assertConfigError(() => run.step(NaN), 'n', 'NaN');
    assertConfigError(() => run.weights(4), 'layer', '4');
    assertConfigError(() => run.weights(-1), 'layer', '-1');
    assertConfigError(() => run.weights('0'), 'layer', '"0"');
    assertConfigError(() => run.biases(1.5), 'layer', '1.5');
    assertConfigError(() => run.biases(), 'layer', 'undefined');
    assertConfigError(() => run.predictGrid(1), 'resolution', '1');
    assertConfigError(() => run.predictGrid(257), 'resolution', '257');
    assertConfigError(() => run.predictGrid(NaN), 'resolution', 'NaN');
    assert.equal(run.stepCount, 0, 'no bad call trained');
    assert.equal(run.step(3).step, 3, 'the run still works');
    run.dispose();
    const nd = engine.createRun({ dataset: 'gaussian_nd', samples: 100, batchSize: 10 });
    const m = assertConfigError(() => nd.predictGrid(16), 'dataset', '"gaussian_nd"');
    assert.match(m, /2-D/);
    nd.dispose();
    stillWorks();
  });
});

// The C++ adapter checks types itself, whoever calls it: Embind alone would turn NaN into 0 and
// 1.5 into 1. This reaches under engine.js on purpose (only this test does).
describe('wasm adapter (beneath engine.js)', () => {
  let raw;
  before(async () => {
    const { readFile } = await import('node:fs/promises');
    const factory = (await import(pathToFileURL(path.join(root, 'build/wasm/initscope.mjs')).href)).default;
    raw = await factory({ wasmBinary: await readFile(path.join(root, 'build/wasm/initscope.wasm')) });
  });

  const cases = [
    [{ samples: NaN }, 'samples', 'NaN'],
    [{ samples: 100.5 }, 'samples', '100.5'],
    [{ batchSize: '8' }, 'batchSize', '"8"'],
    [{ seed: -1 }, 'seed', '-1'],
    [{ hidden: [8, 2.5] }, 'hidden[1]', '2.5'],
    [{ hidden: 'x' }, 'hidden', '"x"'],
    [{ gain: 'x' }, 'gain', '"x"'],
    [{ bogus: 1 }, 'bogus', '1'],
    [{ hidden: [] }, 'hidden', 'a list of 0 layers'],
  ];
  for (const [input, field, value] of cases) {
    test(`createRun returns an Error for ${field} = ${value}`, () => {
      const r = raw.createRun(input);
      assert.ok(r instanceof Error, `no error for ${JSON.stringify(input)}`);
      assert.ok(r.message.startsWith(`invalid ${field} = ${value}: expected `), r.message);
    });
  }

  test('run methods return Errors for non-integers', () => {
    const h = raw.createRun(SMALL);
    assert.ok(!(h instanceof Error));
    assert.match(h.step(NaN).message, /^invalid n = NaN: /);
    assert.match(h.weights(0.5).message, /^invalid layer = 0.5: /);
    assert.match(h.predictGrid(1.5).message, /^invalid resolution = 1.5: /);
    assert.equal(h.stepCount(), 0);
    h.delete();
  });
});
