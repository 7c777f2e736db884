// The presets on the page: the menu is the core's list in course order; every preset the page
// can hold loads from the menu and from its link (#preset=ID) with its explanation and source;
// Next walks the course; the ones that need per-run settings are listed but disabled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, openPage, load, waitReady, artifact } from './helpers.mjs';

const site = useSite();
const gen = (page) => page.evaluate(() => window.initscope.gen);
async function reconfigured(page, g) {
  await page.waitForFunction((n) => window.initscope.gen > n && window.initscope.ready, g);
}

// The menu's options in order: [{ id, disabled, group }] (Custom excluded).
function menu(page) {
  return page.$$eval('#c-preset optgroup option', (os) => os.map((o) => ({
    id: o.value, disabled: o.disabled, group: o.parentElement.label,
  })));
}

test('every preset loads from the menu and from its link, with its explanation and source', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  const items = await menu(page);
  assert.deepEqual([...new Set(items.map((i) => i.group))],
    ['Symmetry', 'Variance', 'Saturating activations', 'Depth', 'Theory', 'Width']);
  const loadable = items.filter((i) => !i.disabled);
  assert.ok(loadable.length >= 9, `${loadable.length} loadable presets`);
  for (const { id } of loadable) {
    // From the menu.
    const g = await gen(page);
    await page.selectOption('#c-preset', id);
    await reconfigured(page, g);
    assert.equal(await page.inputValue('#c-preset'), id, `${id}: the menu shows it`);
    const text = await page.textContent('#preset-text');
    assert.match(text, /Watch: /, id);
    assert.match(text, /Source: .*\d{4}/, id);
    const fromMenu = await page.evaluate(() => window.initscope.configs);

    // From its link, in a fresh page.
    const other = await openPage(site.browser, site.server.origin);
    await load(other, site.server.url, `#preset=${id}`);
    assert.equal(await other.inputValue('#c-preset'), id, `${id}: the link shows it`);
    assert.deepEqual(await other.evaluate(() => window.initscope.configs), fromMenu, `${id}: same runs`);
    assert.equal(await other.textContent('#preset-text'), text);
    assert.deepEqual(other.problems.pageErrors, []);
    assert.deepEqual(other.problems.console, []);
    await other.context().close();
  }
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
});

test('Next walks the course in order and stops at the end', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, '#preset=symmetry');
  const order = (await menu(page)).filter((i) => !i.disabled).map((i) => i.id);
  assert.equal(order[0], 'symmetry');
  const seen = ['symmetry'];
  while (!(await page.isDisabled('#b-next-preset'))) {
    const g = await gen(page);
    await page.click('#b-next-preset');
    await reconfigured(page, g);
    seen.push(await page.inputValue('#c-preset'));
    if (seen.length === 3) await page.screenshot({ path: artifact('presets-course.png') });
  }
  assert.deepEqual(seen, order);
  await page.context().close();
});

test('presets the page cannot hold yet are listed, disabled, and say how to run them', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  const off = (await menu(page)).filter((i) => i.disabled);
  for (const { id } of off) {
    const title = await page.getAttribute(`#c-preset option[value="${id}"]`, 'title');
    assert.match(title, new RegExp(`initscope run --preset ${id}`));
  }
  // A link to one falls back to the defaults with a notice naming the loadable ids.
  if (off.length) {
    const other = await openPage(site.browser, site.server.origin);
    await load(other, site.server.url, `#preset=${off[0].id}`);
    assert.match(await other.textContent('#notice-list'), /invalid preset/);
    await other.context().close();
  }
  await page.context().close();
});

test('screenshot: the page with the kumar2017 and scale presets', async () => {
  for (const id of ['kumar2017', 'scale']) {
    const page = await openPage(site.browser, site.server.origin);
    await load(page, site.server.url, `#preset=${id}`);
    await page.click('#b-step');
    await page.waitForFunction(() => Number(document.body.dataset.step) > 0);
    await waitReady(page);
    await page.screenshot({ path: artifact(`preset-${id}.png`) });
    await page.context().close();
  }
});

test('histograms: every hidden layer fills more than one bin for tanh, sigmoid, ReLU He and ReLU N(0, 1)', async () => {
  const cases = [
    ['#preset=glorot2010', 1, 'tanh xavier'],
    ['#preset=sigmoid', 0, 'sigmoid xavier'],
    ['#preset=scale', 2, 'relu he'],
    ['#preset=scale&hist=1', 1, 'relu N(0, 1)'],
  ];
  for (const [hash, run, name] of cases) {
    const page = await openPage(site.browser, site.server.origin);
    await load(page, site.server.url, hash);
    const hist = await page.evaluate((i) => {
      const h = window.initscope.records(i)[0].layerStats.histogram;
      return { counts: h.counts.map((c) => Array.from(c)), below: Array.from(h.below), above: Array.from(h.above) };
    }, run);
    for (let l = 0; l < hist.counts.length - 1; l++) {
      const used = hist.counts[l].filter((n) => n > 0).length;
      assert.ok(used > 1, `${name}, layer ${l + 1}: ${used} bin(s) used`);
      assert.equal(hist.below[l] + hist.above[l], 0, `${name}, layer ${l + 1}: nothing outside at step 0`);
    }
    // What a person sees: no row of the drawn panel says "empty".
    if (name === 'relu N(0, 1)') await page.screenshot({ path: artifact('histograms-relu-normal1.png') });
    await page.context().close();
  }
});

test('loss smoothing: off by default, kept in the link, a debiased EMA of the curves', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  assert.equal(await page.inputValue('#c-smooth'), '0');
  assert.match(await page.evaluate(() => location.hash), /smooth=0(&|$)/);
  await page.selectOption('#c-smooth', '0.9');
  await page.waitForFunction(() => window.initscope.state.smooth === 0.9);
  assert.match(await page.evaluate(() => location.hash), /smooth=0\.9/);
  // TensorBoard's EMA, debiased: a constant stays constant, a step is followed smoothly.
  const ema = await page.evaluate(async () => {
    const { emaInPlace } = await import('./js/views/loss.js');
    return [emaInPlace([2, 2, 2], 0.9), emaInPlace([0, 10, null, 10], 0.5)];
  });
  assert.deepEqual(ema[0].map((v) => +v.toFixed(12)), [2, 2, 2]);
  assert.deepEqual(ema[1].map((v) => (v == null ? v : +v.toFixed(6))), [0, 6.666667, null, 8.571429]);
  // A reload from the link keeps it.
  const other = await openPage(site.browser, site.server.origin);
  await load(other, site.server.url, await page.evaluate(() => location.hash));
  assert.equal(await other.inputValue('#c-smooth'), '0.9');
  await other.context().close();
  await page.context().close();
});

// The sweep preset opens the Sweep view with its axes (menu and link); starting it (here with 1
// update per cell instead of 300, to keep the suite quick) fills 13 x 10 cells and draws the
// mean-field overlay: the critical sigma_w^2 of tanh at sigma_b^2 = 0.05 (~1.76) and 6 xi_c.
test('edge_of_chaos_sweep: the menu and the link open its map; it fills with the theory overlay', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  await page.selectOption('#c-preset', 'edge_of_chaos_sweep');
  await page.waitForFunction(() => document.body.classList.contains('sweep-mode'));
  const form = () => page.evaluate(() => ({
    x: document.getElementById('sweep-x-field').value, xs: document.getElementById('sweep-x-spec').value,
    y: document.getElementById('sweep-y-field').value, ys: document.getElementById('sweep-y-spec').value,
    steps: document.getElementById('sweep-steps').value, metric: document.getElementById('sweep-metric').value,
  }));
  const want = { x: 'weightVar', xs: '1:4:13', y: 'depth', ys: '10:100:10', steps: '300', metric: 'trainAccuracy' };
  assert.deepEqual(await form(), want);
  const state = await page.evaluate(() => window.initscope.state);
  assert.deepEqual([state.inits, state.activation, state.biasVar], [['mean_field'], 'tanh', 0.05]);

  await page.fill('#sweep-steps', '1');
  await page.click('#b-sweep-start');
  await page.waitForFunction(() => window.initscope.sweep.info().done === 130, null, { timeout: 60000 });
  const info = await page.evaluate(() => window.initscope.sweep.info());
  assert.equal(info.cells, 130);
  assert.deepEqual(info.axes.map((a) => [a.field, a.labels.length]), [['weightVar', 13], ['depth', 10]]);
  await page.waitForFunction(() => window.initscope.sweep.info().overlay !== null);
  const overlay = await page.evaluate(() => window.initscope.sweep.info().overlay);
  assert.ok(Math.abs(overlay.critical - 1.76) < 0.01, `critical sigma_w^2 ${overlay.critical}`);
  assert.ok(overlay.xiC.length >= 13, `6 xi_c at ${overlay.xiC.length} sigma_w^2 values`);
  assert.equal(await page.locator('#v-sweep').getAttribute('data-overlay'), 'shown');

  // Another preset leaves the map for its runs.
  await page.selectOption('#c-preset', 'default');
  await page.waitForFunction(() => !document.body.classList.contains('sweep-mode'));

  const linked = await openPage(site.browser, site.server.origin);
  await load(linked, site.server.url, '#preset=edge_of_chaos_sweep');
  await linked.waitForFunction(() => document.body.classList.contains('sweep-mode'));
  assert.equal(await linked.inputValue('#sweep-x-spec'), '1:4:13');
  for (const p of [page, linked]) {
    assert.deepEqual(p.problems.pageErrors, []);
    await p.context().close();
  }
});
