// tests/node/hostile.test.mjs: hostile input to the JS engine, one table row per case with the
// exact error it must give, and the engine still working afterwards.
//
// The engine runs whatever a page, an embed or a link passes it, so every wrong type, NaN,
// +-Infinity, negative, huge or fractional value, unknown id, prototype key, throwing getter and
// use of a disposed run must end in an Error whose message names the field and the value in the
// project's format (`invalid <field> = <value>: expected <allowed>`), never in a crash, a silent
// conversion (Embind turns NaN into 0) or a broken engine. After the whole table, a normal run
// must still train and give the same numbers as a fresh engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadEngine } from './helpers.mjs';
import { MAX_STEPS_PER_CALL } from '../../web/js/engine/engine.js';

// Loaded at the top (not in before()) because the tables below quote its id lists: the lists are
// the engine's to grow (cli.test and engine.test check them), the wording around them is ours.
const engine = await loadEngine();

const SMALL = { samples: 100, hidden: [8, 8], batchSize: 10, probeSize: 32 };
const LR = 'a number in (0, 10]';
const DATASETS = `one of ${engine.datasets().map((d) => d.id).join(', ')}`;
const INITS = `one of ${engine.initializers().map((i) => i.id).join(', ')}`;
const CONFIG_FIELDS = engine.configFields().map((f) => f.name).join(', ');

// A config whose one field is a getter: `value` is what it returns, or it throws.
function withGetter(field, get) {
  const config = { ...SMALL };
  Object.defineProperty(config, field, { get, enumerable: true });
  return config;
}
// Returns 64 the first time (what the JS checks see) and NaN afterwards (what C++ would read).
function changingGetter() {
  let reads = 0;
  return withGetter('learningRate', () => (reads++ === 0 ? 0.1 : NaN));
}

// [what, config, message]: the whole message (a wording change is a decision), or { prefix } where
// the rest is a long list checked elsewhere; null = accepted.
const CREATE_RUN = [
  ['config null', null, 'invalid config = null: expected an object'],
  ['config a number', 42, 'invalid config = 42: expected an object'],
  ['config a string', 'spiral', 'invalid config = "spiral": expected an object'],
  ['config an array', [1, 2], 'invalid config = [1,2]: expected an object'],
  ['learningRate NaN', { learningRate: NaN }, `invalid learningRate = NaN: expected ${LR}`],
  ['learningRate Infinity', { learningRate: Infinity }, `invalid learningRate = Infinity: expected ${LR}`],
  ['learningRate -Infinity', { learningRate: -Infinity }, `invalid learningRate = -Infinity: expected ${LR}`],
  ['learningRate negative', { learningRate: -0.1 }, `invalid learningRate = -0.1: expected ${LR}`],
  ['learningRate 0', { learningRate: 0 }, `invalid learningRate = 0: expected ${LR}`],
  ['learningRate huge', { learningRate: 1e308 }, `invalid learningRate = 1e+308: expected ${LR}`],
  ['learningRate a string', { learningRate: '0.1' }, `invalid learningRate = "0.1": expected ${LR}`],
  ['learningRate null', { learningRate: null }, `invalid learningRate = null: expected ${LR}`],
  ['learningRate an object', { learningRate: { valueOf: () => 0.1 } }, `invalid learningRate = {}: expected ${LR}`],
  ['learningRate a BigInt', { learningRate: 1n }, `invalid learningRate = 1n: expected ${LR}`],
  ['samples fractional', { samples: 100.5 }, 'invalid samples = 100.5: expected an integer in 10..20000'],
  ['samples negative', { samples: -100 }, 'invalid samples = -100: expected an integer in 10..20000'],
  ['samples huge', { samples: 1e9 }, 'invalid samples = 1000000000: expected an integer in 10..20000'],
  ['samples 2^53 + 2', { samples: 2 ** 53 + 2 }, 'invalid samples = 9007199254740994: expected an integer in 10..20000'],
  ['samples a boolean', { samples: true }, 'invalid samples = true: expected an integer in 10..20000'],
  ['seed negative', { seed: -1 }, 'invalid seed = -1: expected an integer in 0..4294967295'],
  ['seed 2^32', { seed: 2 ** 32 }, 'invalid seed = 4294967296: expected an integer in 0..4294967295'],
  ['seed fractional', { seed: 0.5 }, 'invalid seed = 0.5: expected an integer in 0..4294967295'],
  ['hidden a string', { hidden: '64x3' }, 'invalid hidden = "64x3": expected 1..200 layers of width 1..2048, at most 4194304 parameters (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['hidden empty', { hidden: [] }, 'invalid hidden = a list of 0 layers: expected 1..200 hidden layers'],
  ['hidden too deep', { hidden: Array(201).fill(1) }, 'invalid hidden = a list of 201 layers: expected 1..200 hidden layers'],
  ['hidden a fractional width', { hidden: [8, 1.5] }, 'invalid hidden[1] = 1.5: expected an integer in 1..2048 (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['hidden a NaN width', { hidden: [NaN] }, 'invalid hidden[0] = NaN: expected an integer in 1..2048 (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['hidden a huge width', { hidden: [1e9] }, 'invalid hidden[0] = 1000000000: expected an integer in 1..2048 (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['hidden a zero width', { hidden: [8, 0] }, 'invalid hidden[1] = 0: expected an integer in 1..2048 (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['hidden a sparse array of 2^31', { hidden: new Array(2 ** 31 - 1) }, 'invalid hidden[0] = undefined: expected an integer in 1..2048 (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['hidden array-like', { hidden: { length: 2, 0: 8, 1: 8 } }, 'invalid hidden = {"0":8,"1":8,"length":2}: expected 1..200 layers of width 1..2048, at most 4194304 parameters (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['hidden over the parameter cap', { hidden: [2048, 2048] }, 'invalid hidden = a network of 4206594 parameters: expected at most 4194304 parameters (fewer or narrower layers) (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['dataset unknown', { dataset: 'mnist' }, `invalid dataset = "mnist": expected ${DATASETS}`],
  ['dataset __proto__', { dataset: '__proto__' }, `invalid dataset = "__proto__": expected ${DATASETS}`],
  ['dataset constructor', { dataset: 'constructor' }, `invalid dataset = "constructor": expected ${DATASETS}`],
  ['init markup', { init: '<img src=x onerror=alert(1)>' }, `invalid init = "<img src=x onerror=alert(1)>": expected ${INITS}`],
  ['init toString', { init: 'toString' }, `invalid init = "toString": expected ${INITS}`],
  ['gain AUTO', { gain: 'AUTO' }, 'invalid gain = "AUTO": expected a number in [0, 100] or "auto"'],
  ['gain negative', { gain: -1 }, { prefix: 'invalid gain = -1: expected a number in [0, 100] or "auto"' }],
  ['gain over the cap', { gain: 101 }, { prefix: 'invalid gain = 101: expected a number in [0, 100] or "auto"' }],
  ['gain auto with gelu', { gain: 'auto', activation: 'gelu' }, 'invalid gain = "auto": expected a number: calculate_gain has no value for gelu (use a number)'],
  ['momentum 1', { momentum: 1 }, 'invalid momentum = 1: expected a number in [0, 1)'],
  ['batchSize over the training rows', { ...SMALL, batchSize: 51 }, 'invalid batchSize = 51: expected an integer in 0..50'],
  ['unknown key', { learningrate: 0.1 }, `invalid learningrate = 0.1: expected a known config field, one of ${CONFIG_FIELDS} (did you mean learningRate?)`],
  ['own __proto__ key (JSON)', JSON.parse('{"__proto__": {"learningRate": 5}}'), { prefix: 'invalid __proto__ = {"learningRate":5}: expected a known config field, one of dataset' }],
  ['own constructor key', { constructor: 'x' }, { prefix: 'invalid constructor = "x": expected a known config field, one of dataset' }],
  ['a getter that throws', withGetter('learningRate', () => { throw new Error('boom'); }),
    'invalid learningRate = a getter that threw (boom): expected a number in (0, 10]'],
  ['a getter that changes its value', changingGetter(), null],
  ['a width whose getter throws', { hidden: Object.defineProperty([8, 8], 1, { get() { throw new Error('boom'); } }) },
    'invalid hidden[1] = a getter that threw (boom): expected an integer in 1..2048 (the page\'s caps; the native CLI allows width 8192 and 268435456 parameters)'],
  ['a Proxy whose keys throw', new Proxy({}, { ownKeys() { throw new Error('nope'); } }),
    'invalid config = an object whose keys cannot be read (nope): expected a plain object'],
  ['a Proxy that lies about its values', new Proxy({ learningRate: 0.1 }, { get: (t, k) => (k === 'learningRate' ? NaN : t[k]) }),
    `invalid learningRate = NaN: expected ${LR}`],
];

for (const [what, config, message] of CREATE_RUN) {
  test(`createRun refuses ${what}`, () => {
    const before = engine.liveRuns;
    let error;
    let run;
    try {
      run = engine.createRun(config);
    } catch (e) {
      error = e;
    }
    if (message === null) {
      // Read once: the engine checks and uses the same value, so it trains with 0.1.
      assert.equal(error, undefined, `unexpected error ${error?.message}`);
      assert.equal(run.config.learningRate, 0.1);
      run.dispose();
      return;
    }
    assert.ok(error instanceof Error, `no Error for ${what}`);
    if (message.prefix) assert.ok(error.message.startsWith(message.prefix), error.message);
    else assert.equal(error.message, message);
    assert.equal(engine.liveRuns, before, 'a refused config left a run behind');
  });
}

// [what, call on a live run, exact message]
const RUN_CALLS = [
  ['step(NaN)', (r) => r.step(NaN), 'invalid n = NaN: expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  ['step(-1)', (r) => r.step(-1), 'invalid n = -1: expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  ['step(1.5)', (r) => r.step(1.5), 'invalid n = 1.5: expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  ['step(Infinity)', (r) => r.step(Infinity), 'invalid n = Infinity: expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  ['step(2^31)', (r) => r.step(2 ** 31), 'invalid n = 2147483648: expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  // One call runs to its end on the caller's thread: 2^31 - 1 updates would block it for hours.
  ['step(2^31 - 1)', (r) => r.step(2 ** 31 - 1), 'invalid n = 2147483647: expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  ['step(100001)', (r) => r.step(100001), 'invalid n = 100001: expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  ['step("10")', (r) => r.step('10'), 'invalid n = "10": expected an integer in 0..100000 (at most 100000 updates per call: call step repeatedly for more)'],
  ['weights(-1)', (r) => r.weights(-1), 'invalid layer = -1: expected an integer in 0..2'],
  ['weights(3)', (r) => r.weights(3), 'invalid layer = 3: expected an integer in 0..2'],
  ['weights(0.5)', (r) => r.weights(0.5), 'invalid layer = 0.5: expected an integer in 0..2'],
  ['biases("0")', (r) => r.biases('0'), 'invalid layer = "0": expected an integer in 0..2'],
  ['weights()', (r) => r.weights(), 'invalid layer = undefined: expected an integer in 0..2'],
  ['predictGrid(1)', (r) => r.predictGrid(1), 'invalid resolution = 1: expected an integer in 2..256'],
  ['predictGrid(257)', (r) => r.predictGrid(257), 'invalid resolution = 257: expected an integer in 2..256'],
  ['predictGrid(NaN)', (r) => r.predictGrid(NaN), 'invalid resolution = NaN: expected an integer in 2..256'],
  ['predictGrid(1e9)', (r) => r.predictGrid(1e9), 'invalid resolution = 1000000000: expected an integer in 2..256'],
];

test('run methods refuse hostile arguments and the run keeps training', () => {
  const run = engine.createRun(SMALL);
  for (const [what, call, message] of RUN_CALLS) {
    assert.throws(() => call(run), { message }, what);
  }
  assert.equal(run.stepCount, 0, 'a refused call trained');
  // The bound itself is allowed, and calling repeatedly goes past it.
  assert.equal(run.step(MAX_STEPS_PER_CALL).step, MAX_STEPS_PER_CALL);
  run.step(MAX_STEPS_PER_CALL);
  assert.equal(run.stepCount, 2 * MAX_STEPS_PER_CALL);
  const r = run.step(3);
  assert.equal(r.step, 2 * MAX_STEPS_PER_CALL + 3);
  assert.ok(Number.isFinite(r.loss), `loss ${r.loss}`);
  run.dispose();
});

test('predictGrid on N-D data names the dataset', () => {
  const run = engine.createRun({ ...SMALL, dataset: 'gaussian_nd', inputDim: 5 });
  assert.throws(() => run.predictGrid(8),
    { message: 'invalid dataset = "gaussian_nd": expected a 2-D dataset for predictGrid (this one has inputDim 5)' });
  run.dispose();
});

test('use after dispose() throws a clear error, double dispose() is harmless', () => {
  const run = engine.createRun(SMALL);
  run.dispose();
  run.dispose();
  assert.equal(run.disposed, true);
  const message = 'run is disposed: create a new one with engine.createRun()';
  for (const call of [(r) => r.step(1), (r) => r.evaluate(), (r) => r.layerStats(), (r) => r.weights(0),
    (r) => r.biases(0), (r) => r.dataset(), (r) => r.predictGrid(8), (r) => r.stepCount,
    (r) => r.jacobianSpectrum()]) {
    assert.throws(() => call(run), { message });
  }
  assert.equal(run.config.hidden.length, 2, 'the frozen config stays readable');
  assert.equal(engine.liveRuns, 0);
});

const SAMPLE = { init: 'he_normal', fanIn: 4, fanOut: 3, seed: 1 };
const SAMPLE_INIT = [
  ['fanIn 0', { ...SAMPLE, fanIn: 0 }, 'invalid fanIn = 0: expected an integer in 1..4194304'],
  ['fanIn NaN', { ...SAMPLE, fanIn: NaN }, 'invalid fanIn = NaN: expected an integer in 1..4194304'],
  ['fanOut fractional', { ...SAMPLE, fanOut: 2.5 }, 'invalid fanOut = 2.5: expected an integer in 1..4194304'],
  ['fanIn x fanOut over the cap', { ...SAMPLE, fanIn: 4096, fanOut: 4096 },
    'invalid fanOut = 4096: expected an integer with fanIn x fanOut <= 4194304 (at most 1024 for fanIn 4096)'],
  ['fanIn missing', { init: 'he_normal', fanOut: 3 }, 'invalid fanIn = undefined: expected an integer in 1..4194304'],
  ['lsuv', { ...SAMPLE, init: 'lsuv' }, 'invalid init = "lsuv": expected a data-free initializer: lsuv rescales each layer on a batch of data, so it exists only inside a run (use createRun)'],
  ['initStd Infinity', { ...SAMPLE, init: 'normal', initStd: Infinity }, 'invalid initStd = Infinity: expected a number in [0, 100]'],
  ['a config field', { ...SAMPLE, hidden: [8] }, { prefix: 'invalid hidden = [8]: expected a known sampleInit field, one of init, fanIn, fanOut, seed, ' }],
];

for (const [what, options, message] of SAMPLE_INIT) {
  test(`sampleInit refuses ${what}`, () => {
    if (message.prefix) {
      assert.throws(() => engine.sampleInit(options), (e) => e.message.startsWith(message.prefix));
    } else {
      assert.throws(() => engine.sampleInit(options), { message });
    }
  });
}

// meanField / criticalWeightVar (the theory API) go through the same read-once snapshot.
const THEORY = [
  ['meanField null', () => engine.meanField(null), { prefix: 'invalid meanField = null: expected an object' }],
  ['meanField own __proto__', () => engine.meanField(JSON.parse('{"__proto__": {"weightVar": 5}}')),
    { prefix: 'invalid __proto__ = {"weightVar":5}: expected a known meanField field, one of ' }],
  ['meanField a throwing getter', () => engine.meanField(Object.defineProperty({}, 'weightVar', { get() { throw new Error('boom'); }, enumerable: true })),
    { prefix: 'invalid weightVar = a getter that threw (boom): expected a number in (0, 100]' }],
  ['meanField depth 1e9', () => engine.meanField({ activation: 'tanh', depth: 1e9 }), { prefix: 'invalid depth = 1000000000: expected an integer in 1..1000' }],
  ['meanField c0 NaN', () => engine.meanField({ activation: 'tanh', c0: NaN }), { prefix: 'invalid c0 = NaN: expected ' }],
  ['criticalWeightVar biasVar -Infinity', () => engine.criticalWeightVar({ activation: 'tanh', biasVar: -Infinity }), { prefix: 'invalid biasVar = -Infinity: expected ' }],
  ['criticalWeightVar a Proxy whose keys throw', () => engine.criticalWeightVar(new Proxy({}, { ownKeys() { throw new Error('nope'); } })),
    'invalid criticalWeightVar = an object whose keys cannot be read (nope): expected a plain object'],
];

for (const [what, call, message] of THEORY) {
  test(`the theory API refuses ${what}`, () => {
    let error;
    try {
      call();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error, `no Error for ${what}`);
    if (message.prefix) assert.ok(error.message.startsWith(message.prefix), error.message);
    else assert.equal(error.message, message);
  });
}

// Bytes of a pool file (image_data.hpp): "ISFM" | version | count | rows | cols | labels | pixels.
function pool({ magic = 'ISFM', version = 1, count = 10, rows = 28, cols = 28, body = true } = {}) {
  const head = new Uint8Array(20);
  head.set([...magic].map((c) => c.charCodeAt(0)));
  const view = new DataView(head.buffer);
  view.setUint32(4, version, true);
  view.setUint32(8, count, true);
  view.setUint32(12, rows, true);
  view.setUint32(16, cols, true);
  if (!body) return head;
  const out = new Uint8Array(20 + count * (1 + rows * cols));
  out.set(head);
  for (let i = 0; i < count; i++) out[20 + i] = i % 10;
  for (let i = 20 + count; i < out.length; i++) out[i] = (i * 37) % 256;
  return out;
}

const LOAD_DATASET = [
  ['an unknown id', 'mnist', { bytes: pool() }, `invalid dataset = "mnist": expected ${DATASETS}`],
  ['a generated dataset', 'spiral', { bytes: pool() }, null],
  ['bytes a string', 'fashion_mnist', { bytes: 'ISFM' }, 'invalid bytes = "ISFM": expected a Uint8Array or ArrayBuffer (the bytes of the dataset\'s file)'],
  ['bytes null', 'fashion_mnist', { bytes: null }, 'invalid bytes = null: expected a Uint8Array or ArrayBuffer (the bytes of the dataset\'s file)'],
  ['options null', 'fashion_mnist', null, 'invalid loadDataset = null: expected an object { url, bytes } or nothing'],
  ['an empty file', 'fashion_mnist', { bytes: new Uint8Array(0) },
    'invalid data = a file of 0 bytes: expected an image pool: a 20-byte header ("ISFM", version, count, rows, cols) then labels and pixels'],
  ['a PNG', 'fashion_mnist', { bytes: pool({ magic: '\x89PNG' }) },
    'invalid data = a file starting "\\u0089PNG": expected the magic "ISFM" of a pool written by scripts/prepare-data.mjs'],
  ['version 2', 'fashion_mnist', { bytes: pool({ version: 2 }) },
    'invalid data = version 2: expected version 1 (rebuild the file: node scripts/prepare-data.mjs)'],
  ['truncated', 'fashion_mnist', { bytes: pool().subarray(0, 7000) },
    'invalid data = a file of 7000 bytes: expected 7870 bytes = 20 + count x (1 + rows x cols) for 10 images of 28 x 28 (truncated, or not this format)'],
  ['huge dimensions (header only)', 'fashion_mnist', { bytes: pool({ count: 2 ** 31 - 1, rows: 4096, cols: 4096, body: false }) },
    'invalid data = a file of 20 bytes: expected 36028799149670419 bytes = 20 + count x (1 + rows x cols) for 2147483647 images of 4096 x 4096 (truncated, or not this format)'],
  ['a count over 2^31', 'fashion_mnist', { bytes: pool({ count: 2 ** 32 - 1, body: false }) },
    'invalid data = count 4294967295: expected 1..2147483647 images'],
  ['rows 0', 'fashion_mnist', { bytes: pool({ rows: 0, body: false }) },
    'invalid data = images of 0 x 28: expected rows and cols in 1..4096'],
  ['the wrong image size', 'fashion_mnist', { bytes: pool({ rows: 2, cols: 2 }) },
    'invalid data = images of 2 x 2 pixels: expected 784 pixels per image for fashion_mnist'],
  ['too few images', 'fashion_mnist', { bytes: pool({ count: 9 }) },
    'invalid data = 9 images: expected at least 10 (the fewest samples a run may have)'],
];

for (const [what, id, options, message] of LOAD_DATASET) {
  test(`loadDataset refuses ${what}`, async () => {
    if (message === null) {
      assert.equal((await engine.loadDataset(id, options)).id, id);
      return;
    }
    await assert.rejects(engine.loadDataset(id, options), { message });
  });
}

test('after every hostile call the engine gives the same numbers as a fresh one', async () => {
  const config = { ...SMALL, seed: 7, init: 'xavier_normal' };
  const a = engine.createRun(config);
  a.step(20);
  const fresh = await loadEngine();
  const b = fresh.createRun(config);
  b.step(20);
  assert.deepEqual(a.evaluate(), b.evaluate());
  assert.deepEqual(a.weights(1), b.weights(1));
  a.dispose();
  b.dispose();
  assert.equal(engine.liveRuns, 0);
});
