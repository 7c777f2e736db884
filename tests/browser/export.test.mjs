// The page's downloads in Chromium: Download -> JSON / CSV saves every logged record of every run
// in the CLI's formats (tests/node/export.test.mjs checks those against the CLI itself), with the
// numbers the page shows; the menu works from the keyboard; each chart's PNG button saves a PNG.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, serveDist, launch, openPage, load, waitStep } from './helpers.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await serveDist();
  browser = await launch();
  page = await openPage(browser, server.origin);
  await load(page, server.url);
  await page.click('#b-play');
  await waitStep(page, 30);
  await page.click('#b-play');   // pause: the records stop changing
  await page.waitForFunction(() => !window.initscope.playing);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// Clicks `selector` (opening the Download menu first when it is in there) and returns the
// download's suggested name and bytes.
async function download(selector) {
  if (await page.locator('#download-menu').evaluate((m, sel) => !!m.querySelector(sel), selector)) {
    await page.click('#download-menu summary');
  }
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
}

test('Download -> JSON: every run, step 0 first, the numbers the page shows', async () => {
  const state = await page.evaluate(() => window.initscope.state);
  const step = await page.evaluate(() => Number(document.body.dataset.step));
  const { name, bytes } = await download('#b-download-json');
  assert.equal(name, `initscope-${state.seed}-step${step}.json`);
  const doc = JSON.parse(bytes.toString('utf8'));

  assert.deepEqual(doc.config.init, state.inits);
  assert.equal(doc.config.seed, state.seed);
  assert.deepEqual(doc.config.hidden, state.hidden);
  assert.equal(doc.config.dataset, state.dataset);
  assert.equal(doc.config.inputDim, 2);   // resolved, as the CLI writes it
  assert.equal(doc.config.steps, step);
  assert.equal(doc.runs.length, state.inits.length);
  for (let i = 0; i < doc.runs.length; i++) {
    const run = doc.runs[i];
    const shown = await page.evaluate((k) => window.initscope.records(k), i);
    assert.equal(run.init, state.inits[i]);
    assert.equal(run.records.length, shown.length, `${run.init}: every logged record`);
    assert.equal(run.records[0].step, 0, `${run.init}: step 0 first`);
    assert.ok(run.records.every((r, k) => k === 0 || r.step > run.records[k - 1].step), 'steps ascend');
    assert.equal(run.records.at(-1).step, step);
    const s0 = run.records[0].layerStats;
    assert.deepEqual(s0.preVar, Array.from(shown[0].layerStats.preVar), `${run.init}: step-0 preVar`);
    assert.deepEqual(s0.gradVar, Array.from(shown[0].layerStats.gradVar), `${run.init}: step-0 gradVar`);
    assert.equal(s0.preVar.length, state.hidden.length + 1);
    assert.equal(s0.histogram.counts.length, state.hidden.length + 1);
    assert.equal(run.records.at(-1).trainLoss, shown.at(-1).trainLoss);
  }
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
});

test('Download -> CSV: the CLI header, one row per run, record and layer', async () => {
  const { name, bytes } = await download('#b-download-csv');
  assert.match(name, /^initscope-\d+-step\d+\.csv$/);
  const lines = bytes.toString('utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'init,step,trainLoss,testLoss,trainAccuracy,testAccuracy,layer,preMean,preVar,' +
    'postMean,postVar,deadFraction,gradVar,weightGradVar,weightVar,theoryVar,corr,theoryCorr,' +
    'theoryGradVar,symmetric,run');
  const state = await page.evaluate(() => window.initscope.state);
  let rows = 0;
  for (let i = 0; i < state.inits.length; i++) {
    rows += (await page.evaluate((k) => window.initscope.records(k).length, i)) * (state.hidden.length + 1);
  }
  assert.equal(lines.length - 1, rows);
  const first = lines[1].split(',');
  assert.equal(first[0], state.inits[0]);
  assert.equal(first[1], '0');
  assert.equal(first.at(-1), '0', 'the run index');
  assert.equal(lines.at(-1).split(',').at(-1), String(state.inits.length - 1));
  assert.equal(first.length, lines[0].split(',').length);  // every header column filled in
});

test('the Download menu works from the keyboard and closes on Escape', async () => {
  await page.focus('#download-menu summary');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.getElementById('download-menu').open), true);
  assert.ok(await page.isVisible('#b-download-json'));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'b-download-json');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.getElementById('download-menu').open), false);
  assert.equal(await page.evaluate(() => document.activeElement.matches('#download-menu summary')), true);
  assert.ok(await page.getAttribute('#download-menu summary', 'title'));
});

test('each chart panel has a PNG button that saves a PNG', async () => {
  const parts = await page.$$eval('#views .panel[data-part]', (ps) => ps.map((p) => p.dataset.part));
  assert.deepEqual(parts, ['loss', 'variance', 'gradient', 'histograms', 'boundary']);
  for (const part of ['variance', 'boundary']) {
    const { name, bytes } = await download(`.panel[data-part="${part}"] .png`);
    assert.match(name, new RegExp(`^initscope-\\d+-step\\d+-${part}\\.png$`));
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    const panel = await page.locator(`.panel[data-part="${part}"]`).boundingBox();
    assert.ok(width >= panel.width - 20 && height > 100, `${part}: ${width}x${height}`);
  }
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
});

// Runs that differ in more than the initializer (pre_vs_post_ln: He twice, normPosition per run):
// the download's config lists the per-run field as `initscope run --preset` does, and its step-0
// numbers are the CLI's, run by run.
test('Download -> JSON of a per-run preset: normPosition per run and the CLI\'s step-0 numbers', async () => {
  const other = await openPage(browser, server.origin);
  await load(other, server.url, '#preset=pre_vs_post_ln');
  const legend = await other.textContent('.panel[data-part="variance"]');
  assert.match(legend, /He normal, pre-norm/);
  assert.match(legend, /He normal, post-norm/);
  // A residual net's second, dotted line: each branch's output (variance), its weights' gradient.
  assert.match(legend, /branch output/);
  assert.match(await other.textContent('.panel[data-part="gradient"]'), /branch weights’ gradient/);
  assert.doesNotMatch(await page.textContent('.panel[data-part="variance"]'), /branch output/, 'a plain net has none');
  await other.click('#download-menu summary');
  const [d] = await Promise.all([other.waitForEvent('download'), other.click('#b-download-json')]);
  const doc = JSON.parse(await readFile(await d.path(), 'utf8'));
  const bin = join(ROOT, 'build', 'native', 'bin', 'initscope');
  const r = spawnSync(bin, ['run', '--preset', 'pre_vs_post_ln', '--steps', '0', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const want = JSON.parse(r.stdout);
  assert.deepEqual(doc.config.init, ['he_normal', 'he_normal']);
  assert.deepEqual(doc.config.normPosition, ['pre', 'post']);
  for (const f of ['norm', 'residualScale', 'residualGate', 'parametrization']) {
    assert.deepEqual(doc.config[f], want.config[f], f);
  }
  for (let i = 0; i < 2; i++) {
    const got = doc.runs[i].records[0].layerStats;
    const cli = want.runs[i].records[0].layerStats;
    for (const f of ['preVar', 'gradVar', 'weightGradVar']) assert.deepEqual(got[f], cli[f], `run ${i} ${f}`);
  }
  // The control shows the list; one position for both runs would make them the same run:
  // refused at the control, naming the rule, and nothing changes.
  assert.equal(await other.$eval('#c-normPosition', (el) => el.selectedOptions[0]?.text), 'per run: pre, post');
  const before = await other.evaluate(() => window.initscope.state);
  await other.click('text=Residual, norms, width');   // the details that hold the depth controls
  await other.selectOption('#c-normPosition', 'pre');
  assert.match(await other.textContent('#e-normPosition'), /runs that differ/);
  assert.deepEqual(await other.evaluate(() => window.initscope.state), before);
  assert.deepEqual(other.problems.pageErrors, []);
  assert.deepEqual(other.problems.console, []);
  await other.close();
});

// The Depth-today presets' claims are tested natively over seeds 42-46 (test_presets.cpp); the
// page opens them at seed 42, and its step-0 numbers are the CLI's to the bit, so the claims
// hold in Chromium as they do natively.
test('the Depth-today presets: the page\'s step-0 statistics are the CLI\'s, run by run', async () => {
  const bin = join(ROOT, 'build', 'native', 'bin', 'initscope');
  const other = await openPage(browser, server.origin);
  for (const id of ['residual_scaling', 'residual_gain', 'residual_sqrt_depth', 'fixup', 'pre_vs_post_ln', 'batchnorm_explosion']) {
    await load(other, server.url, `#preset=${id}`);
    const r = spawnSync(bin, ['run', '--preset', id, '--steps', '0', '--format', 'json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const want = JSON.parse(r.stdout).runs;
    const got = await other.evaluate(() => window.initscope.state.inits.map((_, k) => {
      const s = window.initscope.records(k)[0].layerStats;
      return { preVar: Array.from(s.preVar), preMean: Array.from(s.preMean), gradVar: Array.from(s.gradVar) };
    }));
    assert.equal(got.length, want.length, id);
    got.forEach((g, k) => {
      for (const f of ['preVar', 'preMean', 'gradVar']) assert.deepEqual(g[f], want[k].records[0].layerStats[f], `${id} run ${k} ${f}`);
    });
  }
  assert.deepEqual(other.problems.pageErrors, []);
  await other.close();
});
