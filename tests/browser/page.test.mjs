// The playground page in Chromium: it loads cleanly from a subpath, trains in the worker, every
// chart draws, the numbers it shows are the engine's, reset returns to the same weights, and
// the keyboard works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../web/js/engine/engine.js';
import { serveDist, launch, openPage, load, waitReady, waitStep, sleep } from './helpers.mjs';

let server;
let browser;
let page;
let engine;

before(async () => {
  // A subpath, as on a project page of a static host: every URL in the site must be relative.
  server = await serveDist('/some/sub/path/');
  browser = await launch();
  engine = await loadEngine();
  page = await openPage(browser, server.origin);
  await load(page, server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// Pixels of `color` ('#rrggbb') in every canvas under `selector`, read in the page.
function colorPixels(selector, color) {
  return page.evaluate(([sel, hex]) => {
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let n = 0;
    for (const c of document.querySelectorAll(`${sel} canvas`)) {
      if (!c.width || !c.height) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 200 && Math.abs(d[i] - want[0]) < 24 && Math.abs(d[i + 1] - want[1]) < 24 && Math.abs(d[i + 2] - want[2]) < 24) n++;
      }
    }
    return n;
  }, [selector, color]);
}

test('loads from a subpath with no console errors and no request off the origin', async () => {
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.foreign, []);
  const state = await page.evaluate(() => window.initscope.state);
  assert.deepEqual(state.inits, ['he_normal', 'xavier_normal', 'zeros']);
  assert.match(await page.evaluate(() => location.hash), /inits=he_normal,xavier_normal,zeros/);
});

test('step-0 statistics on the page are exactly what the engine computes in Node', async () => {
  const configs = await page.evaluate(() => window.initscope.configs);
  assert.equal(configs.length, 3);
  for (let i = 0; i < configs.length; i++) {
    const shown = await page.evaluate((k) => window.initscope.records(k)[0], i);
    assert.equal(shown.step, 0);
    const run = engine.createRun(configs[i]);
    const stats = run.layerStats();
    const ev = run.evaluate();
    run.dispose();
    assert.deepEqual(Array.from(shown.layerStats.preVar), Array.from(stats.preVar), `${configs[i].init} preVar`);
    assert.deepEqual(Array.from(shown.layerStats.gradVar), Array.from(stats.gradVar), `${configs[i].init} gradVar`);
    assert.equal(shown.trainLoss, ev.trainLoss);
  }
});

test('play trains every run in the worker, every chart draws, and the numbers match the engine', async () => {
  const counter = () => page.textContent('#step-counter');
  assert.equal(await counter(), 'step 0');
  await page.click('#b-play');
  await waitStep(page, 60);
  await page.click('#b-play');   // pause
  await page.waitForFunction(() => !window.initscope.playing);
  assert.match(await counter(), /^step [1-9][\d,]*$/);

  const runs = await page.evaluate(() => window.initscope.runs());
  const colors = runs.map((r) => r.color);
  for (const r of runs) {
    assert.ok(r.records >= 3, `${r.init}: ${r.records} records`);
    assert.equal(r.diverged, null);
    assert.ok(r.hasGrid, `${r.init} has a decision-boundary grid`);
  }
  // Every chart has drawn its series: the runs' colours are on the canvases (in the loss chart
  // Xavier's line can hide under zero init's, both near ln 2).
  assert.ok(await colorPixels('[data-part="loss"]', colors[0]) > 20, 'loss shows He');
  for (const part of ['variance', 'gradient']) {
    for (const color of colors.slice(0, 2)) {
      assert.ok(await colorPixels(`[data-part="${part}"]`, color) > 20, `${part} shows ${color}`);
    }
  }
  assert.ok(await colorPixels('[data-part="histograms"]', colors[0]) > 20, 'histograms show the first run');
  // The boundary tiles are painted (class colours of the points and the heat map).
  assert.ok(await colorPixels('[data-part="boundary"]', '#0077BB') > 50, 'boundary shows class 1');
  assert.ok((await page.textContent('#badges')).length > 10, 'badges list the runs');

  // The latest record equals the engine trained for the same number of steps in Node.
  const configs = await page.evaluate(() => window.initscope.configs);
  for (let i = 0; i < 2; i++) {
    const latest = runs[i].latest;
    const run = engine.createRun(configs[i]);
    run.step(latest.step);
    const ev = run.evaluate();
    const stats = run.layerStats();
    run.dispose();
    assert.equal(ev.step, latest.step);
    assert.equal(latest.trainLoss, ev.trainLoss, `${configs[i].init} train loss at step ${latest.step}`);
    assert.equal(latest.testAccuracy, ev.testAccuracy);
    assert.deepEqual(Array.from(latest.layerStats.preVar), Array.from(stats.preVar));
  }
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
});

test('the scrubber takes every chart back to step 0 and forward again', async () => {
  const records = await page.evaluate(() => window.initscope.runs()[0].records);
  assert.ok(records > 2);
  await page.locator('#c-scrub').fill('0');
  await page.waitForFunction(() => window.initscope.cursor === 0);
  await page.waitForFunction(() => document.querySelector('#step-counter').textContent === 'step 0');
  assert.match(await page.textContent('[data-part="variance"]'), /step 0 \(scrubbed\)/);
  await page.locator('#c-scrub').fill(String(records - 1));
  await page.waitForFunction(() => window.initscope.cursor === -1);
  // The next frame draws the latest record again.
  await page.waitForFunction(() => !/scrubbed/.test(document.querySelector('[data-part="variance"]').textContent));
});

test('reset restores exactly the same initial weights; new seed does not', async () => {
  const first = await page.evaluate(() => window.initscope.records(0)[0]);
  const gen = await page.evaluate(() => window.initscope.gen);
  await page.click('#b-reset');
  await page.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, gen);
  const again = await page.evaluate(() => window.initscope.records(0));
  assert.equal(again.length, 1);
  assert.deepEqual(again[0], first);
  await page.waitForFunction(() => document.getElementById('step-counter').textContent === 'step 0');

  const seed = await page.evaluate(() => window.initscope.state.seed);
  await page.click('#b-newseed');
  await page.waitForFunction((s) => window.initscope.ready && window.initscope.state.seed !== s, seed);
  const other = await page.evaluate(() => window.initscope.records(0)[0]);
  assert.notDeepEqual(Array.from(other.layerStats.preVar), Array.from(first.layerStats.preVar));
  assert.match(await page.evaluate(() => location.hash), new RegExp(`seed=${await page.evaluate(() => window.initscope.state.seed)}(&|$)`));
});

test('keyboard: space plays and pauses, s steps, r resets; focus is visible', async () => {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('s');
  const speed = await page.evaluate(() => window.initscope.state.speed);
  await waitStep(page, speed);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.initscope.playing);
  await sleep(300);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !window.initscope.playing);
  assert.ok(Number(await page.evaluate(() => document.body.dataset.step)) > speed);
  const gen = await page.evaluate(() => window.initscope.gen);
  await page.keyboard.press('r');
  await page.waitForFunction((g) => window.initscope.gen > g, gen);
  await waitReady(page);
  await page.waitForFunction(() => document.body.dataset.step === '0');

  // Typing in a field is not a shortcut.
  await page.click('#c-seed');
  await page.keyboard.press('s');
  assert.equal(await page.evaluate(() => window.initscope.playing), false);
  assert.equal(await page.evaluate(() => document.body.dataset.step), '0');
  // Keyboard focus draws an outline.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  assert.deepEqual(page.problems.pageErrors, []);
});

// The gradient badge compares layer 1 with the last hidden layer, the depth effect mean-field
// theory predicts: per layer Var[delta] is multiplied by chi_1 (0.66 for tanh at sigma_w^2 = 1,
// sigma_b^2 = 0.05: x1e-3 over 20 layers; 1 at the critical 1.76). It once compared with the
// output layer, whose 2 units add a width factor of ~1/20 and made the critical run read
// "gradients vanish". The engine's own layerStats decide which run must carry the badge.
test('badges: gradients vanish through an ordered tanh stack, not at the critical sigma_w^2', async () => {
  const hash = '#inits=mean_field,mean_field&activation=tanh&weightVar=1,1.76&biasVar=0.05&hidden=64x20&dataset=gaussian_nd';
  const p = await openPage(browser, server.origin);
  await load(p, server.url, hash);
  await p.waitForFunction(() => document.querySelectorAll('#badges .iv-badge-run').length === 2);
  const rows = await p.$$eval('#badges .iv-badge-run', (els) => els.map((e) => e.textContent));
  const ratios = [1, 1.76].map((weightVar) => {
    const run = engine.createRun({ dataset: 'gaussian_nd', hidden: Array(20).fill(64), activation: 'tanh',
      init: 'mean_field', weightVar, biasVar: 0.05, learningRate: 0.05 });
    const g = run.layerStats().gradVar;
    run.dispose();
    return g[0] / g[19];
  });
  assert.ok(ratios[0] < 0.01 && ratios[1] > 0.01, `engine: layer 1 / layer 20 gradient variance ${ratios}`);
  assert.match(rows[0], /gradients vanish: Var ×[\d.e⁻⁰¹²³⁴⁵⁶⁷⁸⁹-]+ from layer 20 to 1/);
  assert.doesNotMatch(rows[1], /gradients vanish/);
  assert.deepEqual(p.problems.pageErrors, []);
  await p.context().close();
});
