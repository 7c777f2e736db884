// tests/node/presets.test.mjs: the one preset list (core/src/presets.cpp) as the CLI prints it
// (`initscope presets`), as `run --preset ID` uses it (other flags override it), and as the
// engine gives it to the page (engine.presets()): the same ids, sentences and configs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadEngine } from '../../web/js/engine/engine.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = process.env.INITSCOPE_BIN ?? path.join(root, 'build/native/bin/initscope');

function cli(...args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let engine;
// mup_transfer trains on Fashion-MNIST: the engine needs the prepared file (npm test makes it).
before(async () => {
  engine = await loadEngine();
  await engine.loadDataset('fashion_mnist', { bytes: readFileSync(path.join(root, 'build/data/fashion-mnist.bin')) });
});

// A minimal RFC 4180 reader (quoted fields with "" escapes), enough for the CLI's CSV.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += ch;
  }
  return rows;
}

test('initscope presets --format json lists every preset with its source, sentences and config', () => {
  const r = cli('presets', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const { presets } = JSON.parse(r.out);
  const ids = presets.map((p) => p.id);
  for (const id of ['default', 'he2015', 'glorot2010', 'symmetry', 'saxe', 'lsuv', 'sigmoid',
    'scale', 'kumar2017', 'edge_of_chaos', 'isometry', 'residual_scaling', 'residual_gain', 'residual_sqrt_depth',
    'fixup', 'pre_vs_post_ln', 'batchnorm_explosion']) assert.ok(ids.includes(id), id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...new Set(presets.map((p) => p.chapter))],
    ['Symmetry', 'Variance', 'Saturating activations', 'Depth', 'Theory', 'Width', 'Depth today'], 'course order');
  for (const p of presets) {
    assert.match(p.source, /\d{4}/, `${p.id} names its year`);
    assert.ok(p.what && p.watch && p.label, p.id);
    assert.ok(Array.isArray(p.config.init) && p.config.init.length >= 1, p.id);
  }
  const eoc = presets.find((p) => p.id === 'edge_of_chaos');
  assert.equal(eoc.config.weightVar.length, 3);
  assert.ok(eoc.config.weightVar[1] > 1.75 && eoc.config.weightVar[1] < 1.77, 'critical ~1.76');
});

test('initscope presets --format csv has one row per preset, the same ids and sentences', () => {
  const json = JSON.parse(cli('presets').out).presets;
  const r = cli('presets', '--format', 'csv');
  assert.equal(r.code, 0, r.err);
  const [head, ...rows] = parseCsv(r.out);
  assert.deepEqual(head.slice(0, 5), ['id', 'chapter', 'label', 'source', 'init']);
  assert.equal(rows.length, json.length);
  rows.forEach((row, i) => {
    assert.equal(row[0], json[i].id);
    assert.equal(row[head.indexOf('watch')], json[i].watch);
    assert.equal(row[head.indexOf('init')], json[i].config.init.join(','));
  });
});

test('run --preset ID runs the preset; flags override it wherever they are', () => {
  const base = cli('run', '--preset', 'he2015', '--steps', '0', '--no-histograms');
  assert.equal(base.code, 0, base.err);
  const a = JSON.parse(base.out);
  assert.deepEqual(a.config.init, ['he_normal', 'lecun_normal']);
  assert.equal(a.config.hidden.length, 30);
  assert.equal(a.config.learningRate, 0.01);
  assert.equal(a.config.seed, 42);
  // Before or after --preset, a flag wins.
  for (const args of [['--seed', '7', '--preset', 'he2015'], ['--preset=he2015', '--seed', '7', '--hidden', '64x5']]) {
    const r = cli('run', ...args, '--steps', '0', '--no-histograms');
    assert.equal(r.code, 0, r.err);
    const b = JSON.parse(r.out);
    assert.equal(b.config.seed, 7);
    assert.deepEqual(b.config.init, ['he_normal', 'lecun_normal']);
    assert.equal(b.config.learningRate, 0.01);
  }
  const five = JSON.parse(cli('run', '--preset=he2015', '--hidden', '64x5', '--steps', '0', '--no-histograms').out);
  assert.equal(five.config.hidden.length, 5);
  // Per-run weightVar comes with the preset.
  const eoc = JSON.parse(cli('run', '--preset', 'edge_of_chaos', '--hidden', '16x3', '--steps', '0', '--no-histograms').out);
  assert.equal(eoc.runs.length, 3);
  assert.deepEqual(eoc.config.weightVar.map((v) => Math.round(v * 100) / 100), [1, 1.76, 3]);
});

test('run --preset with an unknown id exits 2 naming the field, the value and the ids', () => {
  const r = cli('run', '--preset', 'nope');
  assert.equal(r.code, 2);
  assert.match(r.err, /invalid preset = "nope": expected one of symmetry, default, /);
});

test('engine.presets() is the CLI\'s list: same ids, sentences, sources and run configs', () => {
  const fromCli = JSON.parse(cli('presets').out).presets;
  const fromEngine = engine.presets();
  assert.deepEqual(fromEngine.map((p) => p.id), fromCli.map((p) => p.id));
  fromEngine.forEach((p, i) => {
    const c = fromCli[i];
    for (const k of ['chapter', 'label', 'source', 'what', 'watch']) assert.equal(p[k], c[k], `${p.id}.${k}`);
    assert.deepEqual(p.inits, c.config.init);
    assert.equal(p.runs.length, c.config.init.length);
    for (const k of ['dataset', 'activation', 'learningRate', 'batchSize', 'seed', 'initStd']) {
      assert.deepEqual(p.config[k], c.config[k], `${p.id}.${k}`);
    }
    assert.deepEqual(p.config.hidden, c.config.hidden);
    // Every run config builds.
    for (const config of p.runs) engine.createRun({ ...config, hidden: config.hidden.slice(0, 2) }).dispose();
  });
});

// The sweep preset: the same axes in the CLI's list, in engine.presets() (in the shape the page's
// Sweep view takes) and in `initscope sweep --preset`, which prints what the explicit flags print.
test('edge_of_chaos_sweep: one sweep in the CLI list, the engine and `sweep --preset`', () => {
  const fromCli = JSON.parse(cli('presets').out).presets;
  const fromEngine = engine.presets();
  const sweeps = fromCli.filter((p) => p.sweep);
  assert.deepEqual(sweeps.map((p) => p.id), ['edge_of_chaos_sweep', 'mup_transfer', 'depth_transfer']);
  assert.deepEqual(sweeps[0].sweep, { x: 'weightVar=1:4:13', y: 'depth=10:100:10', steps: 300, seeds: 1, metric: 'trainAccuracy' });
  for (const p of fromEngine) assert.equal(p.sweep === null, !fromCli.find((c) => c.id === p.id).sweep, p.id);
  const e = fromEngine.find((p) => p.id === 'edge_of_chaos_sweep');
  assert.deepEqual(e.sweep, { xField: 'weightVar', xSpec: '1:4:13', yField: 'depth', ySpec: '10:100:10', steps: 300, seeds: 1, metric: 'trainAccuracy', fixed: {} });
  assert.equal(e.config.activation, 'tanh');
  assert.equal(e.config.biasVar, 0.05);
  assert.deepEqual(e.inits, ['mean_field']);
  // The whole preset takes ~45 s on two cores: the bytes are compared on a corner of it (the
  // flags override the preset's axes and steps, as every flag does).
  const corner = ['--x', 'weightVar=1,4', '--y', 'depth=10,20', '--steps', '20', '--seeds', '2', '--format', 'csv'];
  const viaPreset = cli('sweep', '--preset', 'edge_of_chaos_sweep', ...corner);
  assert.equal(viaPreset.code, 0, viaPreset.err);
  const explicit = cli('sweep', '--init', 'mean_field', '--activation', 'tanh', '--bias-var', '0.05',
    '--weight-var', String(e.config.weightVar), '--hidden', '32x10', '--dataset', 'gaussian_nd', '--input-dim', '64',
    '--learning-rate', '0.01', ...corner);
  assert.equal(explicit.code, 0, explicit.err);
  assert.equal(viaPreset.out, explicit.out);
  assert.equal(viaPreset.out.trimEnd().split('\n').length, 1 + 4 * 2);
  // Without overrides it is the preset's own grid (checked on its header and size, not run).
  const bad = cli('sweep', '--preset', 'edge_of_chaos_sweep', '--steps', '-1');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /invalid steps = -1|--steps/);
  // An ordinary preset gives the base config of a sweep whose axes come from the flags.
  const plain = cli('sweep', '--preset', 'he2015', '--x', 'learningRate=0.01,0.02', '--steps', '1', '--format', 'csv');
  assert.equal(plain.code, 0, plain.err);
});

// The transfer preset: its split (sp beside mup) in the CLI's list and the engine's, and
// `sweep --preset mup_transfer` is the explicit split sweep (compared on a corner: the whole
// preset is 252 runs, timed by `npm run bench` and its claim checked in test_presets.cpp).
test('mup_transfer: a split sweep in the CLI list, the engine and `sweep --preset`', () => {
  const c = JSON.parse(cli('presets').out).presets.find((p) => p.id === 'mup_transfer');
  assert.equal(c.chapter, 'Width');
  assert.equal(c.sweep.split, 'parametrization=sp,mup');
  assert.match(c.sweep.x, /^learningRate=/);
  assert.equal(c.sweep.y, 'width=64,128,256');
  const e = engine.presets().find((p) => p.id === 'mup_transfer');
  assert.equal(e.sweep.split, 'parametrization=sp,mup');
  assert.equal(e.sweep.xField, 'learningRate');
  assert.equal(e.sweep.metric, 'trainLoss');
  const corner = ['--x', 'learningRate=0.001953125', '--y', 'width=64,128', '--steps', '3', '--seeds', '1', '--format', 'csv'];
  const viaPreset = cli('sweep', '--preset', 'mup_transfer', ...corner);
  assert.equal(viaPreset.code, 0, viaPreset.err);
  const explicit = cli('sweep', '--dataset', 'fashion_mnist', '--samples', '6000', '--test-fraction', '0.1',
    '--hidden', '64,64', '--optimizer', 'adam', '--batch-size', '64', '--base-width', '64', '--lr', '0.001953125',
    '--split', 'parametrization=sp,mup', ...corner);
  assert.equal(explicit.code, 0, explicit.err);
  assert.equal(viaPreset.out, explicit.out);
  assert.match(viaPreset.out.split('\n')[0], /^learningRate,width,parametrization,seed,/);
  assert.equal(viaPreset.out.trimEnd().split('\n').length, 1 + 2 * 2);
});

// The depth transfer preset: its split on residualScale's words (alpha = 1 beside 1/sqrt(B)) in
// the CLI's list and the engine's, and `sweep --preset depth_transfer` is the explicit split sweep
// (compared on a corner: the whole preset is 252 runs, its claim checked in test_presets.cpp).
test('depth_transfer: a split on residualScale in the CLI list, the engine and `sweep --preset`', () => {
  const c = JSON.parse(cli('presets').out).presets.find((p) => p.id === 'depth_transfer');
  assert.equal(c.chapter, 'Depth today');
  assert.equal(c.sweep.split, 'residualScale=one,inv_sqrt_depth');
  assert.match(c.sweep.x, /^learningRate=/);
  assert.equal(c.sweep.y, 'depth=2,8,32');
  const e = engine.presets().find((p) => p.id === 'depth_transfer');
  assert.equal(e.sweep.split, 'residualScale=one,inv_sqrt_depth');
  assert.equal(e.sweep.xField, 'learningRate');
  assert.equal(e.sweep.yField, 'depth');
  assert.equal(e.sweep.metric, 'trainLoss');
  assert.equal(e.config.architecture, 'residual');
  const corner = ['--x', 'learningRate=0.0625', '--y', 'depth=2,8', '--steps', '3', '--seeds', '1', '--format', 'csv'];
  const viaPreset = cli('sweep', '--preset', 'depth_transfer', ...corner);
  assert.equal(viaPreset.code, 0, viaPreset.err);
  const explicit = cli('sweep', '--dataset', 'fashion_mnist', '--samples', '6000', '--test-fraction', '0.1',
    '--architecture', 'residual', '--hidden', '64,64', '--batch-size', '64', '--lr', '0.03125',
    '--split', 'residualScale=one,inv_sqrt_depth', ...corner);
  assert.equal(explicit.code, 0, explicit.err);
  assert.equal(viaPreset.out, explicit.out);
  assert.match(viaPreset.out.split('\n')[0], /^learningRate,depth,residualScale,seed,/);
  assert.deepEqual(viaPreset.out.trimEnd().split('\n').slice(1).map((l) => l.split(',')[2]),
    ['one', 'one', 'inv_sqrt_depth', 'inv_sqrt_depth']);
});
