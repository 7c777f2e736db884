// tests/node/sweep.test.mjs: `initscope sweep` (core/cli/sweep.cpp) and the page's sweep code
// (web/js/sweep/sweep-grid.js, sweep-cell.js) on the wasm engine: the same bytes for any --jobs, and
// the page's CSV/JSON export equal to the CLI's for the same sweep and seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bin, loadEngine } from './helpers.mjs';
import { parseAxis, taskCount, taskConfig, sweepCSV, sweepJSON, progressiveOrder, cliCommand, CORE_DEFAULTS }
  from '../../web/js/sweep/sweep-grid.js';
import { evaluateCell } from '../../web/js/sweep/sweep-cell.js';
import { readSweepFile } from '../../web/js/sweep/sweep-file.js';

function cli(...args) {
  const r = spawnSync(bin, ['sweep', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Tiny: 12 cells x 2 seeds of 40 updates on 100 spiral points. A linear net under MSE diverges
// at the larger rates and depths, so the diverged cells (NaN losses, a step) are compared too.
const X = 'learningRate=0.05,0.5,10';
const Y = 'depth=1:4:4';
const fixed = ['--samples', '100', '--hidden', '16x1', '--batch-size', '10', '--steps', '40',
  '--seeds', '2', '--seed', '7', '--init', 'he_normal', '--activation', 'linear', '--loss', 'mse'];

test('sweep: --jobs 1 and --jobs 2 print the same bytes (JSON and CSV)', () => {
  for (const format of ['json', 'csv']) {
    const one = cli('--x', X, '--y', Y, ...fixed, '--format', format, '--jobs', '1');
    const two = cli('--x', X, '--y', Y, ...fixed, '--format', format, '--jobs', '2');
    assert.equal(one.code, 0, one.err);
    assert.equal(two.code, 0, two.err);
    assert.ok(one.out.length > 200);
    assert.equal(two.out, one.out);
  }
});

test('sweep: the output has every cell and seed, and seeds are base + index', () => {
  const doc = JSON.parse(cli('--x', X, '--y', Y, ...fixed, '--jobs', '2').out);
  assert.deepEqual(doc.axes.map((a) => a.field), ['learningRate', 'depth']);
  assert.deepEqual(doc.axes[1].values, [1, 2, 3, 4]);
  assert.equal(doc.cells.length, 12);
  assert.deepEqual(doc.cells[4].runs.map((r) => r.seed), [7, 8]);
  assert.equal(doc.cells[4].x, 0.5);     // cells go x-fastest: cell 4 = (x 1, y 1)
  assert.equal(doc.cells[4].y, 2);
  assert.ok(doc.cells.some((c) => c.diverged > 0) && doc.cells.some((c) => c.diverged === 0));
  // A cell is `initscope run` with its fields and seed: the last record is the same numbers.
  // (cell 1 = lr 0.5, depth 1, whose seed 8 does not diverge)
  const run = spawnSync(bin, ['run', '--samples', '100', '--hidden', '16x1', '--batch-size', '10',
    '--steps', '40', '--log-every', '40', '--seed', '8', '--lr', '0.5', '--activation', 'linear',
    '--loss', 'mse', '--no-histograms'], { encoding: 'utf8' });
  const last = JSON.parse(run.stdout).runs[0].records.at(-1);
  assert.equal(doc.cells[1].runs[1].diverged, null);
  assert.equal(doc.cells[1].runs[1].trainLoss, last.trainLoss);
  assert.equal(doc.cells[1].runs[1].testAccuracy, last.testAccuracy);
});

test('sweep: bad axes exit 2 with the core message, the same words as the page', () => {
  const cases = [
    ['learningRate', 'invalid --x = "learningRate": expected FIELD=START:STOP:COUNT or FIELD=A,B,...'],
    ['learningRate=1:4', 'invalid learningRate = "1:4": expected START:STOP:COUNT (two numbers and a count)'],
    ['learningRate=1:4:0', 'invalid learningRate count = 0: expected an integer in 1..1000'],
    ['depth=1.5', 'invalid depth = 1.5: expected an integer'],
    ['learningRate=0.1,x', 'invalid learningRate = "x": expected a number'],
    ['learningRate=0.1,one', 'invalid learningRate = "one": expected a number'],
    ['residualScale=one,inv_sqrt', 'invalid residualScale = "inv_sqrt": expected a number in (0, 10] or one of one, inv_sqrt_depth, inv_sqrt_2depth, inv_depth'],
    ['gain=auto,Auto', 'invalid gain = "Auto": expected a number in [0, 100] or "auto"'],
  ];
  for (const [spec, message] of cases) {
    const r = cli('--x', spec, ...fixed);
    assert.equal(r.code, 2, spec);
    assert.equal(r.err, `initscope: ${message}\n`);
    assert.throws(() => parseAxis(spec, '--x'), { message });
  }
  const r = cli('--x', 'depth=100,300', ...fixed);
  assert.equal(r.code, 2);
  assert.match(r.err, /invalid depth = 300: expected an integer in 1\.\.200/);
});

// The page's sweep (its grid code and one wasm engine, cells in the heatmap's coarse-to-fine
// order) against `initscope sweep` for the same axes and seeds: the CSV and JSON files must be
// the same bytes. The core computes every transcendental itself (core/include/initscope/pmath.hpp),
// so this holds for every activation, tanh, sigmoid, selu and gelu included, and for the theory
// preset's tanh / mean_field cells.
async function pageSweep(config, x, y, steps, seeds) {
  const engine = await loadEngine();
  const probe = engine.createRun(config);
  const base = { ...probe.config };
  probe.dispose();
  const sweep = { base, axes: [parseAxis(x), parseAxis(y)], steps, seeds };
  const results = new Array(taskCount(sweep));
  // In the heatmap's order, as the pool hands them out: the order must not matter.
  for (const cell of progressiveOrder(sweep.axes[0].values.length, sweep.axes[1].values.length)) {
    for (let s = 0; s < sweep.seeds; s++) {
      const t = cell * sweep.seeds + s;
      results[t] = await evaluateCell(engine, taskConfig(sweep, t), sweep.steps, async () => false);
    }
  }
  assert.equal(engine.liveRuns, 0, 'every cell disposes its run');
  return { sweep, results };
}

test('sweep: the page computes the CLI\'s CSV and JSON to the byte', async () => {
  const { sweep, results } = await pageSweep({ samples: 100, hidden: [16], batchSize: 10, seed: 7,
    init: 'he_normal', activation: 'linear', loss: 'mse' }, X, Y, 40, 2);
  assert.ok(results.some((r) => r.diverged !== null), 'the sweep has a diverged cell to compare');
  assert.equal(sweepCSV(sweep, results), cli('--x', X, '--y', Y, ...fixed, '--format', 'csv').out);
  assert.equal(sweepJSON(sweep, results), cli('--x', X, '--y', Y, ...fixed, '--format', 'json').out);
});

test('sweep: the same bytes for tanh, sigmoid, selu and gelu (mean_field init, as the theory preset)', async () => {
  const x = 'activation=tanh,sigmoid,selu,gelu';
  const y = 'weightVar=1,1.76,4';
  const flags = ['--samples', '120', '--hidden', '24x6', '--batch-size', '16', '--steps', '60', '--seeds', '2',
    '--seed', '3', '--init', 'mean_field', '--bias-var', '0.05', '--dataset', 'gaussian_nd', '--input-dim', '16',
    '--lr', '0.05'];
  const { sweep, results } = await pageSweep({ samples: 120, hidden: Array(6).fill(24), batchSize: 16, seed: 3,
    init: 'mean_field', biasVar: 0.05, dataset: 'gaussian_nd', inputDim: 16, learningRate: 0.05 }, x, y, 60, 2);
  const csv = sweepCSV(sweep, results);
  // 12 cells x 2 seeds that really train (some fit their 60 points), differ from each other, and
  // include a diverged one (selu at sigma_w^2 4), so the NaN and step columns are compared too.
  assert.ok(results.some((r) => r.trainAccuracy === 1), 'some cells fit the training set');
  assert.ok(results.some((r) => r.diverged !== null), 'a diverged cell');
  assert.ok(new Set(results.map((r) => r.trainLoss)).size >= 20, 'the cells differ from each other');
  assert.equal(csv, cli('--x', x, '--y', y, ...flags, '--format', 'csv').out);
  assert.equal(sweepJSON(sweep, results), cli('--x', x, '--y', y, ...flags, '--format', 'json').out);
});

test('sweep: the command the view shows computes the page\'s sweep, whatever the base differs in', async () => {
  const engine = await loadEngine();
  assert.deepEqual({ ...CORE_DEFAULTS, hidden: [...CORE_DEFAULTS.hidden] }, engine.defaultConfig());
  // A base away from the defaults in every field that changes the numbers.
  const config = { dataset: 'gaussian_nd', samples: 90, noise: 0.2, testFraction: 0.3, inputDim: 12, classes: 3,
    seed: 11, hidden: [10, 10, 10], activation: 'leaky_relu', leakySlope: 0.2, init: 'mean_field', weightVar: 2.5,
    biasVar: 0.1, optimizer: 'momentum', learningRate: 0.02, momentum: 0.5, batchSize: 9, loss: 'mse' };
  const { sweep, results } = await pageSweep(config, 'depth=1,3', 'learningRate=0.02,0.05', 25, 2);
  const command = cliCommand(sweep);
  assert.match(command, /--leaky-slope 0\.2 .*--momentum 0\.5/);
  const args = command.split(' ').slice(2);   // after 'initscope sweep'
  assert.equal(cli(...args, '--format', 'csv').out, sweepCSV(sweep, results), command);
  // Fields at their defaults are left out; a 2-D toy's inputDim and classes are implied.
  const run = engine.createRun({});
  const plain = cliCommand({ ...sweep, base: { ...run.config } });
  run.dispose();
  assert.doesNotMatch(plain, /--momentum|--input-dim|--classes|--loss/);
});

test('sweep: a cell abandoned half-way frees its run', async () => {
  const engine = await loadEngine();
  let calls = 0;
  const r = await evaluateCell(engine, { samples: 100, hidden: [16], batchSize: 10 }, 200, async () => ++calls >= 2);
  assert.equal(r, null);
  assert.equal(calls, 2);
  assert.equal(engine.liveRuns, 0);
});

test('sweep: the coarse-to-fine order visits every cell once, coarsest first', () => {
  for (const [nx, ny] of [[1, 1], [13, 10], [20, 10], [5, 1]]) {
    const order = progressiveOrder(nx, ny);
    assert.equal(order.length, nx * ny);
    assert.equal(new Set(order).size, nx * ny);
  }
  assert.deepEqual(progressiveOrder(4, 1), [0, 2, 1, 3]);
  assert.deepEqual(progressiveOrder(13, 10).slice(0, 4), [0, 8, 104, 112]);
});

// A split (the third axis, `--split`; the mup_transfer preset's sp beside mup): the page's grid
// numbers its cells as the CLI does (x fastest, then y, then the split), so the files match to
// the byte; the command the view shows carries --split and computes the same sweep.
test('sweep: a split sweep (sp and mup side by side) gives the CLI\'s bytes, and its command too', async () => {
  const engine = await loadEngine();
  const probe = engine.createRun({ samples: 100, hidden: [16, 16], batchSize: 10, seed: 5, optimizer: 'adam',
    learningRate: 0.01, baseWidth: 8 });
  const base = { ...probe.config };
  probe.dispose();
  const x = 'learningRate=0.001953125,0.015625,0.125';
  const y = 'width=8,32';
  const split = 'parametrization=sp,mup';
  const sweep = { base, axes: [parseAxis(x), parseAxis(y), parseAxis(split)], steps: 30, seeds: 2 };
  const results = new Array(taskCount(sweep));
  for (let t = taskCount(sweep) - 1; t >= 0; t--) {   // backwards: the order must not matter
    results[t] = await evaluateCell(engine, taskConfig(sweep, t), sweep.steps, async () => false);
  }
  assert.equal(taskConfig(sweep, 0).parametrization, 'sp');
  assert.equal(taskConfig(sweep, taskCount(sweep) - 1).parametrization, 'mup');
  assert.deepEqual(taskConfig(sweep, taskCount(sweep) - 1).hidden, [32, 32]);
  // At width 8 = baseWidth mup is sp bit for bit (spec/parametrizations.md); at 32 it is not.
  const n = 3 * 2;   // cells per panel
  for (let s = 0; s < 2; s++) {
    assert.equal(results[(n + 0) * 2 + s].trainLoss, results[0 * 2 + s].trainLoss);
    assert.notEqual(results[(n + 3) * 2 + s].trainLoss, results[3 * 2 + s].trainLoss);
  }
  const flags = ['--samples', '100', '--hidden', '16,16', '--batch-size', '10', '--seed', '5', '--optimizer', 'adam',
    '--lr', '0.01', '--base-width', '8', '--steps', '30', '--seeds', '2'];
  const csv = cli('--x', x, '--y', y, '--split', split, ...flags, '--format', 'csv');
  assert.equal(csv.code, 0, csv.err);
  assert.equal(sweepCSV(sweep, results), csv.out);
  const json = cli('--x', x, '--y', y, '--split', split, ...flags, '--format', 'json').out;
  assert.equal(sweepJSON(sweep, results), json);
  assert.deepEqual(JSON.parse(json).cells.at(-1).z, 'mup');
  const command = cliCommand(sweep);
  assert.match(command, /--split parametrization=sp,mup/);
  assert.equal(cli(...command.split(' ').slice(2), '--format', 'csv').out, sweepCSV(sweep, results), command);
  const r = cli('--x', x, '--split', split, ...flags);
  assert.equal(r.code, 2);
  assert.equal(r.err, 'initscope: invalid --split = "parametrization=sp,mup": expected a --y axis as well\n');
});

// A number field's words in a list (the depth_transfer preset's split residualScale=one,
// inv_sqrt_depth): the axis is not numeric, its labels are the words as typed and the numbers in
// shortest form, the CLI prints them as its values, and the page writes the same bytes, reads the
// CLI's file back and shows a command that computes the same sweep.
test('sweep: a split on residualScale\'s words (alpha = 1 beside 1/sqrt(B)) gives the CLI\'s bytes', async () => {
  const axis = parseAxis('residualScale=one,0.50,inv_sqrt_depth');
  assert.equal(axis.numeric, false);
  assert.deepEqual(axis.values, ['one', 0.5, 'inv_sqrt_depth']);
  assert.deepEqual(axis.labels, ['one', '0.5', 'inv_sqrt_depth']);
  assert.equal(parseAxis('residualScale=0.5,1').numeric, true);   // numbers alone: as before

  const engine = await loadEngine();
  const probe = engine.createRun({ samples: 100, hidden: [8, 8], batchSize: 10, seed: 3, architecture: 'residual',
    learningRate: 0.05 });
  const base = { ...probe.config };
  probe.dispose();
  const x = 'learningRate=0.03125,0.25';
  const y = 'depth=2,8';
  const split = 'residualScale=one,inv_sqrt_depth';
  const sweep = { base, axes: [parseAxis(x), parseAxis(y), parseAxis(split)], steps: 20, seeds: 2 };
  const results = new Array(taskCount(sweep));
  for (let t = 0; t < taskCount(sweep); t++) {
    results[t] = await evaluateCell(engine, taskConfig(sweep, t), sweep.steps, async () => false);
  }
  assert.equal(taskConfig(sweep, 0).residualScale, 'one');
  assert.equal(taskConfig(sweep, taskCount(sweep) - 1).residualScale, 'inv_sqrt_depth');
  // 8 blocks: alpha = 1/sqrt(8) changes the numbers; 2 blocks at alpha 1 and 1/sqrt(2) differ too.
  assert.notEqual(results[(4 + 2) * 2].trainLoss, results[2 * 2].trainLoss);
  const flags = ['--samples', '100', '--hidden', '8,8', '--batch-size', '10', '--seed', '3', '--architecture', 'residual',
    '--lr', '0.05', '--steps', '20', '--seeds', '2'];
  const csv = cli('--x', x, '--y', y, '--split', split, ...flags, '--format', 'csv');
  assert.equal(csv.code, 0, csv.err);
  assert.equal(sweepCSV(sweep, results), csv.out);
  const json = cli('--x', x, '--y', y, '--split', split, ...flags, '--format', 'json').out;
  assert.equal(sweepJSON(sweep, results), json);
  assert.deepEqual(JSON.parse(json).axes[2].values, ['one', 'inv_sqrt_depth']);
  assert.equal(JSON.parse(json).cells.at(-1).z, 'inv_sqrt_depth');
  const file = readSweepFile(json);
  assert.deepEqual(file.sweep.axes[2], sweep.axes[2]);
  assert.equal(sweepJSON(file.sweep, file.results), json);
  const command = cliCommand(sweep);
  assert.match(command, /--split residualScale=one,inv_sqrt_depth/);
  assert.equal(cli(...command.split(' ').slice(2), '--format', 'csv').out, sweepCSV(sweep, results), command);
});
