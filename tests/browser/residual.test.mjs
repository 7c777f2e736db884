// tests/browser/residual.test.mjs: a 200-block residual net (issue 19) trains in the page without
// freezing it, its charts name the stream's points, and the depth controls reach the hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useSite, openPage, load, waitStep } from './helpers.mjs';

const site = useSite();

test('200 residual blocks train in the page while it stays responsive', async () => {
  const page = await openPage(site.browser, site.server.origin);
  // Width 32 and a 128-row probe: 200 blocks fit the page's activation budget (README Limits).
  await load(page, site.server.url, '#architecture=residual&hidden=32x200&residualScale=inv_sqrt_depth&probeSize=128&inits=he_normal,fixup&speed=10');
  await page.click('#b-play');
  // The main thread must answer while the workers train: the slowest of 20 round trips, 100 ms
  // apart, stays under 1 s (a frozen page misses every one of them).
  let worst = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    await page.evaluate(() => 1);
    worst = Math.max(worst, Date.now() - t0);
    await page.waitForTimeout(100);
  }
  await waitStep(page, 20, 120000);
  await page.click('#b-play');
  assert.ok(worst < 1000, `the page froze for ${worst} ms`);
  const runs = await page.evaluate(() => window.initscope.runs().map((r) => ({ init: r.init, diverged: r.diverged, points: r.latest?.layerStats?.preVar?.length })));
  for (const r of runs) {
    assert.equal(r.diverged, null, `${r.init} diverged`);
    assert.equal(r.points, 202, 'stem, 200 blocks, logits');
  }
  const ticks = await page.textContent('#views');
  assert.match(ticks, /stem/, 'the variance chart names the stem');
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('the depth controls set the hash, and a bad branch scale names the field', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, '#hidden=16x4');
  await page.click('#d-depth summary');
  await page.selectOption('#c-architecture', 'residual');
  await page.selectOption('#c-norm', 'layer');
  await page.waitForFunction(() => /architecture=residual/.test(location.hash) && /norm=layer/.test(location.hash));
  await page.fill('#c-residualScale', 'huge');
  await page.press('#c-residualScale', 'Enter');
  await page.waitForFunction(() => document.getElementById('e-residualScale').textContent.length > 0);
  const err = await page.textContent('#e-residualScale');
  assert.match(err, /residualScale/);
  assert.match(err, /inv_sqrt_depth/);
  await page.context().close();
});
