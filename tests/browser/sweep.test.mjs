// The sweep view in Chromium (web/js/views/sweep.js): it fills coarse to fine in the worker pool,
// its CSV is the CLI's to the byte (with two workers and with one), hover shows a cell's numbers
// and a click opens it as runs, a sweep can be cancelled and restarted without leaking workers or
// runs, and the mean-field overlay hook (6 xi_c, critical weightVar) draws what it is given.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { serveDist, launch, openPage, load, artifact, ROOT } from './helpers.mjs';

const BIN = process.env.INITSCOPE_BIN ?? join(ROOT, 'build/native/bin/initscope');

// The same tiny sweep as tests/node/sweep.test.mjs: a linear net under MSE on 100 spiral
// points, learningRate x depth, 2 seeds, 40 updates; some cells diverge.
const HASH = '#inits=he_normal&hidden=16x1&samples=100&batchSize=10&activation=linear&loss=mse&seed=7';
const SETTINGS = { xField: 'learningRate', xSpec: '0.05,0.5,10', yField: 'depth', ySpec: '1:4:4', steps: 40, seeds: 2 };
const CLI_ARGS = ['sweep', '--x', 'learningRate=0.05,0.5,10', '--y', 'depth=1:4:4', '--samples', '100',
  '--hidden', '16x1', '--batch-size', '10', '--steps', '40', '--seeds', '2', '--seed', '7',
  '--init', 'he_normal', '--activation', 'linear', '--loss', 'mse', '--format', 'csv'];

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const info = (page) => page.evaluate(() => window.initscope.sweep.info());

async function runSweep(page, settings = SETTINGS) {
  await page.evaluate((s) => {
    window.initscope.sweep.setMode(true);
    window.initscope.sweep.configure(s);
  }, settings);
  await page.click('#b-sweep-start');
  await page.waitForFunction(() => {
    const i = window.initscope.sweep.info();
    return !i.running && i.cells > 0 && i.cellsDone === i.cells;
  }, null, { timeout: 60000 });
}

async function downloadCSV(page) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#b-sweep-csv')]);
  return { name: d.suggestedFilename(), text: await readFile(await d.path(), 'utf8') };
}

// The heatmap's colour at the centre of cell (ix, iy) of an nx x ny grid (y grows upwards).
function cellColor(page, ix, iy, nx, ny) {
  return page.evaluate(([ix, iy, nx, ny]) => {
    const c = document.querySelector('.iv-sweep-canvas');
    const dpr = window.devicePixelRatio || 1;
    const w = c.width / dpr;
    const h = c.height / dpr;
    const pw = w - 58 - 70;   // MARGIN of views/sweep.js
    const ph = h - 10 - 40;
    const x = 58 + (ix + 0.5) * (pw / nx);
    const y = 10 + (ny - 0.5 - iy) * (ph / ny);
    const d = c.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [ix, iy, nx, ny]);
}

test('sweep: fills every cell, coarse first, and its CSV is the CLI\'s to the byte', async () => {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, HASH);
  await page.click('#b-sweep');
  assert.equal(await page.locator('#sweep').isVisible(), true);
  assert.equal(await page.locator('#views').isVisible(), false);
  // Watch the order cells arrive in: the first ones are the coarse grid's corners.
  await page.evaluate(() => {
    window.sweepSeen = [];
    const view = document.getElementById('v-sweep');
    new MutationObserver(() => window.sweepSeen.push(window.initscope.sweep.info().cellsDone))
      .observe(view, { attributes: true, attributeFilter: ['data-done'] });
  });
  await runSweep(page);
  const i = await info(page);
  assert.equal(i.cells, 12);
  assert.equal(i.tasks, 24);
  assert.equal(i.poolSize, 2, 'the full page uses up to hardwareConcurrency workers (2 here)');
  const seen = await page.evaluate(() => window.sweepSeen);
  assert.ok(seen.length >= 12, 'progress was reported cell by cell');
  assert.match(await page.locator('#sweep-status').textContent(), /12 \/ 12 cells/);

  const { name, text } = await downloadCSV(page);
  assert.equal(name, 'initscope-sweep-learningRate-depth-seed7.csv');
  const cli = spawnSync(BIN, CLI_ARGS, { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(text, cli.stdout);

  // The picture: cells have colours, and a cell where every seed diverged is the diverged colour.
  const rows = cli.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
  const allDiverged = [];
  for (let cell = 0; cell < 12; cell++) {
    if (rows[2 * cell][8] !== '' && rows[2 * cell + 1][8] !== '') allDiverged.push(cell);
  }
  assert.ok(allDiverged.length > 0 && allDiverged.length < 12, 'the sweep has diverged and trained cells');
  const diverged = await cellColor(page, allDiverged[0] % 3, Math.floor(allDiverged[0] / 3), 3, 4);
  assert.deepEqual(diverged, [0x5b, 0x1a, 0x1a]);
  const trained = await cellColor(page, 0, 0, 3, 4);   // lr 0.05, depth 1: trains
  assert.notDeepEqual(trained, [0x5b, 0x1a, 0x1a]);
  await page.screenshot({ path: artifact('sweep-view.png') });
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.foreign, []);
  await page.context().close();
});

test('sweep: one worker (an embed beside other parts) gives the same bytes as the pool', async () => {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, `${HASH}&embed=sweep,loss`);
  assert.equal(await page.locator('#sweep').isVisible(), true);
  await runSweep(page);
  assert.equal((await info(page)).poolSize, 1);
  const csv = await page.evaluate(() => window.initscope.sweep.csv());
  const cli = spawnSync(BIN, CLI_ARGS, { encoding: 'utf8' });
  assert.equal(csv, cli.stdout);
  await page.context().close();
});

// tanh calls transcendental functions at every unit; the core computes them itself (pmath.hpp),
// so Chromium's wasm gives the CLI's bytes here too: a small map of the theory preset's kind.
test('sweep: a tanh / mean_field weightVar x depth map is the CLI\'s to the byte', async () => {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, '#inits=mean_field&activation=tanh&biasVar=0.05&weightVar=1.76&hidden=16x2' +
    '&samples=100&batchSize=10&dataset=gaussian_nd&inputDim=16&seed=5');
  await runSweep(page, { xField: 'weightVar', xSpec: '1,1.76,4', yField: 'depth', ySpec: '2:8:3', steps: 40, seeds: 2 });
  assert.equal((await info(page)).cells, 9);
  const csv = await page.evaluate(() => window.initscope.sweep.csv());
  // The command line the view shows under its buttons is the CLI for the same sweep.
  const command = (await page.locator('.sweep-command').textContent()).replace(/^\$ /, '');
  assert.match(command, /^initscope sweep --x weightVar=1,1\.76,4 --y depth=2,5,8 .*--input-dim 16/);
  const cli = spawnSync(BIN, [...command.split(' ').slice(1), '--format', 'csv'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(cli.stdout.trim().split('\n').length, 1 + 9 * 2);
  assert.equal(csv, cli.stdout);
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('sweep: hover shows the cell\'s numbers, a click opens it as runs', async () => {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, HASH);
  await runSweep(page);
  const box = await page.locator('.iv-sweep-canvas').boundingBox();
  const pw = box.width - 58 - 70;
  const ph = box.height - 10 - 40;
  // cell (x 0.5, depth 3): column 1 of 3, row 2 of 4 counted from the bottom
  const x = box.x + 58 + 1.5 * (pw / 3);
  const y = box.y + 10 + (4 - 0.5 - 2) * (ph / 4);
  await page.mouse.move(x, y);
  const tip = page.locator('.iv-sweep-tip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.textContent();
  assert.match(text, /learningRate = 0\.5/);
  assert.match(text, /depth = 3/);
  assert.match(text, /test accuracy|not computed/);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => window.initscope.ready && window.initscope.state.learningRate === 0.5);
  const state = await page.evaluate(() => window.initscope.state);
  assert.deepEqual(state.hidden, [16, 16, 16]);
  assert.equal(state.seed, 7);
  assert.equal(state.inits[0], 'he_normal');
  assert.equal(await page.locator('#views').isVisible(), true, 'back on the charts');
  await page.context().close();
});

test('sweep: cancel and restart leak neither workers nor runs', async () => {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, HASH);
  const long = { ...SETTINGS, xSpec: '0.01:0.1:10', ySpec: '1:4:4', steps: 400, seeds: 1 };
  await page.evaluate((s) => {
    window.initscope.sweep.setMode(true);
    window.initscope.sweep.configure(s);
  }, long);
  const heaps = [];
  for (let round = 0; round < 4; round++) {
    // Cancel from inside the page, in the task that delivers the third result (a
    // MutationObserver on data-done runs before any later worker message): the sweep is still
    // running then (3 of 40 cells) however fast or loaded the machine is. Clicking from here
    // after polling for done >= 3 raced the sweep's end on a loaded machine (the button was
    // disabled again, and page.click waited 30 s for it).
    await page.evaluate(() => {
      const view = document.getElementById('v-sweep');
      window.sweepCancelled = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (Number(view.dataset.done) < 3) return;
          observer.disconnect();
          const button = document.getElementById('b-sweep-cancel');
          const state = { enabled: !button.disabled, running: window.initscope.sweep.info().running };
          button.click();
          resolve(state);
        });
        observer.observe(view, { attributes: true, attributeFilter: ['data-done'] });
      });
    });
    await page.click('#b-sweep-start');
    const before = await page.evaluate(() => window.sweepCancelled);
    assert.deepEqual(before, { enabled: true, running: true }, `round ${round}: cancelled while running`);
    const i = await info(page);
    assert.equal(i.running, false);
    assert.ok(i.done < i.tasks, 'cancelled before the end');
    assert.equal(await page.locator('#v-sweep').getAttribute('data-state'), 'cancelled');
    // Every worker ends its abandoned cell and frees the run.
    await page.waitForFunction(async () => {
      const m = await window.initscope.sweep.memory();
      return m.every((w) => w.liveRuns === 0);
    }, null, { timeout: 30000, polling: 200 });
    const memory = await page.evaluate(() => window.initscope.sweep.memory());
    heaps.push(memory.map((m) => m.heapBytes));
    assert.equal((await info(page)).workers, 2, `round ${round}: still the pool's two workers`);
  }
  // Linear memory only grows; after the first round it must not keep growing.
  assert.deepEqual(heaps[3], heaps[1], `heap bytes per worker by round: ${JSON.stringify(heaps)}`);
  // And a restarted sweep still finishes.
  await runSweep(page, { ...SETTINGS });
  assert.equal((await info(page)).workers, 2);
  await page.context().close();
});

// weightVar x depth over mean_field. The overlay is asked for when the sweep starts; the cells
// need an engine that takes weightVar (the lead's engine fields), so they are awaited only then.
async function startOverlaySweep(page, engineHasTheory) {
  const settings = { xField: 'weightVar', xSpec: '1:4:4', yField: 'depth', ySpec: '5:30:6', steps: 5, seeds: 1 };
  if (engineHasTheory) return runSweep(page, settings);
  await page.evaluate((s) => {
    window.initscope.sweep.setMode(true);
    window.initscope.sweep.configure(s);
  }, settings);
  await page.evaluate(() => document.getElementById('v-sweep').removeAttribute('data-overlay'));
  await page.click('#b-sweep-start');
  await page.waitForFunction(() => document.getElementById('v-sweep').hasAttribute('data-overlay'));
  await page.waitForFunction(() => !window.initscope.sweep.info().running);   // refused or done
  await page.evaluate(() => new Promise(requestAnimationFrame));
}

test('sweep: the theory overlay is drawn for weightVar x depth with mean_field', async () => {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, '#inits=mean_field&activation=tanh&hidden=16x2&samples=100&batchSize=10');
  const query = { activation: 'tanh', leakySlope: 0.01, biasVar: 0.05, weightVars: [1, 1.76, 2.5, 4] };
  const engine = await page.evaluate((q) => window.initscope.sweep.engineTheory(q), query);
  if (engine !== null) {
    // The engine's theory module (Schoenholz et al. 2017, Fig. 1: tanh ~1.76 at sigma_b^2 0.05).
    assert.ok(Math.abs(engine.critical - 1.76) < 0.02, `critical weightVar ${engine.critical}`);
    assert.equal(engine.xiC.length, 4);
  }
  // The hook draws whatever the source says: a fake one makes the test independent of it.
  await page.evaluate(() => window.initscope.sweep.setTheorySource(async (q) => ({
    critical: 2.5, weightVars: q.weightVars, xiC: q.weightVars.map(() => 3),
  })));
  await startOverlaySweep(page, engine !== null);
  assert.equal(await page.locator('#v-sweep').getAttribute('data-overlay'), 'shown');
  // 6 xi_c = 18 is between depth 15 (row 2) and 20 (row 3); the critical line at weightVar 2.5
  // is half-way between columns 1 and 2: both are drawn in the overlay colour.
  await page.screenshot({ path: artifact('sweep-overlay.png') });
  const red = await page.evaluate(() => {
    const c = document.querySelector('.iv-sweep-canvas');
    const dpr = window.devicePixelRatio || 1;
    const pw = c.width / dpr - 128;
    const ph = c.height / dpr - 50;
    const ctx = c.getContext('2d');
    // any overlay-coloured pixel in a small box around (x, y)
    const near = (x, y, dx, dy) => {
      const d = ctx.getImageData(Math.round((x - dx) * dpr), Math.round((y - dy) * dpr), Math.round(2 * dx * dpr) + 1, Math.round(2 * dy * dpr) + 1).data;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 120 && d[i + 2] > 60 && d[i + 2] < 160) return true;
      return false;
    };
    const xCrit = 58 + 2 * (pw / 4);
    const yXi = 10 + ph - (2 + 0.5 + 0.6) * (ph / 6);
    return {
      critical: near(xCrit, 10 + ph * 0.6, 2, 12),        // the dashed vertical line
      sixXi: near(58 + pw * 0.3, yXi, 2, 3),               // the flat 6 xi_c = 18 curve
      notElsewhere: !near(58 + pw * 0.3, 10 + ph * 0.2, 2, 3),
    };
  });
  assert.deepEqual(red, { critical: true, sixXi: true, notElsewhere: true });
  // Without a theory: no overlay.
  await page.evaluate(() => window.initscope.sweep.setTheorySource(async () => null));
  await startOverlaySweep(page, engine !== null);
  assert.equal(await page.locator('#v-sweep').getAttribute('data-overlay'), 'none');
  await page.context().close();
});
