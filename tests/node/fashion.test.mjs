// tests/node/fashion.test.mjs: the fashion_mnist dataset through the wasm engine: what happens
// before its file is loaded, engine.loadDataset() and its errors, and parity with the native CLI
// on the same seed (the data bit for bit, the first 100 loss values within a stated tolerance).
//
// Needs build/data/fashion-mnist.bin (scripts/prepare-data.mjs; npm test makes it first).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { loadEngine, assertConfigError, cliJson, bin, maxDiff, root } from './helpers.mjs';

const dataFile = path.join(root, 'build/data/fashion-mnist.bin');
const fileBytes = readFileSync(dataFile);
const fileCount = fileBytes.readUInt32LE(8);
const HEADER = 20;
const DIM = 784;

// A valid pool file of the first n images of the real one (the format of prepare-data.mjs).
function subsetFile(n) {
  const out = Buffer.alloc(HEADER + n * (1 + DIM));
  fileBytes.copy(out, 0, 0, HEADER);
  out.writeUInt32LE(n, 8);
  fileBytes.copy(out, HEADER, HEADER, HEADER + n);
  fileBytes.copy(out, HEADER + n, HEADER + fileCount, HEADER + fileCount + n * DIM);
  return new Uint8Array(out);
}

const SMALL = { dataset: 'fashion_mnist', samples: 300, testFraction: 0.3, seed: 5, hidden: [32],
  batchSize: 20 };

// ---------------------------------------------------------------------------------------------
describe('before loadDataset', () => {
  let engine;
  before(async () => { engine = await loadEngine(); });

  test('datasets() lists fashion_mnist with its sizes, as needing a load and not loaded', () => {
    const info = engine.datasets().find((d) => d.id === 'fashion_mnist');
    assert.deepEqual(info, { id: 'fashion_mnist', label: 'Fashion-MNIST (subset)', inputDim: 784,
      classes: 10, needsLoad: true, loaded: false, file: 'fashion-mnist.bin', maxSamples: null });
    const spiral = engine.datasets().find((d) => d.id === 'spiral');
    assert.equal(spiral.needsLoad, false);
    assert.equal(spiral.loaded, true);
    assert.equal(spiral.maxSamples, engine.limits().maxSamples);
  });

  test('createRun names the dataset and says how to load it; the engine keeps working', () => {
    const msg = assertConfigError(() => engine.createRun(SMALL), 'dataset', '"fashion_mnist"');
    assert.match(msg, /expected its data loaded first: engine\.loadDataset\('fashion_mnist'\) in JS/);
    assert.equal(engine.liveRuns, 0);
    engine.createRun({ samples: 100, hidden: [8] }).dispose();
  });

  test('loadDataset rejects bad input with the field, the value and what is allowed', async () => {
    await assert.rejects(engine.loadDataset('mnist'),
      /^Error: invalid dataset = "mnist": expected one of spiral, .*, fashion_mnist$/);
    await assert.rejects(engine.loadDataset(),
      /^Error: invalid dataset = undefined: expected one of spiral, .*, fashion_mnist$/);
    await assert.rejects(engine.loadDataset('fashion_mnist', { bytes: [1, 2, 3] }),
      /^Error: invalid bytes = \[1,2,3\]: expected a Uint8Array or ArrayBuffer/);
    await assert.rejects(engine.loadDataset('fashion_mnist', 'fashion-mnist.bin'),
      /^Error: invalid loadDataset = "fashion-mnist.bin": expected an object/);
    // A truncated file, the gzip'd idx input, a file of another version: the core's parser.
    await assert.rejects(engine.loadDataset('fashion_mnist', { bytes: fileBytes.subarray(0, 1000) }),
      new RegExp(`^Error: invalid data = a file of 1000 bytes: expected ${fileBytes.length} bytes`));
    const gz = readFileSync('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
    await assert.rejects(engine.loadDataset('fashion_mnist', { bytes: gz }),
      /^Error: invalid data = a file starting "\\u001f.*expected the magic "ISFM"/);
    const v2 = Uint8Array.from(fileBytes);
    v2[4] = 2;
    await assert.rejects(engine.loadDataset('fashion_mnist', { bytes: v2 }),
      /^Error: invalid data = version 2: expected version 1/);
    await assert.rejects(engine.loadDataset('fashion_mnist', { url: pathToFileURL('/nonexistent/x.bin') }),
      /^Error: initscope: cannot load the data of fashion_mnist: ENOENT/);
    // Nothing was registered, and the engine works.
    assert.equal(engine.datasets().find((d) => d.id === 'fashion_mnist').loaded, false);
    assert.throws(() => engine.createRun(SMALL), /its data loaded first/);
    engine.createRun({ samples: 100, hidden: [8] }).dispose();
  });

  test('a generated dataset has nothing to load: resolves at once to its entry', async () => {
    const info = await engine.loadDataset('moons');
    assert.equal(info.id, 'moons');
    assert.equal(info.loaded, true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('after loadDataset', () => {
  let engine;
  let loaded;
  before(async () => {
    engine = await loadEngine();
    loaded = await engine.loadDataset('fashion_mnist');
  });

  test('resolves to the entry, now loaded, with maxSamples = the images in the file', () => {
    assert.equal(loaded.loaded, true);
    assert.equal(loaded.maxSamples, fileCount);
    assert.deepEqual(engine.datasets().find((d) => d.id === 'fashion_mnist'), loaded);
  });

  test('idempotent: a second call is the same promise and copies nothing again', async () => {
    const used = engine.memory().heapUsedBytes;
    const again = engine.loadDataset('fashion_mnist');
    assert.equal(again, engine.loadDataset('fashion_mnist'));
    assert.deepEqual(await again, loaded);
    assert.equal(engine.memory().heapUsedBytes, used);
  });

  test('given bytes replace the pool for later runs; samples beyond it are refused', async () => {
    const small = await engine.loadDataset('fashion_mnist', { bytes: subsetFile(50) });
    assert.equal(small.maxSamples, 50);
    assertConfigError(() => engine.createRun({ ...SMALL, samples: 51 }), 'samples', '51');
    engine.createRun({ ...SMALL, samples: 50 }).dispose();
    const back = await engine.loadDataset('fashion_mnist', { url: pathToFileURL(dataFile) });
    assert.equal(back.maxSamples, fileCount);
  });

  test('a run: 784 inputs, 10 classes, standardised pixels; fixed sizes are checked', () => {
    const run = engine.createRun({ ...SMALL, samples: 3000, testFraction: 0 });
    assert.equal(run.config.inputDim, 784);
    assert.equal(run.config.classes, 10);
    const { xTrain, yTrain, inputDim, classes } = run.dataset();
    assert.equal(inputDim, 784);
    assert.equal(classes, 10);
    assert.equal(xTrain.length, 3000 * 784);
    let s = 0;
    let s2 = 0;
    for (const v of xTrain) { s += v; s2 += v * v; }
    // Over the whole pool the inputs have mean 0 and second moment 1 exactly. Half of it drawn:
    // per image, the mean input has a std of 0.356 and the mean square one of 0.412 (measured
    // on the file), so over 3,000 of 6,000 images (without replacement, factor sqrt(1/2)) the
    // standard errors are 0.0046 and 0.0053. The bounds are over 4 of them.
    assert.ok(Math.abs(s / xTrain.length) < 0.02, `mean ${s / xTrain.length}`);
    assert.ok(Math.abs(s2 / xTrain.length - 1) < 0.025, `second moment ${s2 / xTrain.length}`);
    assert.deepEqual(new Set(yTrain).size, 10);
    run.dispose();
    assertConfigError(() => engine.createRun({ ...SMALL, inputDim: 2 }), 'inputDim', '2');
    assertConfigError(() => engine.createRun({ ...SMALL, classes: 2 }), 'classes', '2');
    const small = engine.createRun(SMALL);
    assert.throws(() => small.predictGrid(8), /a 2-D dataset for predictGrid \(this one has inputDim 784\)/);
    small.dispose();
  });

  test('the dataset is the CLI\'s bit for bit', () => {
    // No transcendental function is involved: the draw uses integer random numbers only, and a
    // pixel becomes (p / 255 - mean) / std with mean and std from exact integer sums and sqrt,
    // which both libcs round correctly. So nothing may differ.
    const run = engine.createRun(SMALL);
    const js = run.dataset();
    run.dispose();
    const cli = cliJson('dump', '--what', 'dataset', '--dataset', 'fashion_mnist', '--samples', '300',
      '--test-fraction', '0.3', '--seed', '5', '--hidden', '32');
    assert.equal(cli.inputDim, 784);
    assert.equal(cli.classes, 10);
    for (const key of ['xTrain', 'xTest']) {
      assert.equal(cli[key].length, js[key].length, key);
      const { worst, at } = maxDiff(js[key], Float32Array.from(cli[key]));
      assert.equal(worst, 0, `${key}: differs by ${worst} at ${at}`);
    }
    assert.deepEqual(Array.from(js.yTrain), cli.yTrain);
    assert.deepEqual(Array.from(js.yTest), cli.yTest);
  });

  // The first 100 losses after each update, train and test, from the CLI's records and from
  // step(1) + evaluate(). The softmax's exp and log and Adam's beta^t are the core's own
  // (core/include/initscope/pmath.hpp), not glibc's or musl's, so nothing may differ: a wrong
  // pixel, label or batch order would move the loss in its second or third digit, and one ulp
  // of drift anywhere fails too.
  const RTOL = 0;
  for (const [optimizer, learningRate] of [['momentum', 0.01], ['adam', 0.001]]) {
    test(`the first 100 loss values are the CLI's bit for bit (${optimizer})`, () => {
      const cli = cliJson('run', '--dataset', 'fashion_mnist', '--samples', '300', '--test-fraction', '0.3',
        '--seed', '5', '--hidden', '32', '--batch-size', '20', '--activation', 'relu', '--init', 'he_normal',
        '--optimizer', optimizer, '--learning-rate', String(learningRate), '--steps', '100', '--log-every', '1',
        '--no-histograms');
      const records = cli.runs[0].records;
      assert.equal(records.length, 101);
      const config = { ...SMALL, activation: 'relu', init: 'he_normal', optimizer, learningRate };
      const run = engine.createRun(config);
      const got = { train: [], test: [] };
      const want = { train: [], test: [] };
      for (let k = 1; k <= 100; k++) {
        run.step(1);
        const e = run.evaluate();
        got.train.push(e.trainLoss);
        got.test.push(e.testLoss);
        want.train.push(records[k].trainLoss);
        want.test.push(records[k].testLoss);
      }
      run.dispose();
      assert.ok(want.train[99] < want.train[0] / 2, 'the loss should fall, or the comparison is vacuous');
      for (const split of ['train', 'test']) {
        const rel = got[split].map((v, i) => Math.abs(v - want[split][i]) / Math.abs(want[split][i]));
        const worst = Math.max(...rel);
        const at = `step ${rel.indexOf(worst) + 1}`;
        console.log(`# ${optimizer}: worst relative ${split} loss difference ${worst} (${at})`);
        assert.ok(worst <= RTOL, `${split} loss differs by ${worst} relative at ${at}`);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
test('CLI: a missing data file exits 1 and says where it looked and how to make it', () => {
  const r = spawnSync(bin, ['run', '--dataset', 'fashion_mnist', '--data-dir', '/nonexistent'],
    { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read \/nonexistent\/fashion-mnist\.bin .*node scripts\/prepare-data\.mjs/);
  const env = { ...process.env, INITSCOPE_DATA_DIR: path.dirname(dataFile) };
  const ok = spawnSync(bin, ['dump', '--what', 'dataset', '--dataset', 'fashion_mnist', '--samples', '100'],
    { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(ok.status, 0, ok.stderr);
});
