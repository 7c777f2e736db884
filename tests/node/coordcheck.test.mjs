// tests/node/coordcheck.test.mjs: the engine's coordinate check (engine.coordcheck*, computed task
// by task as the page's Width tab does) against `initscope coordcheck`: the same bytes of JSON and
// CSV for the same settings, whichever order the tasks are computed in; and its errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bin, loadEngine, assertConfigError } from './helpers.mjs';
import {
  coordcheckJSON, coordcheckCSV, coordcheckCommand, coordRows, seedMeans, rowsPerTask, PAGE_DEFAULTS, pageSpec,
} from '../../web/js/width/coordcheck-doc.js';

const engine = await loadEngine();
const defaults = engine.coordcheckDefaults();

function cli(args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `initscope ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// The command the page shows, run as it is (split at spaces: no argument of it has one).
const commandArgs = (spec) => coordcheckCommand(spec, defaults).split(' ').slice(1);

// Tasks computed in the given order, put back in task order (as the page's worker pool does).
function computeInOrder(spec, order) {
  const plan = engine.coordcheckPlan(spec);
  const per = rowsPerTask(plan);
  const size = new Float64Array(plan.tasks.length * per);
  const change = new Float64Array(plan.tasks.length * per);
  for (const t of order(plan.tasks.length)) {
    const r = engine.coordcheckTask(spec, t);
    assert.equal(r.task, t);
    size.set(r.size, t * per);
    change.set(r.change, t * per);
  }
  return { plan, size, change, slopes: engine.coordcheckSlopes(spec, size, change) };
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `first difference at ${i}: CLI ${JSON.stringify(a.slice(i - 40, i + 40))} vs page ${JSON.stringify(b.slice(i - 40, i + 40))}`;
}

const SPECS = {
  // the page's default settings (views/width.js), fewer seeds
  'sp vs mup, the page defaults': { widths: [128, 256, 512, 1024], parametrizations: ['sp', 'mup'], steps: 3, seeds: 2 },
  // every kind of run field moved off its default, three parametrizations, a tanh net
  'sp, ntk and mup with other run fields': {
    widths: [32, 64, 96], parametrizations: ['ntk', 'sp', 'mup'], steps: 2, seeds: 2,
    config: { hidden: [8, 8], activation: 'tanh', optimizer: 'adam', learningRate: 0.01, seed: 7, batchSize: 16, dataset: 'spiral', baseWidth: 32 },
  },
};

for (const [name, spec] of Object.entries(SPECS)) {
  test(`coordcheck ${name}: the page's JSON and CSV are the CLI's bytes`, () => {
    const page = computeInOrder(spec, (n) => [...Array(n).keys()].reverse());
    const args = commandArgs(spec);
    const json = cli([...args, '--format', 'json', '--quiet']);
    const csv = cli([...args, '--format', 'csv', '--quiet']);
    const pageJson = coordcheckJSON(page.plan, page.size, page.change, page.slopes);
    const pageCsv = coordcheckCSV(page.plan, page.size, page.change);
    assert.ok(json === pageJson, firstDifference(json, pageJson));
    assert.ok(csv === pageCsv, firstDifference(csv, pageCsv));
    // and the document says what was asked (not two empty files that agree)
    const doc = JSON.parse(json);
    assert.deepEqual(doc.widths, spec.widths);
    assert.deepEqual(doc.parametrizations, spec.parametrizations);
    const layers = (spec.config?.hidden?.length ?? 3) + 1;
    assert.equal(doc.rows.length, spec.parametrizations.length * spec.widths.length * spec.seeds * (spec.steps + 1) * layers);
    assert.ok(doc.rows.some((r) => r.change > 0), 'nothing moved');
  });
}

test('coordcheck: engine.coordcheck() in one call equals the task-by-task pieces, and can stop', () => {
  const spec = { widths: [16, 32], steps: 1, seeds: 2, config: { hidden: [8, 8] } };
  const whole = engine.coordcheck(spec);
  const parts = computeInOrder(spec, (n) => [...Array(n).keys()]);
  assert.deepEqual(whole.size, parts.size);
  assert.deepEqual(whole.change, parts.change);
  let calls = 0;
  assert.equal(engine.coordcheck(spec, { onTask: () => (++calls < 2) }), null);
  assert.equal(calls, 2);
});

test('coordcheck: seedMeans and coordRows read the arrays in the CLI row order', () => {
  const spec = { widths: [16, 32], steps: 1, seeds: 2, config: { hidden: [8] } };
  const r = engine.coordcheck(spec);
  const doc = JSON.parse(cli([...commandArgs(spec), '--quiet']));
  const rows = coordRows(r.plan, r.size, r.change);
  assert.deepEqual(rows.map((x) => [x.parametrization, x.width, x.seed, x.step, x.layer]),
    doc.rows.map((x) => [x.parametrization, x.width, x.seed, x.step, x.layer]));
  const means = seedMeans(r.plan, r.size, r.change);
  // mup, width 32, step 1, layer 2 (the logits): the mean of the two seeds' rows
  const pick = doc.rows.filter((x) => x.parametrization === 'mup' && x.width === 32 && x.step === 1 && x.layer === 2);
  assert.equal(pick.length, 2);
  const expected = (pick[0].change + pick[1].change) / 2;
  // two divisions by 2 against one sum / 2: equal to a few ulps
  assert.ok(Math.abs(means.get('mup').change[1][1][1] - expected) <= 4 * Number.EPSILON * expected);
});

test('coordcheck: bad specs are refused naming the field and the value', () => {
  assertConfigError(() => engine.coordcheckPlan({ widths: [256, 128] }), 'widths', '128');
  assertConfigError(() => engine.coordcheckPlan({ widths: [128, 4096] }), 'widths[1]', '4096');
  assertConfigError(() => engine.coordcheckPlan({ widths: [128, 1.5] }), 'widths[1]', '1.5');
  assertConfigError(() => engine.coordcheckPlan({ parametrizations: ['sp', 'sp'] }), 'parametrizations', 'sp');
  assertConfigError(() => engine.coordcheckPlan({ parametrizations: ['xx'] }), 'parametrizations[0]', '"xx"');
  assertConfigError(() => engine.coordcheckPlan({ steps: 101 }), 'steps', '101');
  assertConfigError(() => engine.coordcheckPlan({ seeds: 0 }), 'seeds', '0');
  assertConfigError(() => engine.coordcheckPlan({ frobnicate: 1 }), 'frobnicate', '1');
  assertConfigError(() => engine.coordcheckPlan({ config: { learningRate: -1 } }), 'learningRate', '-1');
  // the page's parameter cap: three hidden layers of 2048 do not fit, one does
  assert.match(assertConfigError(() => engine.coordcheckPlan({ widths: [1024, 2048] }), 'hidden', 'a network of 8402946 parameters'), /native CLI allows/);
  assert.equal(engine.coordcheckPlan({ widths: [1024, 2048], config: { hidden: [64] } }).tasks.length, 2 * 2 * 3);
  assertConfigError(() => engine.coordcheckTask({ widths: [16, 32] }, 12), 'task', '12');
  assertConfigError(() => engine.coordcheckSlopes({ widths: [16, 32] }, new Float64Array(3), new Float64Array(3)), 'size', 'a Float64Array of 3 numbers');
  // and the engine keeps working, nothing left behind
  assert.equal(engine.coordcheckPlan({ widths: [16, 32] }).tasks.length, 12);
  assert.equal(engine.memory().liveRuns, 0);
});

// The coordcheck preset: the same check in the CLI's list, in engine.presets() and in the page's
// reading of it (state/presets.js: the Width tab's settings), and `initscope coordcheck --preset`
// prints the bytes the Width tab computes from those settings.
test('coordcheck_sp_vs_mup: the CLI list, the engine, the page\'s settings and coordcheck --preset agree', async () => {
  const { engineCatalog } = await import('../../web/js/state/state.js');
  const { pagePresets } = await import('../../web/js/state/presets.js');
  const fromCli = JSON.parse(cli(['presets', '--format', 'json'])).presets;
  const c = fromCli.find((p) => p.id === 'coordcheck_sp_vs_mup');
  assert.deepEqual(c.coordcheck, { parametrizations: ['sp', 'mup'], widths: [128, 256, 512, 1024], steps: 3, seeds: 6 });
  assert.equal(c.chapter, 'Width');
  assert.deepEqual(fromCli.filter((p) => p.coordcheck).map((p) => p.id), ['coordcheck_sp_vs_mup', 'ntk_lazy']);
  assert.deepEqual(fromCli.find((p) => p.id === 'ntk_lazy').coordcheck.parametrizations, ['ntk', 'mup']);
  const e = engine.presets().find((p) => p.id === 'coordcheck_sp_vs_mup');
  assert.deepEqual(e.coordcheck, c.coordcheck);
  for (const p of engine.presets()) assert.equal(p.coordcheck === null, !fromCli.find((x) => x.id === p.id).coordcheck, p.id);
  const catalog = engineCatalog(engine);
  catalog.pagePresets = pagePresets(catalog);
  const page = catalog.pagePresets.find((p) => p.id === 'coordcheck_sp_vs_mup');
  assert.ok(page.state, `the page can hold it: ${page.unsupported}`);
  assert.deepEqual(page.width, {
    parametrizations: ['sp', 'mup'], widths: [128, 256, 512, 1024], steps: 3, seeds: 6, depth: 3,
    activation: 'relu', optimizer: 'sgd', learningRate: 0.001, seed: 42,
  });
  assert.ok(catalog.pagePresets.every((p) => ['coordcheck_sp_vs_mup', 'ntk_lazy'].includes(p.id) || p.width === null));
  assert.deepEqual(catalog.pagePresets.find((p) => p.id === 'ntk_lazy').width.parametrizations, ['ntk', 'mup']);
  // the bytes: the Width tab's spec from those settings, against the preset on the CLI
  const spec = pageSpec({ ...PAGE_DEFAULTS, ...page.width });
  const r = engine.coordcheck(spec);
  assert.equal(coordcheckCSV(r.plan, r.size, r.change), cli(['coordcheck', '--preset', 'coordcheck_sp_vs_mup', '--format', 'csv', '--quiet']));
  // and the command the tab shows for them is the same check
  assert.equal(cli([...commandArgs(spec), '--format', 'csv', '--quiet']), cli(['coordcheck', '--preset', 'coordcheck_sp_vs_mup', '--format', 'csv', '--quiet']));
});

test('coordcheck: the Width tab\'s defaults are the CLI\'s, but for the widths the page can hold', () => {
  assert.deepEqual(
    { steps: PAGE_DEFAULTS.steps, seeds: PAGE_DEFAULTS.seeds, parametrizations: PAGE_DEFAULTS.parametrizations, depth: PAGE_DEFAULTS.depth },
    { steps: defaults.steps, seeds: defaults.seeds, parametrizations: defaults.parametrizations, depth: defaults.config.hidden.length });
  for (const k of ['activation', 'optimizer', 'learningRate', 'seed']) assert.equal(PAGE_DEFAULTS[k], defaults.config[k], k);
  assert.deepEqual(defaults.widths, [128, 256, 512, 1024, 2048]);
  assert.deepEqual(PAGE_DEFAULTS.widths, [128, 256, 512, 1024]);
  // the CLI's own widths do not fit the page at its depth; the page's do
  assertConfigError(() => engine.coordcheckPlan(pageSpec({ ...PAGE_DEFAULTS, widths: defaults.widths })), 'hidden', 'a network of 8402946 parameters');
  assert.equal(engine.coordcheckPlan(pageSpec(PAGE_DEFAULTS)).tasks.length, 2 * 4 * 3);
});
