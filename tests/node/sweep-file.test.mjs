// tests/node/sweep-file.test.mjs: the page reads sweep files the CLI writes
// (web/js/sweep/sweep-file.js): a one-process sweep and the merge of its shards read to the
// file's own cells, written back by the page's exporter they are the same bytes, and every
// malformed file is refused naming what is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bin } from './helpers.mjs';
import { readSweepFile, MAX_FILE_RUNS } from '../../web/js/sweep/sweep-file.js';
import { cellCount, summarize, sweepJSON, sweepCSV } from '../../web/js/sweep/sweep-grid.js';

function cli(args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message} (build it with scripts/build-native.sh)`);
  assert.equal(r.status, 0, `initscope ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const SMALL = ['--samples', '100', '--hidden', '4', '--steps', '5', '--quiet'];
const ONE_AXIS = ['sweep', '--x', 'learningRate=0.01:1:4', '--seeds', '2', ...SMALL];
// lr 5 on 32x4 diverges for he_normal seed 42 (at step 10): the file's null losses and
// diverged steps must read back too.
const TWO_AXES = ['sweep', '--x', 'learningRate=0.01,0.1,5', '--y', 'init=he_normal,zeros', '--seeds', '2',
  '--samples', '100', '--hidden', '32x4', '--steps', '40', '--quiet'];

function checkAgainstFile(text) {
  const doc = JSON.parse(text);
  const { sweep, results } = readSweepFile(text);
  assert.deepEqual(sweep.axes.map((a) => [a.field, a.values]), doc.axes.map((a) => [a.field, a.values]));
  assert.equal(sweep.steps, doc.steps);
  assert.equal(sweep.seeds, doc.seeds);
  assert.equal(cellCount(sweep), doc.cells.length);
  assert.equal(results.length, doc.cells.length * doc.seeds);
  doc.cells.forEach((c, cell) => {
    const runs = results.slice(cell * sweep.seeds, (cell + 1) * sweep.seeds);
    c.runs.forEach((r, s) => {
      assert.equal(runs[s].diverged, r.diverged, `cell ${cell} seed ${s} diverged`);
      for (const k of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy']) {
        assert.equal(runs[s][k], r[k] === null ? NaN : r[k], `cell ${cell} seed ${s} ${k}`);
      }
    });
    const m = summarize(runs);
    for (const k of ['trainLoss', 'trainAccuracy']) assert.equal(m[k], c[k] === null ? NaN : c[k], `cell ${cell} ${k}`);
    assert.equal(m.diverged, c.diverged);
  });
  // What the page's JSON button saves for the file's sweep is the file itself, byte for byte.
  assert.equal(sweepJSON(sweep, results), text);
  return { sweep, results };
}

test('a one-axis CLI sweep reads to its own cells, and the page exports the same bytes', () => {
  const text = cli([...ONE_AXIS, '--format', 'json']);
  const { sweep, results } = checkAgainstFile(text);
  assert.equal(sweepCSV(sweep, results), cli([...ONE_AXIS, '--format', 'csv']));
});

test('a two-axis sweep with diverged runs reads back, NaN where the file has null', () => {
  const text = cli([...TWO_AXES, '--format', 'json']);
  const { results } = checkAgainstFile(text);
  assert.ok(results.some((r) => r.diverged !== null), 'lr 5 should diverge: the case under test');
});

test('the merge of 3 shards opens as the one-process sweep', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'initscope-sweep-file-'));
  try {
    const parts = [1, 2, 3].map((k) => {
      const file = path.join(dir, `part-${k}.json`);
      cli([...TWO_AXES, '--shard', `${k}/3`, '--out', file]);
      return file;
    });
    const merged = cli(['sweep', 'merge', ...parts]);
    assert.equal(merged, cli([...TWO_AXES, '--format', 'json']));
    checkAgainstFile(merged);
    // A part on its own is refused, with what to do instead.
    assert.throws(() => readSweepFile(readFileSync(parts[0], 'utf8')),
      { message: 'invalid sweep file: this is a part file (shard "1/3"), not a sweep: merge the parts first with `initscope sweep merge PART...` and open its output' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed file is refused, naming the key, the value and what is allowed', () => {
  const good = JSON.parse(cli([...TWO_AXES, '--format', 'json']));
  const edit = (f) => {
    const d = structuredClone(good);
    f(d);
    return JSON.stringify(d);
  };
  const cases = [
    ['{"config": ', /^invalid sweep file: not JSON \(.+\); expected the output of `initscope sweep --format json` or `initscope sweep merge`$/],
    ['[1, 2]', 'invalid sweep file: the file = [1,2]: expected a JSON object { config, steps, seeds, axes, cells }'],
    [edit((d) => { d.axes[0].field = 'foo'; }), /^invalid sweep file: axes\[0\]\.field = "foo": expected one of depth, width, .*learningRate/],
    [edit((d) => { d.axes[1] = structuredClone(d.axes[0]); }), /^invalid sweep file: axes\[1\]\.field = "learningRate": expected a field other than learningRate$/],
    [edit((d) => { d.cells.pop(); }), 'invalid sweep file: cells = "a list of 5": expected a list of 6 cells (3 x 2)'],
    [edit((d) => { d.cells[4].x = 7; }), 'invalid sweep file: cells[4].x = 7: expected 0.1 (cells run x-fastest)'],
    [edit((d) => { d.cells[1].runs.pop(); }), 'invalid sweep file: cells[1].runs = "a list of 1": expected a list of 2 runs (one per seed)'],
    [edit((d) => { d.cells[0].runs[1].seed = 9; }), 'invalid sweep file: cells[0].runs[1].seed = 9: expected 43 (config.seed + 1)'],
    [edit((d) => { d.cells[0].runs[0].trainLoss = 'low'; }), 'invalid sweep file: cells[0].runs[0].trainLoss = "low": expected a number or null'],
    [edit((d) => { d.cells[0].runs[0].diverged = -1; }), 'invalid sweep file: cells[0].runs[0].diverged = -1: expected null or the step it diverged at'],
    [edit((d) => { d.seeds = 0; }), 'invalid sweep file: seeds = 0: expected an integer in 1..100'],
    [edit((d) => { d.axes = []; }), 'invalid sweep file: axes = []: expected a list of 1 or 2 axes (and a split)'],
    [edit((d) => { d.gemm = 'quick'; }), 'invalid sweep file: gemm = "quick": expected exact or fast'],
    [edit((d) => { delete d.config; }), 'invalid sweep file: config = undefined: expected an object (the sweep\'s fixed fields)'],
    [edit((d) => { d.axes[0].values = new Array(1000).fill(0.1); d.axes[1].values = new Array(1000).fill('zeros'); }),
      `invalid sweep file: axes = "1000000 cells x 2 seeds": expected at most ${MAX_FILE_RUNS} runs in the page`],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => readSweepFile(text), message instanceof RegExp ? { message } : { message }, text.slice(0, 80));
  }
});
