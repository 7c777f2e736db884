// The Predictions view: for image data (Fashion-MNIST) the boundary panel shows test images with
// every run's predicted label and the test accuracy per class per run, and those numbers are the
// engine's own (recomputed here in the page with a second engine at the same step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, openPage, load, artifact } from './helpers.mjs';
import { loadEngine } from '../../web/js/engine/engine.js';

const site = useSite();

test('Predictions draws for fashion_mnist with per-class accuracies equal to the engine\'s', async () => {
  const page = await openPage(site.browser, site.server.origin, { width: 1280, height: 800 });
  await load(page, site.server.url, '#dataset=fashion_mnist&inits=he_normal,zeros&hidden=32x2&samples=1000&speed=20');
  await page.click('#b-step');
  await page.waitForFunction(() => !window.initscope.playing && window.initscope.runs().every((r) => r.predictions && r.predictions.step > 0));
  assert.equal(await page.isHidden('#v-boundary'), true, 'no empty boundary panel');
  assert.equal(await page.isVisible('#v-predictions'), true);
  const runs = await page.evaluate(() => window.initscope.runs());
  const shown = await page.$$eval('#v-predictions td[data-acc]', (tds) => tds.map((td) => ({
    run: Number(td.dataset.run), cls: Number(td.dataset.class), acc: Number(td.dataset.acc),
  })));
  assert.equal(shown.length, 10 * runs.length, 'one cell per class and run');
  const chips = await page.$$eval('#v-predictions .iv-pred-cell', (cells) => cells.map((c) =>
    [...c.querySelectorAll('.iv-pred-chip')].map((chip) => Number(chip.dataset.pred))));
  assert.equal(chips.length, 24);

  // The same runs, rebuilt by the engine in Node (the page's CSP rightly forbids the eval
  // Embind would need on the main thread) and stepped to the same step.
  const engine = await loadEngine();
  await engine.loadDataset('fashion_mnist');
  const configs = await page.evaluate(() => window.initscope.configs);
  const expected = configs.map((config, i) => {
    const run = engine.createRun(config);
    run.step(runs[i].predictions.step);
    const out = { acc: Array.from(run.classAccuracy()), pred: Array.from(run.predictTest(24)) };
    run.dispose();
    return out;
  });
  for (const { run, cls, acc } of shown) {
    assert.equal(acc, expected[run].acc[cls], `run ${run} class ${cls}`);
  }
  chips.forEach((perRun, i) => perRun.forEach((p, r) => assert.equal(p, expected[r].pred[i], `image ${i} run ${r}`)));
  // Zero init predicts one class for everything: every class but one at 0%.
  const zeros = expected[1].acc;
  assert.equal(zeros.filter((a) => a === 0).length, 9);
  await page.locator('.panel[data-part="boundary"]').screenshot({ path: artifact('predictions-fashion.png') });
  await page.screenshot({ path: artifact('predictions-page.png') });
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
});
