// tests/browser/edges.test.mjs: a diverging run next to healthy ones, on the page. The diverged run
// gets its badge and stops, the others keep training, and no NaN or Infinity reaches what a person
// reads (badges, readouts, the charts' text summaries). tests/node/edges.test.mjs covers the same
// contract on the engine, the CLI and the JSON export.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useSite, openPage, load, waitStep } from './helpers.mjs';

const site = useSite();

test('MSE at lr 1.5: He diverges with a badge, the rest train, no NaN or Infinity on screen', async () => {
  const page = await openPage(site.browser, site.server.origin);
  // Plain SGD on MSE at lr 1.5: He's large hidden activations make the output layer's curvature
  // far above 2 / lr, so it overflows within a few steps (measured: step 4 at seed 42); Xavier's
  // smaller ones and zeros' (only the output bias moves) stay below it and train on.
  await load(page, site.server.url, '#inits=he_normal,xavier_normal,zeros&loss=mse&learningRate=1.5&optimizer=sgd&hidden=64x3&speed=10');
  await page.click('#b-play');
  await waitStep(page, 300);
  await page.click('#b-play');
  const runs = await page.evaluate(() => window.initscope.runs().map((r) => ({ init: r.init, diverged: r.diverged, last: r.latest?.step })));
  const badges = await page.textContent('#views');
  assert.match(badges, /diverged at step \d+/, 'a diverged badge is shown');
  const text = await page.evaluate(() => document.body.innerText);
  const bad = text.split('\n').filter((l) => /\bNaN\b|Infinity/.test(l));
  assert.deepEqual(bad, [], 'no NaN or Infinity on screen');
  const live = runs.filter((r) => r.diverged === null);
  assert.deepEqual(runs.map((r) => r.diverged === null), [false, true, true], JSON.stringify(runs));
  for (const r of live) assert.ok(r.last >= 300, `${r.init} trained on`);
  for (const r of runs.filter((x) => x.diverged !== null)) assert.ok(r.last <= r.diverged, `${r.init} stopped`);
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});
