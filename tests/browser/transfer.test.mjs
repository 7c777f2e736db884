// transfer.test.mjs: the mup_transfer preset (issue 18 item 4) and depth_transfer (issue 19) in
// Chromium. The link opens the
// Sweep view on the preset's axes (learningRate x width, split by parametrization) and on its
// curves display; the page's sweep of it gives `initscope sweep --preset mup_transfer`'s bytes.
//
// Reduced grid, with the reason: the whole preset is 252 runs of up to 256-wide nets on 5400
// Fashion-MNIST images, 300 updates each, several minutes in CI's two workers
// (`npm run bench` times it; tests/native/test_presets.cpp checks its claim natively). Here the
// same path (the preset's base, axes and split; the pool; the export) runs with --steps 4 and
// --seeds 1: 42 runs, the same cells, the same numbering, the same file format.
// Screenshots of the curves (light, dark, 390 px) go to test-artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { serveDist, launch, openPage, load, artifact, ROOT } from './helpers.mjs';

const BIN = process.env.INITSCOPE_BIN ?? join(ROOT, 'build/native/bin/initscope');
const STEPS = 4;

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

async function openPreset(theme, size, id = 'mup_transfer') {
  const page = await openPage(browser, server.origin, size);
  await load(page, server.url, `#preset=${id}&theme=${theme}`);
  await page.waitForFunction(() => document.body.classList.contains('sweep-mode'), null, { timeout: 30000 });
  return page;
}

async function runReduced(page) {
  await page.fill('#sweep-steps', String(STEPS));
  await page.fill('#sweep-seeds', '1');
  await page.click('#b-sweep-start');
  await page.waitForFunction(() => {
    const i = window.initscope.sweep.info();
    return !i.running && i.cells > 0 && i.cellsDone === i.cells;
  }, null, { timeout: 240000 });
}

// The page's JSON download of the reduced sweep, checked against `initscope sweep --preset id`
// with the same reduction; returns the text.
async function sameFileAsCli(page, id) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#b-sweep-json')]);
  const text = await readFile(await d.path(), 'utf8');
  const cli = spawnSync(BIN, ['sweep', '--preset', id, '--steps', String(STEPS), '--seeds', '1', '--format', 'json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(text, cli.stdout, `${id}: the page's file is the CLI's`);
  return text;
}

test('mup_transfer: the link opens its split sweep on the curves; its file is the CLI\'s to the byte', async () => {
  const page = await openPreset('light', { width: 1280, height: 800 });
  const preview = (await page.evaluate(() => window.initscope.sweep.info())).preview;
  assert.deepEqual(preview.axes.map((a) => a.field), ['learningRate', 'width', 'parametrization']);
  assert.deepEqual(preview.axes[2].labels, ['sp', 'mup']);
  assert.equal(preview.cells, 7 * 3 * 2);
  assert.equal(await page.locator('#v-sweep').getAttribute('data-display'), 'curves');
  await runReduced(page);
  const info = await page.evaluate(() => window.initscope.sweep.info());
  assert.equal(info.tasks, 42);
  const text = await sameFileAsCli(page, 'mup_transfer');
  const doc = JSON.parse(text);
  assert.equal(doc.cells.at(-1).z, 'mup');
  // The curves are drawn: the canvas has ink in both panels' halves.
  const ink = await page.evaluate(() => {
    const c = document.querySelector('.iv-sweep-canvas');
    const g = c.getContext('2d');
    const half = (x0) => {
      const d = g.getImageData(x0, 0, Math.floor(c.width / 2), c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    };
    return [half(0), half(Math.floor(c.width / 2))];
  });
  assert.ok(ink[0] > 500 && ink[1] > 500, `ink in both panels: ${ink}`);
  await page.locator('#v-sweep').screenshot({ path: artifact('transfer-curves-light.png') });
  // A phone: the same sweep at 390 px (the panels stay side by side down to 120 px each).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500);   // the view redraws on resize in a task of its own
  await page.locator('#v-sweep').screenshot({ path: artifact('transfer-curves-390.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  // The toggle: the heatmap (the split's first panel), and back.
  const shows = (d) => page.waitForFunction((d) => document.getElementById('v-sweep').dataset.display === d, d);
  await page.click('.iv-sweep-display');
  await shows('heatmap');
  await page.click('.iv-sweep-display');
  await shows('curves');
  await page.close();
});

for (const [theme, size, name] of [['dark', { width: 1280, height: 800 }, 'transfer-curves-dark.png']]) {
  test(`mup_transfer: curves screenshot, ${theme} at ${size.width} px`, async () => {
    const page = await openPreset(theme, size);
    await runReduced(page);
    assert.equal(await page.locator('#v-sweep').getAttribute('data-display'), 'curves');
    await page.locator('#v-sweep').screenshot({ path: artifact(name) });
    await page.close();
  });
}

// depth_transfer: the same path with depth on y and a split on a number field's words
// (residualScale=one,inv_sqrt_depth); its file is the CLI's (its claim: test_presets.cpp).
test('depth_transfer: the link opens its split over alpha on the curves; its file is the CLI\'s to the byte', async () => {
  const page = await openPreset('light', { width: 1280, height: 800 }, 'depth_transfer');
  const preview = (await page.evaluate(() => window.initscope.sweep.info())).preview;
  assert.deepEqual(preview.axes.map((a) => a.field), ['learningRate', 'depth', 'residualScale']);
  assert.deepEqual(preview.axes[2].labels, ['one', 'inv_sqrt_depth']);
  assert.equal(await page.locator('#v-sweep').getAttribute('data-display'), 'curves');
  await runReduced(page);
  await sameFileAsCli(page, 'depth_transfer');
  assert.match(await page.textContent('#v-sweep'), /α = 1\/√B/);
  // The curves' tooltip: down the first rate's column of the left panel (x = the plot's left
  // edge) the pointer meets a point, and the tip names its cell.
  const box = await page.locator('.iv-sweep-canvas').boundingBox();
  let tip = '';
  for (let y = box.y + 20; y < box.y + box.height - 60 && !tip; y += 3) {
    await page.mouse.move(box.x + 48, y);
    if (await page.isVisible('.iv-sweep-tip')) tip = await page.textContent('.iv-sweep-tip');
  }
  assert.match(tip, /learningRate = 0\.001953125\ndepth = \d+\nresidualScale = one/);
  await page.locator('#v-sweep').screenshot({ path: artifact('depth-transfer-curves-light.png') });
  await page.close();
});
