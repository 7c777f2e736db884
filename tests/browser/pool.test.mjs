// tests/browser/pool.test.mjs: the page's runs spread over a pool of workers (run-pool.js).
// The pool must be invisible in the numbers: the same runs give bitwise the same records whether
// one worker trains them all or each has its own, and pause, step, reset and divergence behave
// as with one worker (every run at the same step). `workers=N` in the hash sets the pool size,
// so four shards are tested even on a two-core machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useSite, openPage, load, waitStep, sleep } from './helpers.mjs';

const site = useSite();

const RUNS = '#inits=he_normal,xavier_normal,lecun_normal,orthogonal&hidden=32x4&dataset=spiral&speed=5';

const records = (page) => page.evaluate(() => window.initscope.runs().map((_, i) => window.initscope.records(i)));
const steps = (page) => page.evaluate(() => window.initscope.runs().map((r) => r.latest.step));
const pool = (page) => page.evaluate(() => window.initscope.pool);

async function playUntil(page, step) {
  await page.click('#b-play');
  await waitStep(page, step);
  await page.click('#b-play');
  await page.waitForFunction(() => !window.initscope.playing);
}

// Every record of every run at the steps both pages logged (the pause lands at a different step
// in each, and a page logs the steps it drew, which depend on timing).
function common(a, b) {
  const out = [];
  a.forEach((recs, run) => {
    const other = new Map(b[run].map((r) => [r.step, r]));
    for (const r of recs) if (other.has(r.step)) out.push([run, r, other.get(r.step)]);
  });
  return out;
}

test('four workers give bitwise the records one worker gives, in lockstep', async () => {
  const one = await openPage(site.browser, site.server.origin);
  await load(one, site.server.url, `${RUNS}&workers=1`);
  const four = await openPage(site.browser, site.server.origin);
  await load(four, site.server.url, `${RUNS}&workers=4`);
  assert.deepEqual(await pool(one).then((p) => [p.shards, p.active]), [1, 1]);
  assert.deepEqual(await pool(four).then((p) => [p.shards, p.active]), [4, 4]);
  assert.equal(await four.evaluate(() => window.initscope.state.workers), 4);
  assert.match(four.url(), /workers=4/);

  await playUntil(one, 300);
  await playUntil(four, 300);
  for (const page of [one, four]) {
    const s = await steps(page);
    assert.ok(s.every((x) => x === s[0]), `paused in lockstep: ${s}`);
    // The pause has landed: nothing moves after `playing` went false.
    await sleep(300);
    assert.deepEqual(await steps(page), s, 'no step after the pause');
  }
  const a = await records(one);
  const b = await records(four);
  const pairs = common(a, b);
  // Ticks are 5 steps: both pages logged at least step 0 and every 5th step they drew up to 300.
  assert.ok(pairs.length >= 4 * 20, `${pairs.length} common records`);
  for (const [run, x, y] of pairs) assert.deepEqual(y, x, `run ${run} at step ${x.step}`);
  // Layer statistics are part of the comparison, not left out as null.
  assert.ok(pairs.some(([, x]) => x.layerStats?.preVar?.length === 5 && x.step > 0));
  for (const page of [one, four]) {
    assert.deepEqual(page.problems.pageErrors, []);
    assert.deepEqual(page.problems.console, []);
    await page.context().close();
  }
});

test('with two workers: step moves every run by one tick, reset returns to the same step 0', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, '#inits=he_normal,xavier_normal,zeros&hidden=16x3&speed=20&workers=2');
  assert.equal((await pool(page)).active, 2);
  const first = await records(page);
  await page.click('#b-step');
  await waitStep(page, 20);
  assert.deepEqual(await steps(page), [20, 20, 20]);
  await page.keyboard.press('s');
  await waitStep(page, 40);
  assert.deepEqual(await steps(page), [40, 40, 40]);
  const g = await page.evaluate(() => window.initscope.gen);
  await page.keyboard.press('r');
  await page.waitForFunction((x) => window.initscope.gen > x && window.initscope.ready, g);
  const again = await records(page);
  assert.deepEqual(again.map((r) => r[0]), first.map((r) => r[0]), 'reset gives the same step-0 records');
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('a run diverging in one worker stops there; the runs in the other worker train on', async () => {
  const page = await openPage(site.browser, site.server.origin);
  // The configuration of edges.test.mjs (He diverges within a few steps), with He alone in
  // shard 0 beside xavier_normal (run i is in shard i mod 2).
  await load(page, site.server.url, '#inits=he_normal,xavier_normal,zeros&loss=mse&learningRate=1.5&optimizer=sgd&hidden=64x3&speed=10&workers=2');
  await playUntil(page, 200);
  const runs = await page.evaluate(() => window.initscope.runs().map((r) => ({ diverged: r.diverged, step: r.latest.step })));
  assert.notEqual(runs[0].diverged, null, 'He diverged');
  assert.ok(runs[0].step <= runs[0].diverged);
  assert.deepEqual(runs.slice(1).map((r) => r.diverged), [null, null]);
  assert.equal(runs[1].step, runs[2].step, 'the live runs are in lockstep');
  assert.ok(runs[1].step >= 200);
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('an embed in a small frame uses one worker; a bad workers value gets a notice naming it', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await page.setContent(`<!doctype html><iframe id="f" width="420" height="320"
    src="${site.server.url}#embed=loss&inits=he_normal,xavier_normal,zeros&hidden=8x2"></iframe>`);
  const frame = await (await page.$('#f')).contentFrame();
  await frame.waitForFunction(() => window.initscope && window.initscope.ready, null, { timeout: 20000 });
  const p = await frame.evaluate(() => window.initscope.pool);
  assert.deepEqual([p.shards, p.active], [1, 1]);

  const bad = await openPage(site.browser, site.server.origin);
  await load(bad, site.server.url, '#workers=9');
  const notices = await bad.textContent('#notice-list');
  assert.match(notices, /invalid workers = "9": expected auto or an integer in 1\.\.4/);
  assert.equal(await bad.evaluate(() => window.initscope.state.workers), 'auto');
  for (const x of [page, bad]) await x.context().close();
});
