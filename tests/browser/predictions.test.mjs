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

// N-D data (gaussian_nd): no input plane, so the boundary panel shows each run's predictions on
// the test points projected onto the plane of the class means (views/projection.js), with a
// caption saying so, instead of "decision boundary not available". The colours are the engine's
// predictions: He-initialized runs trained a little predict both classes; zero init predicts one
// class for every point (one colour only).
test('gaussian_nd: the boundary panel draws the projected test predictions, with a caption', async () => {
  for (const [theme, width, height] of [['light', 1280, 800], ['dark', 390, 844]]) {
    const page = await openPage(site.browser, site.server.origin, { width, height });
    await load(page, site.server.url, `#dataset=gaussian_nd&inputDim=16&inits=he_normal,zeros&hidden=32x3&samples=600&theme=${theme}`);
    await page.click('#b-step');
    await page.waitForFunction(() => !window.initscope.playing && window.initscope.runs().every((r) => r.predictions && r.predictions.step > 0));
    const panel = page.locator('.panel[data-part="boundary"]');
    assert.doesNotMatch(await panel.textContent(), /not available/);
    assert.match(await panel.locator('.iv-title').first().textContent(), /Test predictions, projected/);
    assert.match(await panel.locator('.iv-sub').first().textContent(), /16-D test points on the plane of the class means, coloured by predicted class/);
    // per tile: how many pixels have each class colour (CLASS_COLORS 0 #EE7733, 1 #0077BB)
    const counts = await page.$$eval('#v-boundary canvas.iv-tile-canvas', (cs) => cs.map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const near = (i, r, g, b) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 40;
      let c0 = 0;
      let c1 = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (near(i, 0xee, 0x77, 0x33)) c0++;
        else if (near(i, 0x00, 0x77, 0xbb)) c1++;
      }
      return [c0, c1];
    }));
    assert.equal(counts.length, 2, 'one tile per run');
    const runs = await page.evaluate(() => window.initscope.runs());
    runs.forEach((r, i) => {
      const pred = r.predictions.pred;
      assert.equal(pred.length, 300, 'every test point (600 samples, half for testing)');
      for (const k of [0, 1]) {
        const has = pred.includes(k);
        assert.equal(counts[i][k] > 20, has, `run ${i} (${r.init}): class ${k} predicted ${has}, ${counts[i][k]} pixels of its colour`);
      }
    });
    assert.equal(new Set(runs[1].predictions.pred).size, 1, 'zero init: one class for every point');
    await panel.screenshot({ path: artifact(`projection-${theme}-${width}.png`) });
    await page.screenshot({ path: artifact(`projection-page-${theme}-${width}.png`), fullPage: width < 900 });
    assert.deepEqual(page.problems.pageErrors, []);
    assert.deepEqual(page.problems.console, []);
    await page.context().close();
  }
});
