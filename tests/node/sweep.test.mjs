// tests/node/sweep.test.mjs: `initscope sweep` (core/cli/sweep.cpp) and the page's sweep code
// (web/js/sweep-grid.js, sweep-cell.js) on the wasm engine: the same bytes for any --jobs, and
// the page's CSV/JSON export equal to the CLI's for the same sweep and seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bin, loadEngine } from './helpers.mjs';
import { parseAxis, taskCount, taskConfig, sweepCSV, sweepJSON, progressiveOrder } from '../../web/js/sweep-grid.js';
import { evaluateCell } from '../../web/js/sweep-cell.js';

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

test('sweep: the page computes the CLI\'s CSV and JSON to the byte', async () => {
  const engine = await loadEngine();
  const probe = engine.createRun({ samples: 100, hidden: [16], batchSize: 10, seed: 7, init: 'he_normal',
    activation: 'linear', loss: 'mse' });
  const base = { ...probe.config };
  probe.dispose();
  const sweep = { base, axes: [parseAxis(X), parseAxis(Y)], steps: 40, seeds: 2 };
  const results = new Array(taskCount(sweep));
  // In the heatmap's order, as the pool hands them out: the order must not matter.
  for (const cell of progressiveOrder(3, 4)) {
    for (let s = 0; s < sweep.seeds; s++) {
      const t = cell * sweep.seeds + s;
      results[t] = await evaluateCell(engine, taskConfig(sweep, t), sweep.steps, async () => false);
    }
  }
  assert.equal(engine.liveRuns, 0, 'every cell disposes its run');
  assert.ok(results.some((r) => r.diverged !== null), 'the sweep has a diverged cell to compare');
  assert.equal(sweepCSV(sweep, results), cli('--x', X, '--y', Y, ...fixed, '--format', 'csv').out);
  assert.equal(sweepJSON(sweep, results), cli('--x', X, '--y', Y, ...fixed, '--format', 'json').out);
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
