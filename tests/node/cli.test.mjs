// tests/node/cli.test.mjs: the native CLI (build/native/bin/initscope) end to end.
// Run by scripts/test.sh after the native build; INITSCOPE_BIN points at another build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { variance } from './helpers.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = process.env.INITSCOPE_BIN ?? path.join(root, 'build/native/bin/initscope');

function cli(...args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(...args) {
  const r = cli(...args);
  assert.equal(r.code, 0, `initscope ${args.join(' ')} failed: ${r.err}`);
  assert.equal(r.err, '');
  return JSON.parse(r.out);
}

// Small and fast: 100 training rows (= the probe batch), 3 hidden layers + the output layer.
const small = ['--samples', '200', '--hidden', '16x3', '--steps', '20', '--log-every', '10'];
const LAYERS = 4;

const configKeys = [
  'dataset', 'samples', 'noise', 'testFraction', 'inputDim', 'classes', 'seed', 'hidden',
  'activation', 'leakySlope', 'init', 'gain', 'fanMode', 'initValue', 'initStd', 'initBound',
  'weightVar', 'biasVar', 'optimizer', 'learningRate', 'momentum', 'batchSize', 'loss', 'probeSize', 'histBins',
];
const statKeys = [
  'preMean', 'preVar', 'postMean', 'postVar', 'deadFraction', 'gradVar', 'weightGradVar',
  'weightVar', 'theoryVar', 'corr', 'theoryCorr', 'theoryGradVar',
];


test('--help, <command> --help and --version exit 0 and describe every flag', () => {
  const top = cli('--help');
  assert.equal(top.code, 0);
  for (const c of ['run', 'sample', 'dump']) assert.match(top.out, new RegExp(`\\b${c}\\b`));
  for (const [cmd, flags] of [
    ['run', ['--dataset', '--samples', '--noise', '--test-fraction', '--input-dim', '--classes',
      '--seed', '--hidden', '--activation', '--leaky-slope', '--init', '--gain', '--fan-mode',
      '--init-value', '--init-std', '--init-bound', '--optimizer', '--learning-rate', '--lr',
      '--momentum', '--batch-size', '--loss', '--probe-size', '--hist-bins', '--steps',
      '--log-every', '--format', '--no-histograms']],
    ['sample', ['--init', '--fan-in', '--fan-out', '--seed', '--gain', '--raw', '--format']],
    ['dump', ['--what', '--init', '--hidden', '--seed']],
  ]) {
    const r = cli(cmd, '--help');
    assert.equal(r.code, 0, cmd);
    for (const f of flags) assert.ok(r.out.includes(f), `${cmd} --help lacks ${f}`);
    assert.match(r.out, /default/);
  }
  // --help wins over other mistakes on the line.
  assert.equal(cli('run', '--samples', 'abc', '--help').code, 0);
  const v = cli('--version');
  assert.equal(v.code, 0);
  assert.match(v.out, /^initscope \d+\.\d+\.\d+\n$/);
});

test('run: JSON shape, all config fields, the step-0 record and the logging schedule', () => {
  const doc = json('run', ...small, '--init', 'he_normal,zeros', '--steps', '25');
  for (const k of configKeys) assert.ok(k in doc.config, `config.${k}`);
  assert.deepEqual(doc.config.init, ['he_normal', 'zeros']);
  assert.deepEqual(doc.config.hidden, [16, 16, 16]);
  assert.equal(doc.config.inputDim, 2);
  assert.equal(doc.config.classes, 2);
  assert.equal(doc.config.gain, null);
  assert.equal(doc.runs.length, 2);
  assert.deepEqual(doc.runs.map((r) => r.init), ['he_normal', 'zeros']);
  for (const run of doc.runs) {
    assert.equal(run.diverged, null);
    // step 0 (before any update), every --log-every, and the last step
    assert.deepEqual(run.records.map((r) => r.step), [0, 10, 20, 25]);
    for (const rec of run.records) {
      for (const k of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'])
        assert.equal(typeof rec[k], 'number', k);
      const s = rec.layerStats;
      for (const k of statKeys) {
        assert.equal(s[k].length, LAYERS, k);
        for (const v of s[k]) assert.equal(typeof v, 'number', k);
      }
      assert.equal(s.symmetric.length, LAYERS);
      for (const b of s.symmetric) assert.equal(typeof b, 'boolean');
      assert.equal(s.theoryExact, true);  // relu
      // the JS API's histogram: per-layer edges fixed at step 0 (relu hidden layers from 0),
      // and every post-activation of the probe batch (100 rows) is in a bin or counted outside
      assert.equal(s.histogram.bins, 40);
      assert.equal(s.histogram.lo.length, LAYERS);
      assert.equal(s.histogram.hi.length, LAYERS);
      for (let l = 0; l < LAYERS - 1; l++) assert.equal(s.histogram.lo[l], 0);
      assert.deepEqual(s.histogram.lo, run.records[0].layerStats.histogram.lo, 'fixed at step 0');
      assert.deepEqual(s.histogram.hi, run.records[0].layerStats.histogram.hi, 'fixed at step 0');
      assert.equal(s.histogram.counts.length, LAYERS);
      [16, 16, 16, 2].forEach((width, l) => {
        assert.equal(s.histogram.counts[l].length, doc.config.histBins);
        const inside = s.histogram.counts[l].reduce((a, b) => a + b, 0);
        assert.equal(inside + s.histogram.below[l] + s.histogram.above[l], 100 * width);
        if (rec.step === 0) assert.equal(inside, 100 * width, 'nothing outside at step 0');
      });
    }
  }
  // zeros: every hidden unit identical and silent at step 0
  const zero = doc.runs[1].records[0].layerStats;
  assert.deepEqual(zero.symmetric.slice(0, 3), [true, true, true]);
  assert.deepEqual(zero.preVar.slice(0, 3), [0, 0, 0]);
  assert.equal(json('run', ...small, '--no-histograms').runs[0].records[0].layerStats.histogram,
    undefined);
});

test('run: the same seed gives identical output, another seed different output', () => {
  const args = ['run', ...small, '--init', 'he_normal,xavier_uniform'];
  const a = cli(...args, '--seed', '7');
  const b = cli(...args, '--seed', '7');
  const c = cli(...args, '--seed', '8');
  assert.equal(a.code, 0, a.err);
  assert.equal(a.out, b.out);
  assert.notEqual(a.out, c.out);
  // The CSV carries the same numbers.
  assert.equal(cli(...args, '--seed', '7', '--format', 'csv').out,
    cli(...args, '--seed', '7', '--format', 'csv').out);
});

test('run: adding an initializer does not change the numbers of the others', () => {
  const one = json('run', ...small, '--init', 'xavier_normal');
  const two = json('run', ...small, '--init', 'he_uniform,xavier_normal');
  assert.deepEqual(two.runs[1].records, one.runs[0].records);
});

test('run --format csv: header, then one row per run x record x layer', () => {
  const r = cli('run', ...small, '--init', 'he_normal,xavier_normal,zeros', '--format', 'csv');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  const header = 'init,step,trainLoss,testLoss,trainAccuracy,testAccuracy,layer,preMean,preVar,' +
    'postMean,postVar,deadFraction,gradVar,weightGradVar,weightVar,theoryVar,corr,theoryCorr,' +
    'theoryGradVar,symmetric,run';
  assert.equal(lines[0], header);
  const runs = 3, records = 3;  // steps 0, 10, 20
  assert.equal(lines.length - 1, runs * records * LAYERS);
  const cols = header.split(',').length;
  for (const line of lines.slice(1)) assert.equal(line.split(',').length, cols, line);
  // The CSV and the JSON agree on a number (both are shortest round-trip text).
  const doc = json('run', ...small, '--init', 'he_normal,xavier_normal,zeros');
  const row = lines[1 + records * LAYERS + LAYERS + 2].split(',');  // xavier_normal, step 10, layer 2
  assert.equal(row[0], 'xavier_normal');
  assert.equal(row.at(-1), '1', 'run index of xavier_normal');
  assert.equal(row[1], '10');
  assert.equal(row[6], '2');
  assert.equal(Number(row[8]), doc.runs[1].records[1].layerStats.preVar[2]);
});

test('sample: he_normal 1024x1024 variance is 2/fan_in within 5 standard errors', () => {
  const doc = json('sample', '--init', 'he_normal', '--fan-in', '1024', '--fan-out', '1024',
    '--seed', '1');
  const n = 1024 * 1024;
  const s2 = 2 / 1024;
  assert.equal(doc.sample.count, n);
  assert.ok(Math.abs(doc.nominal.variance - s2) <= 1e-15, `nominal ${doc.nominal.variance}`);
  assert.ok(Math.abs(doc.nominal.std - Math.sqrt(s2)) <= 1e-15);
  assert.equal(doc.nominal.bound, null);
  // spec/initializers.md: SE of the sample variance of a normal = s2 sqrt(2 / (n - 1))
  const se = s2 * Math.sqrt(2 / (n - 1));
  assert.ok(Math.abs(doc.sample.variance - s2) <= 5 * se,
    `variance ${doc.sample.variance} vs ${s2} (5 SE = ${5 * se})`);
  assert.ok(Math.abs(doc.sample.mean) <= 5 * Math.sqrt(s2 / n), `mean ${doc.sample.mean}`);
  assert.ok(Math.abs(doc.sample.kurtosis - 3) < 0.05, `kurtosis ${doc.sample.kurtosis}`);
  assert.equal(doc.values, undefined);
});

test('sample: uniform initializers stay inside their bound; the draw is reproducible', () => {
  const doc = json('sample', '--init', 'he_uniform', '--fan-in', '288', '--fan-out', '64',
    '--raw');
  // spec/initializers.md fan check: 64x288 He-uniform bound
  assert.ok(Math.abs(doc.nominal.bound - 0.14433756729740643) < 1e-15, `${doc.nominal.bound}`);
  const max = Math.max(...doc.values.map(Math.abs));
  assert.ok(max <= Math.fround(doc.nominal.bound) && max >= 0.999 * doc.nominal.bound, `${max}`);
  assert.ok(Math.abs(doc.sample.kurtosis - 1.8) < 0.1, `kurtosis ${doc.sample.kurtosis}`);
  const again = json('sample', '--init', 'he_uniform', '--fan-in', '288', '--fan-out', '64',
    '--raw');
  assert.deepEqual(again.values, doc.values);
});

test('sample --raw: fanIn x fanOut values, the same in text and JSON', () => {
  const args = ['sample', '--init', 'xavier_normal', '--fan-in', '30', '--fan-out', '20',
    '--seed', '3', '--raw'];
  const doc = json(...args);
  assert.equal(doc.values.length, 600);
  assert.equal(doc.sample.count, 600);
  const text = cli(...args, '--format', 'text');
  assert.equal(text.code, 0, text.err);
  const lines = text.out.trimEnd().split('\n');
  assert.equal(lines.length, 600);
  assert.deepEqual(lines.map(Number), doc.values);
  const summary = cli('sample', '--init', 'xavier_normal', '--format', 'text');
  assert.equal(summary.code, 0, summary.err);
  assert.match(summary.out, /^variance\s+\S+$/m);
  assert.match(summary.out, /^nominal variance\s+\S+$/m);
});

test('dump: the dataset and the initial weights, consistent with run\'s step-0 statistics', () => {
  const cfg = ['--samples', '200', '--hidden', '16x3', '--seed', '5'];
  const data = json('dump', ...cfg, '--what', 'dataset');
  assert.equal(data.inputDim, 2);
  assert.equal(data.classes, 2);
  assert.equal(data.bounds.length, 4);
  assert.equal(data.yTrain.length, 100);
  assert.equal(data.yTest.length, 100);
  assert.equal(data.xTrain.length, 200);
  assert.equal(data.xTest.length, 200);
  for (const y of [...data.yTrain, ...data.yTest]) assert.ok(y === 0 || y === 1);

  const w = json('dump', ...cfg, '--what', 'weights', '--init', 'he_normal');
  assert.equal(w.config.init, 'he_normal');
  assert.deepEqual(w.layers.map((l) => [l.fanOut, l.fanIn]), [[16, 2], [16, 16], [16, 16], [2, 16]]);
  for (const l of w.layers) {
    assert.equal(l.weights.length, l.fanIn * l.fanOut);
    assert.deepEqual(l.biases, new Array(l.fanOut).fill(0));
  }
  const run = json('run', ...cfg, '--init', 'he_normal', '--steps', '0');
  assert.equal(run.runs[0].records.length, 1);
  const measured = run.runs[0].records[0].layerStats.weightVar;
  w.layers.forEach((l, i) => {
    const v = variance(l.weights.map(Math.fround));
    assert.ok(Math.abs(v - measured[i]) <= 1e-9 * measured[i], `layer ${i}: ${v} vs ${measured[i]}`);
  });
  // Same seed, same bits.
  assert.deepEqual(json('dump', ...cfg, '--what', 'weights', '--init', 'he_normal').layers, w.layers);
});

test('run: a diverging run stops with a final record at its step, the others continue', () => {
  const doc = json('run', '--samples', '200', '--hidden', '32x4', '--init', 'normal,he_normal',
    '--init-std', '10', '--lr', '1', '--steps', '40', '--log-every', '10');
  const [bad, good] = doc.runs;
  assert.equal(typeof bad.diverged, 'number', 'normal(std 10) at lr 1 should diverge');
  assert.ok(bad.diverged >= 1 && bad.diverged <= 40);
  assert.equal(bad.records.at(-1).step, bad.diverged);
  assert.equal(bad.records[0].step, 0);
  assert.equal(good.records.at(-1).step, 40);
  assert.equal(good.diverged, null);
  assert.deepEqual(good.records.map((r) => r.step), [0, 10, 20, 30, 40]);
  // JSON has no NaN: what became non-finite is null, and the document still parses.
  const last = bad.records.at(-1);
  assert.ok(last.trainLoss === null || last.trainLoss > 1e3, `trainLoss ${last.trainLoss}`);
  for (const k of statKeys)
    for (const v of last.layerStats[k]) assert.ok(v === null || typeof v === 'number', k);
});

test('bad input: exit 2, and the message names the field or flag, the value and what is allowed',
  () => {
    const cases = [
      [['frobnicate'], ['command', '"frobnicate"', 'run']],
      [['run', '--nosie', '0.1'], ['"--nosie"', '--noise']],
      [['run', 'extra'], ['"extra"']],
      [['run', '--seed'], ['seed', '(missing)', 'integer']],
      [['run', '--seed', '--steps', '3'], ['seed', '(missing)']],
      [['run', '--samples', 'abc'], ['samples', '"abc"', '10..20000']],
      [['run', '--samples', '5.5'], ['samples', '5.5', 'integer']],
      [['run', '--samples', '5'], ['samples = 5', '10..20000']],
      [['run', '--samples', '1e400'], ['samples', '1e400']],
      [['run', '--noise', 'inf'], ['noise', '"inf"']],
      [['run', '--noise', ' 0.1'], ['noise', '" 0.1"']],
      [['run', '--noise=0x1p-3'], ['noise', '"0x1p-3"']],
      [['run', '--noise', '3'], ['noise = 3', '[0, 2]']],
      [['run', '--test-fraction', '0.95'], ['testFraction = 0.95', '--test-fraction']],
      [['run', '--seed', '-1'], ['seed', '-1', '0..4294967295']],
      [['run', '--seed', '4294967296'], ['seed', '4294967296']],
      [['run', '--hidden', '64x0'], ['hidden', '"64x0"']],
      [['run', '--hidden', '64x'], ['hidden', '"64x"']],
      [['run', '--hidden', '64,,32'], ['hidden', '"64,,32"']],
      [['run', '--hidden', '16,0'], ['hidden[1] = 0', '1..8192']],
      [['run', '--hidden', '2048x200'], ['hidden', 'parameters']],
      [['run', '--dataset', 'mnist'], ['dataset', '"mnist"', 'spiral']],
      [['run', '--classes', '3', '--dataset', 'circles'], ['classes = 3']],
      [['run', '--input-dim', '5'], ['inputDim = 5', '--input-dim']],
      [['run', '--init', 'he_normal,bogus'], ['init', '"bogus"', 'xavier_normal']],
      [['run', '--activation', 'swish'], ['activation', '"swish"', 'relu']],
      [['run', '--leaky-slope', '2'], ['leakySlope = 2', '--leaky-slope']],
      [['run', '--gain', 'big'], ['gain', '"big"', 'auto']],
      [['run', '--activation', 'gelu', '--gain', 'auto'], ['gain', 'auto', 'gelu']],
      [['run', '--fan-mode', 'fan_avg'], ['fanMode', '"fan_avg"', '--fan-mode']],
      [['run', '--init-std', '-1'], ['initStd = -1', '--init-std']],
      [['run', '--optimizer', 'rmsprop'], ['optimizer', '"rmsprop"', 'adam']],
      [['run', '--lr', '1000'], ['learningRate = ', '--lr', '(0, ']],
      [['run', '--learning-rate', 'nan'], ['learningRate', '"nan"', '--learning-rate']],
      [['run', '--momentum', '1'], ['momentum = 1', '[0, 1)']],
      [['run', '--batch-size', '-1'], ['batchSize = -1', '--batch-size']],
      [['run', '--batch-size', '2.5'], ['batchSize', '2.5', '--batch-size']],
      [['run', '--loss', 'hinge'], ['loss', '"hinge"', 'mse']],
      [['run', '--probe-size', '0'], ['probeSize = 0', '--probe-size']],
      [['run', '--hist-bins', '1000'], ['histBins = 1000', '--hist-bins']],
      [['run', '--steps', '-5'], ['--steps', '-5']],
      [['run', '--log-every', '0'], ['--log-every', '0']],
      [['run', '--format', 'xml'], ['--format', '"xml"', 'csv']],
      [['run', '--no-histograms=yes'], ['--no-histograms', '"yes"']],
      [['sample', '--init', 'lsuv'], ['init', '"lsuv"']],
      [['sample', '--init', 'he_normal,zeros'], ['init', '"he_normal,zeros"']],
      [['sample', '--fan-in', '0'], ['fanIn', '0', '--fan-in']],
      [['sample', '--fan-in', '4096', '--fan-out', '4096'], ['fanOut', '4096']],
      [['sample', '--format', 'csv'], ['--format', '"csv"']],
      [['dump'], ['--what']],
      [['dump', '--what', 'grid'], ['--what', '"grid"', 'dataset']],
    ];
    for (const [args, needles] of cases) {
      const r = cli(...args);
      const line = `initscope ${args.join(' ')} -> ${r.err.trim()}`;
      assert.equal(r.code, 2, line);
      assert.equal(r.out, '', line);
      assert.match(r.err, /^initscope: invalid \S+ = .+: expected .+\n$/, line);
      for (const needle of needles) assert.ok(r.err.includes(needle), `${line}\n  lacks ${needle}`);
    }
  });

// The core words numbers in messages with format_number(), which follows JavaScript's
// Number#toString, so native and browser messages read the same.
test('bad input: numbers in core messages read as typed (1000, not 1e+03)', () => {
    const r = cli('run', '--lr', '1000');
    assert.equal(r.code, 2);
    assert.ok(r.err.includes('learningRate = 1000: expected a number in (0, 10]'), r.err);
  });

// --gemm (core/cli/gemm_flag.cpp): exact is the default and the page's bits; fast is OpenBLAS.
test('run --gemm: validated, reported next to config, exact by default and equal to --gemm exact', () => {
  const bad = cli('run', ...small, '--gemm', 'blas');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^initscope: invalid --gemm = "blas": expected exact/);
  const threads = cli('run', ...small, '--threads', '0');
  assert.equal(threads.code, 2);
  assert.match(threads.err, /invalid --threads = 0: expected an integer in 1\.\.256/);
  const byDefault = cli('run', ...small);
  const exact = cli('run', ...small, '--gemm', 'exact');
  assert.equal(exact.out, byDefault.out, 'the default is the exact path, to the byte');
  const doc = JSON.parse(exact.out);
  assert.deepEqual(Object.keys(doc).slice(0, 2), ['config', 'gemm']);
  assert.equal(doc.gemm, 'exact');
  assert.match(cli('run', '--help').out, /--gemm ID[\s\S]*fast = OpenBLAS/);
  const fast = cli('run', ...small, '--gemm', 'fast', '--threads', '2');
  if (fast.code === 2) {  // a build without OpenBLAS says so
    assert.match(fast.err, /invalid --gemm = "fast": expected exact \(this build has no OpenBLAS/);
    return;
  }
  const f = JSON.parse(fast.out);
  assert.equal(f.gemm, 'fast');
  assert.equal(f.gemmThreads, 2);
  // Rounding only: the same records, losses within 1e-5 relative (the bound of
  // tests/native/test_gemm_fast.cpp; measured ~1e-8 there).
  const a = doc.runs[0].records.at(-1).trainLoss, b = f.runs[0].records.at(-1).trainLoss;
  assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(a), `${a} vs ${b}`);
});
