// State in the URL and at the controls: a configured experiment survives a reload from its
// link with the same step-0 numbers; bad values at a control are refused there with a visible
// message; hostile hashes are ignored with a notice and never executed; embed mode and the
// <initscope-lab> element work from another origin.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { useSite, openPage, load, waitReady } from './helpers.mjs';


const site = useSite();

// Types into a text control and applies it (change event), like a person pressing Enter.
async function setText(page, id, value) {
  await page.fill(`#${id}`, value);
  await page.press(`#${id}`, 'Enter');
}

async function reconfigured(page, gen) {
  await page.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, gen);
}

const gen = (page) => page.evaluate(() => window.initscope.gen);

test('controls -> URL -> reload gives the same config and the same step-0 numbers', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  const steps = [
    ['select', 'c-activation', 'tanh'],
    ['select', 'c-init-3', 'lecun_normal'],
    ['select', 'c-init-1', 'orthogonal'],
    ['text', 'c-depth', '6'],
    ['text', 'c-width', '24'],
    ['select', 'c-dataset', 'moons'],
    ['text', 'c-noise', '0.2'],
    ['select', 'c-optimizer', 'adam'],
    ['text', 'c-learningRate', '0.003'],
    ['text', 'c-batchSize', '16'],
    ['text', 'c-seed', '7'],
  ];
  for (const [kind, id, value] of steps) {
    const g = await gen(page);
    if (kind === 'select') await page.selectOption(`#${id}`, value);
    else await setText(page, id, value);
    await reconfigured(page, g);
  }
  const state = await page.evaluate(() => window.initscope.state);
  assert.deepEqual(state.inits, ['he_normal', 'orthogonal', 'zeros', 'lecun_normal']);
  assert.deepEqual(state.hidden, [24, 24, 24, 24, 24, 24]);
  assert.equal(state.activation, 'tanh');
  assert.equal(state.dataset, 'moons');
  assert.equal(state.learningRate, 0.003);
  assert.equal(state.seed, 7);
  const url = page.url();
  assert.match(url, /hidden=24x6/);
  const before0 = await page.evaluate(() => [0, 1, 2, 3].map((i) => window.initscope.records(i)[0]));

  const again = await openPage(site.browser, site.server.origin);
  await again.goto(url);
  await waitReady(again);
  assert.deepEqual(await again.evaluate(() => window.initscope.state), state);
  assert.deepEqual(await again.evaluate(() => [0, 1, 2, 3].map((i) => window.initscope.records(i)[0])), before0);
  // The controls show the loaded values.
  assert.equal(await again.inputValue('#c-hidden'), '24x6');
  assert.equal(await again.inputValue('#c-init-3'), 'lecun_normal');
  assert.equal(await again.inputValue('#c-learningRate'), '0.003');
  assert.equal(await again.isHidden('#notices'), true);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(again.problems.pageErrors, []);
  await page.context().close();
  await again.context().close();
});

test('bad values at the controls are refused there, with a message, and change nothing', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  const original = await page.evaluate(() => window.initscope.state);
  const g0 = await gen(page);
  const cases = [
    ['c-learningRate', '-1', 'e-learningRate', /invalid learningRate = "-1": expected a number in \(0, 10\]/],
    ['c-learningRate', 'abc', 'e-learningRate', /invalid learningRate/],
    ['c-depth', '500', 'e-depth', /invalid depth = "500": expected an integer in 1\.\.200/],
    ['c-width', '0', 'e-width', /invalid width/],
    ['c-width', '2048', 'e-width', /parameters/],                      // 10 x 2048^2 > the cap
    ['c-hidden', '64x', 'e-hidden', /invalid hidden/],
    ['c-batchSize', '501', 'e-batchSize', /expected an integer in 0\.\.500/],
    ['c-seed', '1e3', 'e-seed', /invalid seed/],
    ['c-noise', 'Infinity', 'e-noise', /invalid noise/],
  ];
  for (const [id, value, errorId, message] of cases) {
    await setText(page, id, value);
    assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true', `${id}=${value} is marked invalid`);
    assert.match(await page.textContent(`#${errorId}`), message);
    assert.ok(await page.isVisible(`#${errorId}`), `${errorId} is visible`);
    assert.deepEqual(await page.evaluate(() => window.initscope.state), original, `${id}=${value} changed nothing`);
  }
  // The same initializer twice is refused at the initializer slots.
  await page.selectOption('#c-init-1', 'he_normal');
  assert.match(await page.textContent('#e-inits'), /runs that differ/);
  assert.deepEqual(await page.evaluate(() => window.initscope.state.inits), original.inits);

  // A valid value afterwards clears the message and applies.
  await setText(page, 'c-learningRate', '0.1');
  await reconfigured(page, g0);
  assert.equal(await page.getAttribute('#c-learningRate', 'aria-invalid'), null);
  assert.equal(await page.textContent('#e-learningRate'), '');
  assert.equal(await page.evaluate(() => window.initscope.state.learningRate), 0.1);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
});

test('a hostile or broken hash is ignored with a visible notice and never executed', async () => {
  const page = await openPage(site.browser, site.server.origin);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  const hash = '#inits=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&hidden=99999x99&learningRate=NaN'
    + '&seed=-1&dataset=__proto__&constructor=1&activation=relu&noise=0.3'
    + '&embed=%3Cscript%3Ealert(2)%3C%2Fscript%3E';
  await load(page, site.server.url, hash);
  const state = await page.evaluate(() => window.initscope.state);
  assert.deepEqual(state.inits, ['he_normal', 'xavier_normal', 'zeros']);
  assert.equal(state.hidden.length, 10);
  assert.equal(state.learningRate, 0.05);
  assert.equal(state.dataset, 'spiral');
  assert.equal(state.seed, 42);
  assert.equal(state.noise, 0.3, 'the valid parts of the link are kept');
  assert.equal(state.embed, null);
  assert.ok(await page.isVisible('#notices'));
  const notices = await page.textContent('#notice-list');
  for (const field of ['inits', 'hidden', 'learningRate', 'seed', 'dataset', 'constructor', 'embed']) {
    assert.match(notices, new RegExp(field), `the notice names ${field}`);
  }
  assert.equal(await page.locator('img').count(), 0, 'no markup from the hash reached the DOM');
  assert.equal(await page.locator('#notice-list script').count(), 0);
  assert.equal(dialogs, 0);
  // The page still works, and the link was rewritten to the state actually used.
  assert.match(page.url(), /inits=he_normal,xavier_normal,zeros/);
  await page.click('#b-step');
  await page.waitForFunction(() => Number(document.body.dataset.step) > 0);

  // Editing the hash by hand is read the same way.
  await page.evaluate(() => { location.hash = '#hidden=32x3&inits=he_normal&bogus=1'; });
  await page.waitForFunction(() => window.initscope.state.hidden.length === 3 && window.initscope.ready);
  assert.match(await page.textContent('#notice-list'), /bogus/);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
});

test('presets load the paper experiments with their explanation', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  const g = await gen(page);
  await page.selectOption('#c-preset', 'he2015');
  await reconfigured(page, g);
  const state = await page.evaluate(() => window.initscope.state);
  assert.deepEqual(state.inits, ['he_normal', 'lecun_normal']);
  assert.equal(state.hidden.length, 30);
  assert.match(await page.textContent('#preset-text'), /Watch:/);
  // Xavier (lecun, 1/fan_in) halves the variance per ReLU layer: 30 layers down by ~2^-29.
  const preVar = await page.evaluate(() => Array.from(window.initscope.records(1)[0].layerStats.preVar));
  const he = await page.evaluate(() => Array.from(window.initscope.records(0)[0].layerStats.preVar));
  assert.ok(preVar[29] / preVar[0] < 1e-6, `lecun: ${preVar[29]} / ${preVar[0]}`);
  assert.ok(he[29] / he[0] > 0.05 && he[29] / he[0] < 20, `he: ${he[29]} / ${he[0]}`);
  assert.equal(await page.inputValue('#c-preset'), 'he2015');
  await page.context().close();
});

test('an image dataset is fetched on demand from the site itself', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, '#dataset=fashion_mnist&inits=he_normal,xavier_normal&hidden=32x3&samples=600');
  const data = await page.evaluate(() => window.initscope.records(0)[0].layerStats.preVar.length);
  assert.equal(data, 4);
  assert.equal(await page.getAttribute('[data-part="boundary"]', 'aria-label'), 'Predictions', 'images: predictions, not an empty boundary');
  await page.click('#b-step');
  await page.waitForFunction(() => Number(document.body.dataset.step) > 0);
  assert.deepEqual(page.problems.foreign, []);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
});

test('a config only the engine can refuse is reported at its control and the page goes back', async () => {
  // Fashion-MNIST holds 6,000 images, which the page learns only once the file is loaded.
  const first = await openPage(site.browser, site.server.origin);
  await load(first, site.server.url, '#dataset=fashion_mnist&samples=10000&hidden=16x2');
  assert.match(await first.textContent('#notice-list'), /invalid samples = 10000: expected an integer in 10\.\.6000/);
  assert.equal(await first.evaluate(() => window.initscope.state.dataset), 'spiral', 'the defaults instead');
  assert.deepEqual(first.problems.pageErrors, []);
  await first.context().close();

  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  await page.click('.advanced > summary');
  await setText(page, 'c-samples', '8000');
  await page.waitForFunction(() => window.initscope.ready && window.initscope.state.samples === 8000);
  const before = await page.evaluate(() => ({ state: window.initscope.state, gen: window.initscope.gen }));
  await page.selectOption('#c-dataset', 'fashion_mnist');
  await page.waitForFunction(() => /6000/.test(document.getElementById('e-samples').textContent));
  assert.deepEqual(await page.evaluate(() => window.initscope.state), before.state, 'back to the runs that exist');
  assert.equal(await page.evaluate(() => window.initscope.gen), before.gen);
  assert.equal(await page.getAttribute('#c-samples', 'aria-invalid'), 'true');
  assert.ok(await page.isVisible('#e-samples'));
  await page.click('#b-step');
  await page.waitForFunction(() => Number(document.body.dataset.step) > 0);

  // Once the file has been loaded the page knows its size and refuses at the control itself.
  await setText(page, 'c-samples', '1000');
  await page.waitForFunction(() => window.initscope.ready && window.initscope.state.samples === 1000);
  await page.selectOption('#c-dataset', 'fashion_mnist');
  await page.waitForFunction(() => window.initscope.ready && window.initscope.state.dataset === 'fashion_mnist');
  const gen = await page.evaluate(() => window.initscope.gen);
  await setText(page, 'c-samples', '7000');
  assert.match(await page.textContent('#e-samples'), /invalid samples = "7000": expected an integer in 10\.\.6000/);
  assert.equal(await page.evaluate(() => window.initscope.gen), gen, 'nothing was sent to the engine');
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('embed mode shows only the chosen parts; <initscope-lab> works from another origin', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, '#inits=he_normal,zeros&hidden=16x4&embed=loss,variance');
  assert.ok(await page.isVisible('[data-part="loss"]'));
  assert.ok(await page.isVisible('[data-part="variance"]'));
  for (const part of ['gradient', 'histograms', 'boundary', 'badges', 'controls', 'intro']) {
    assert.equal(await page.isVisible(`[data-part="${part}"]`), false, `${part} hidden`);
  }
  assert.ok(await page.isVisible('#b-play'), 'the transport stays');
  await page.context().close();

  // The embed dialog writes both snippets for the current experiment.
  const full = await openPage(site.browser, site.server.origin);
  await load(full, site.server.url, '#inits=he_normal,zeros&hidden=16x4');
  await full.click('#b-embed');
  const iframe = await full.inputValue('#embed-iframe');
  const script = await full.inputValue('#embed-script');
  assert.match(iframe, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html#inits=he_normal,zeros&amp;.*embed=loss,variance,badges"/);
  assert.match(script, /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/js\/embed\.js"><\/script>/);
  assert.match(script, /<initscope-lab config="inits=he_normal,zeros&amp;/);
  await full.context().close();

  // A blog on another origin pastes the script snippet.
  const blog = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>blog</title><p>Look:</p>${script}`);
  });
  await new Promise((resolve) => blog.listen(0, '127.0.0.1', resolve));
  const blogOrigin = `http://localhost:${blog.address().port}`;
  const reader = await openPage(site.browser, site.server.origin);
  await reader.goto(`${blogOrigin}/`);
  const frame = await (await reader.waitForSelector('initscope-lab >> iframe')).contentFrame();
  await frame.waitForFunction(() => window.initscope && window.initscope.ready, null, { timeout: 20000 });
  assert.deepEqual(await frame.evaluate(() => window.initscope.state.inits), ['he_normal', 'zeros']);
  assert.deepEqual(await frame.evaluate(() => window.initscope.state.embed), ['loss', 'variance', 'badges']);
  assert.equal(await frame.isVisible('[data-part="controls"]'), false);
  assert.deepEqual(reader.problems.pageErrors, []);
  await reader.context().close();
  await new Promise((resolve) => blog.close(resolve));
});
