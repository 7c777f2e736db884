// tests/node/export.test.mjs: the page's Download files (web/js/export/export.js) read the same as the
// CLI's `initscope run --format json|csv` for the same experiment. The records come from the
// real wasm engine, taken the way the page's worker takes them (evaluate() + layerStats() after
// each batch of updates); the CLI runs the same flags here.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { loadEngine, bin } from './helpers.mjs';
import { CSV_HEADER, LAYER_FIELDS, exportDocument, exportFileName, formatNumber, toCSV, toJSON }
  from '../../web/js/export/export.js';

let engine;
before(async () => { engine = await loadEngine(); });

function cli(args) {
  const r = spawnSync(bin, ['run', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `initscope run ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// The CLI's schedule with the engine: a record at step 0, then every logEvery updates and at the
// last step; a diverged run stops after the record at its divergence (as the worker does, a
// layerStats() that throws on a diverged run leaves the record's statistics out).
// perRun: { field: [one value per run] } (the runs differ in more than the initializer).
function engineRuns({ inits, config, steps, logEvery, perRun = {} }) {
  const runs = [];
  let resolved = null;
  for (const [i, init] of inits.entries()) {
    const own = Object.fromEntries(Object.entries(perRun).map(([field, list]) => [field, list[i]]));
    const run = engine.createRun({ ...config, ...own, init });
    const runConfig = run.config;
    resolved ??= run.config;
    const records = [];
    let diverged = null;
    const snap = () => {
      const ev = run.evaluate();
      if (ev.diverged != null) diverged = ev.diverged;
      let layerStats = null;
      try { layerStats = run.layerStats(); } catch (e) { if (diverged === null) throw e; }
      const { step, trainLoss, testLoss, trainAccuracy, testAccuracy } = ev;
      records.push({ step, trainLoss, testLoss, trainAccuracy, testAccuracy, layerStats });
    };
    snap();
    for (let done = 0; done < steps && diverged === null;) {
      const n = Math.min(logEvery, steps - done);
      run.step(n);
      done += n;
      snap();
    }
    run.dispose();
    runs.push({ init, diverged, records, config: runConfig });
  }
  return { config: resolved, runs };
}

// Same value: exactly, or within 1e-12 relative (null only against null).
function assertClose(got, want, where) {
  if (want === null || got === null) return assert.equal(got, want, where);
  if (typeof want !== 'number') return assert.deepEqual(got, want, where);
  if (got === want) return;
  assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(Math.abs(want), Math.abs(got)), `${where}: ${got} vs ${want}`);
}

function assertSameDocument(got, want) {
  assert.deepEqual(got.config, want.config, 'config');
  assert.equal(got.runs.length, want.runs.length, 'runs');
  got.runs.forEach((run, i) => {
    const w = want.runs[i];
    assert.equal(run.init, w.init);
    assert.equal(run.diverged, w.diverged, `${run.init} diverged`);
    assert.deepEqual(run.records.map((r) => r.step), w.records.map((r) => r.step), `${run.init} steps`);
    run.records.forEach((rec, k) => {
      const wr = w.records[k];
      const at = `${run.init} step ${rec.step}`;
      for (const f of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy']) assertClose(rec[f], wr[f], `${at} ${f}`);
      assert.deepEqual(Object.keys(rec.layerStats), Object.keys(wr.layerStats), `${at} layerStats keys`);
      for (const f of LAYER_FIELDS) {
        assert.equal(rec.layerStats[f].length, wr.layerStats[f].length, `${at} ${f} layers`);
        rec.layerStats[f].forEach((v, l) => assertClose(v, wr.layerStats[f][l], `${at} ${f}[${l}]`));
      }
      assert.deepEqual(rec.layerStats.symmetric, wr.layerStats.symmetric, `${at} symmetric`);
      assert.equal(rec.layerStats.theoryExact, wr.layerStats.theoryExact, `${at} theoryExact`);
      assert.deepEqual(rec.layerStats.histogram, wr.layerStats.histogram, `${at} histogram`);
    });
  });
}

// A CSV line's fields (the files hold no quoted fields: ids, numbers, true/false).
const csvRows = (text) => text.trimEnd().split('\n').map((line) => line.split(','));

const EXPERIMENTS = [
  {
    // Finite weights whose stream overflows float32 at block 167 (3^B growth with two-layer He
    // branches): `overflow` names the point, as the engine's layerStats().overflow does.
    name: 'a residual stream that overflows float at step 0',
    inits: ['he_normal'],
    config: { dataset: 'gaussian_nd', inputDim: 32, hidden: Array(190).fill(32), architecture: 'residual', blockLayers: 2, histBins: 4, probeSize: 128 },
    args: ['--dataset', 'gaussian_nd', '--input-dim', '32', '--hidden', '32x190', '--architecture', 'residual', '--block-layers', '2', '--hist-bins', '4', '--probe-size', '128'],
    steps: 0,
    logEvery: 10,
    overflow: { point: 167, pass: 'forward', step: 0 },
  },
  {
    // Per-run fields besides init (pre_vs_post_ln's form): every one a list in the CLI's config.
    name: 'one initializer twice, pre-LN beside post-LN, ReZero beside alpha 1/sqrt(B)',
    inits: ['he_normal', 'he_normal'],
    config: { dataset: 'spiral', hidden: [16, 16, 16, 16], seed: 3, architecture: 'residual', norm: 'layer', histBins: 8 },
    perRun: { normPosition: ['pre', 'post'], residualScale: ['inv_sqrt_depth', 'one'], residualGate: ['none', 'rezero'] },
    args: ['--hidden', '16x4', '--seed', '3', '--architecture', 'residual', '--norm', 'layer', '--hist-bins', '8',
      '--norm-position', 'pre,post', '--residual-scale', 'inv_sqrt_depth,one', '--residual-gate', 'none,rezero'],
    steps: 30,
    logEvery: 10,
  },
  {
    name: 'relu on spiral, three inits',
    inits: ['he_normal', 'xavier_normal', 'zeros'],
    config: { dataset: 'spiral', hidden: [16, 16, 16], seed: 7, histBins: 12 },
    args: ['--hidden', '16x3', '--seed', '7', '--hist-bins', '12'],
    steps: 45,
    logEvery: 10,
  },
  {
    name: 'a run that diverges (non-finite numbers) beside one that does not',
    inits: ['he_normal', 'zeros'],
    config: { dataset: 'spiral', hidden: [32, 32, 32, 32], learningRate: 5 },
    args: ['--hidden', '32x4', '--lr', '5'],
    steps: 40,
    logEvery: 10,
  },
];

for (const ex of EXPERIMENTS) {
  const flags = [...ex.args, '--init', ex.inits.join(','), '--steps', String(ex.steps), '--log-every', String(ex.logEvery)];

  test(`JSON: ${ex.name}: the export reads as the CLI's output`, () => {
    const { config, runs } = engineRuns(ex);
    const text = toJSON({ config, runs, logEvery: ex.logEvery });
    const got = JSON.parse(text);
    const wantText = cli([...flags, '--format', 'json']);
    const want = JSON.parse(wantText);
    for (const run of want.runs) delete run.gain;   // the one field the page cannot fill in
    assertSameDocument(got, want);
    got.runs.forEach((run, i) => assert.deepEqual(run.overflow, want.runs[i].overflow, `${run.init} overflow`));
    if (ex.overflow) assert.deepEqual(want.runs[0].overflow, ex.overflow, 'the CLI names the block');
    // The engine and the CLI are bit-identical here, and the layout and number text are the
    // CLI's: the files are the same but for the CLI's per-run "gain" lines.
    assert.equal(text, wantText.replace(/\n *"gain": [^\n]*,(?=\n *"weightVar")/g, ''));
  });

  test(`CSV: ${ex.name}: same header, rows and numbers as the CLI`, () => {
    const { runs } = engineRuns(ex);
    const got = csvRows(toCSV({ runs }));
    const wantText = cli([...flags, '--format', 'csv']);
    const want = csvRows(wantText);
    assert.deepEqual(got[0], want[0], 'header');
    assert.equal(got[0].join(','), CSV_HEADER);
    assert.equal(got.length, want.length, 'rows');
    for (let i = 1; i < want.length; i++) {
      assert.equal(got[i].length, want[i].length, `row ${i} fields`);
      assert.deepEqual(got[i].slice(0, 2), want[i].slice(0, 2), `row ${i} init, step`);
      assert.equal(got[i][6], want[i][6], `row ${i} layer`);
      assert.equal(got[i][16], want[i][16], `row ${i} symmetric`);
      for (const c of [2, 3, 4, 5, ...Array.from({ length: 9 }, (_, k) => 7 + k)]) {
        const g = Number(got[i][c]);
        const w = Number(want[i][c]);
        if (Number.isNaN(w)) assert.equal(want[i][c], got[i][c], `row ${i} column ${want[0][c]}`);
        else assertClose(g, w, `row ${i} column ${want[0][c]}`);
      }
    }
    assert.equal(got.map((r) => r.join(',')).join('\n'), wantText.trimEnd());
  });
}

test('formatNumber writes every number of a CLI file as the CLI does (std::to_chars)', () => {
  const text = cli(['--init', 'he_normal,lecun_normal,zeros', '--hidden', '64x12', '--steps', '20', '--log-every', '5', '--format', 'csv']);
  let checked = 0;
  for (const row of csvRows(text).slice(1)) {
    for (const c of [2, 3, 4, 5, ...Array.from({ length: 9 }, (_, k) => 7 + k)]) {
      assert.equal(formatNumber(Number(row[c])), row[c]);
      checked++;
    }
  }
  assert.ok(checked > 1000);
  // The layouts to_chars chooses between: fixed or scientific, whichever is shorter.
  const cases = [[0, '0'], [-0, '-0'], [0.1, '0.1'], [1e-4, '1e-04'], [0.001, '0.001'], [1e-7, '1e-07'],
    [1.0629457140187395e-7, '1.0629457140187395e-07'], [123456, '123456'], [1e5, '1e+05'], [1e21, '1e+21'],
    [2 ** 60, '1152921504606846976'], [-2.5, '-2.5'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']];
  for (const [v, want] of cases) assert.equal(formatNumber(v), want, String(v));
});

test('exportDocument: every run, its records in order, typed arrays as plain arrays, null for non-finite', () => {
  const stats = {
    preMean: new Float64Array([0, NaN]), preVar: new Float64Array([1, Infinity]), postMean: new Float64Array(2),
    postVar: new Float64Array(2), deadFraction: new Float64Array(2), gradVar: new Float64Array(2),
    weightGradVar: new Float64Array(2), weightVar: new Float64Array(2), theoryVar: new Float64Array(2),
    symmetric: [true, false], theoryExact: true,
    histogram: { lo: 0, hi: 1, bins: 2, counts: [new Uint32Array([3, 1]), new Uint32Array([4, 0])] },
  };
  const rec = (step) => ({ step, trainLoss: NaN, testLoss: 1, trainAccuracy: 0.5, testAccuracy: 0.5, layerStats: stats });
  const doc = exportDocument({
    config: { dataset: 'xor', seed: 3, init: 'he_normal' },
    runs: [{ init: 'he_normal', diverged: 20, records: [rec(0), rec(20)] }, { init: 'zeros', diverged: null, records: [rec(0)] }],
  });
  assert.deepEqual(doc.config, { dataset: 'xor', seed: 3, init: ['he_normal', 'zeros'], steps: 20, logEvery: null });
  assert.deepEqual(doc.runs.map((r) => [r.init, r.diverged, r.records.map((x) => x.step)]),
    [['he_normal', 20, [0, 20]], ['zeros', null, [0]]]);
  const ls = doc.runs[0].records[0].layerStats;
  assert.deepEqual(ls.preMean, [0, null]);
  assert.deepEqual(ls.preVar, [1, null]);
  assert.deepEqual(ls.histogram.counts, [[3, 1], [4, 0]]);
  assert.equal(doc.runs[0].records[0].trainLoss, null);
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
  // A record without statistics (a diverged run the engine could not measure) keeps its losses.
  const csv = toCSV({ runs: [{ init: 'he_normal', records: [{ ...rec(5), layerStats: null }] }] }).trimEnd().split('\n');
  // as many fields as the header: the six filled, the layer and its columns empty
  assert.equal(csv[1], `he_normal,5,NaN,1,0.5,0.5${','.repeat(CSV_HEADER.split(',').length - 7)},0`);
  assert.equal(csv[1].split(',').length, CSV_HEADER.split(',').length);
  assert.equal(exportFileName({ seed: 42, step: 120, ext: 'json' }), 'initscope-42-step120.json');
  assert.equal(exportFileName({ seed: 42, step: 0, what: 'loss', ext: 'png' }), 'initscope-42-step0-loss.png');
});
