// single.test.mjs: dist/initscope.html, the lab in one file, opened from file:// with every
// network request refused: it trains, draws, computes the Theory tab and a sweep (their workers
// come from the same file), logs no error, and says clearly that fashion_mnist needs a download
// instead of failing.

import test from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, launch, artifact } from './helpers.mjs';

test('initscope.html from file://, network off: trains and draws; fashion_mnist says it needs a download', { timeout: 120000 }, async () => {
  const file = join(DIST, 'initscope.html');
  // A budget, not a measurement: the offline file must stay small enough to mail or attach
  // (it was 775 KiB with the registry; the sweep-file reader took it to 803 KB, the Width tab
  // to 843 KiB, and dropping the inlined modules' indentation back to 815 KiB; residual nets,
  // split sweeps and the curves took it to 884 KB, and uPlot's own minified build back to
  // 807 KB). Growth past
  // this needs a look at what was added (e.g. minifying the inlined modules), not a new number.
  assert.ok(statSync(file).size < 850 * 1000, `under 850 KB (${statSync(file).size} bytes)`);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const refused = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      refused.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${pathToFileURL(file).href}#inits=he_normal,zeros&hidden=16x4`);
    await page.waitForFunction(() => window.initscope && window.initscope.ready, null, { timeout: 20000 });
    await page.click('#b-play');
    await page.waitForFunction(() => Number(document.body.dataset.step) >= 200, null, { timeout: 20000 });
    await page.click('#b-play');
    const runs = await page.evaluate(() => window.initscope.runs());
    assert.equal(runs.length, 2);
    assert.ok(Number.isFinite(runs[0].latest.trainLoss));
    assert.ok(await page.evaluate(() => window.initscope.draws) > 2, 'the charts were drawn');
    // The loss chart's canvas has ink on it.
    const ink = await page.evaluate(() => {
      const c = document.querySelector('#v-loss canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(ink > 1000, `the loss chart drew (${ink} pixels)`);
    await page.screenshot({ path: artifact('single-file.png') });

    // The theory's worker and the sweep's workers run from the same file (one blob, named).
    // The Theory tab computes from the file: the phase diagram and one spectrum per run, no
    // "could not start its worker" (issue 17).
    await page.click('#tab-theory');
    await page.waitForFunction(() => window.initscope.theory.phase === 'ready' && window.initscope.theory.jacobian === 2,
      null, { timeout: 60000 });
    assert.deepEqual(await page.evaluate(() => window.initscope.theory.jacobianErrors), []);
    assert.doesNotMatch(await page.textContent('#theory'), /could not start|worker failed/);
    await page.screenshot({ path: artifact('single-file-theory.png') });
    await page.click('#tab-training');
    await page.evaluate(() => {
      window.initscope.sweep.setMode(true);
      window.initscope.sweep.configure({ xField: 'learningRate', xSpec: '0.01,0.1', yField: 'depth', ySpec: '2,3', steps: 5, seeds: 1 });
      window.initscope.sweep.start();
    });
    await page.waitForFunction(() => window.initscope.sweep.info().done === 4, null, { timeout: 30000 });
    assert.match(await page.evaluate(() => window.initscope.sweep.csv()), /^learningRate,depth,seed,/);
    await page.evaluate(() => window.initscope.sweep.setMode(false));
    // The Width tab's workers too: a tiny coordinate check runs from the file and draws.
    await page.click('#tab-width');
    await page.waitForFunction(() => document.getElementById('width-command').textContent.startsWith('$ initscope coordcheck'), null, { timeout: 30000 });
    await page.fill('#width-widths', '16,32');
    await page.fill('#width-steps', '1');
    await page.fill('#width-seeds', '1');
    await page.click('#b-width-run');
    await page.waitForFunction(() => window.initscope.width.info()?.done, null, { timeout: 30000 });
    assert.equal(await page.$$eval('.iv-width-slope b', (bs) => bs.length), 2 * 4, 'sp and mup, 4 layers, step 1');
    await page.click('#tab-training');

    await page.selectOption('#c-dataset', 'fashion_mnist');
    await page.waitForFunction(() => /download/.test(document.getElementById('notice-list').textContent), null, { timeout: 10000 });
    assert.match(await page.textContent('#notice-list'), /fashion_mnist needs a 4\.7 MB download/);
    // The page went back to the runs it had: the counter shows their step, not "loading…".
    await page.waitForFunction(() => /^step \d/.test(document.getElementById('step-counter').textContent), null, { timeout: 10000 });
    assert.doesNotMatch(await page.textContent('#step-counter'), /loading/);
    assert.notEqual(await page.inputValue('#c-dataset'), 'fashion_mnist');
    assert.equal(await page.evaluate(() => window.initscope.state.dataset), 'spiral');
    assert.deepEqual(errors, []);
    assert.deepEqual(refused, [], 'nothing asked for the network');
  } finally {
    await browser.close();
  }
});
