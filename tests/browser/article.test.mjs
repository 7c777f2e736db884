// article.test.mjs: dist/article.html, "Why initialization matters". Its math is typeset at
// build time (KaTeX HTML + MathML in the file, fonts from the site, no KaTeX script); its figures
// load lazily; nothing leaves the origin; screenshots in both themes. Sections 6 (residual
// branches, issue 19) and 7 (the learning rate across width, issue 18): their figures load, run,
// and show the numbers their captions state.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useSite, openPage, DIST, artifact, sleep } from './helpers.mjs';

const site = useSite();

test('the article: math typeset at build time, fifteen lazy figures, no request off the site', { timeout: 120000 }, async () => {
  const html = readFileSync(join(DIST, 'article.html'), 'utf8');
  assert.ok((html.match(/class="katex"/g) ?? []).length >= 20, 'KaTeX output is in the file');
  assert.doesNotMatch(html, /katex(\.min)?\.js/, 'no KaTeX script');
  for (const theme of ['light', 'dark']) {
    const page = await openPage(site.browser, site.server.origin, { width: 1100, height: 900 });
    const fonts = [];
    page.on('request', (r) => { if (/\.woff2$/.test(r.url())) fonts.push(r.url()); });
    await page.goto(`${site.server.url}article.html#theme=${theme}`);
    assert.equal(await page.locator('initscope-lab').count(), 15);
    const first = await (await page.waitForSelector('initscope-lab >> iframe')).contentFrame();
    await first.waitForFunction(() => window.initscope && window.initscope.ready, null, { polling: 100, timeout: 20000 });
    assert.equal(await first.evaluate(() => document.documentElement.dataset.theme), theme, 'the figure follows the article');
    await sleep(500);
    const loaded = await page.evaluate(() => [...document.querySelectorAll('initscope-lab')].filter((e) => e.shadowRoot.querySelector('iframe')).length);
    assert.ok(loaded >= 1 && loaded <= 2, `only the figures near the top loaded (${loaded})`);
    assert.ok(fonts.length > 0 && fonts.every((u) => u.startsWith(`${site.server.origin}/vendor/katex/fonts/`)), 'KaTeX fonts from the site');
    await page.screenshot({ path: artifact(`article-${theme}.png`) });
    assert.deepEqual(page.problems.foreign, []);
    assert.deepEqual(page.problems.console, []);
    assert.deepEqual(page.problems.pageErrors, []);
    await page.context().close();
  }
});

// ---------------------------------------------------------------------------------------------
// Sections 6 and 7. Every figure is one seed (42) of a deterministic engine (the same bits as the
// CLI), so each caption's number is checked against what the engine gives at the figure's
// settings (measured with web/js/engine in Node before writing the caption); the tolerances only
// absorb the caption's rounding, and say so. The claims over seeds (1024x, 2.80) are
// tests/native/test_presets.cpp's.

// The figure's frame, once its runs are at step 0 (scrolled to, so the element loads it).
async function figure(page, id) {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  const handle = await page.waitForSelector(`#${id} >> iframe`, { timeout: 30000 });
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => window.initscope && window.initscope.ready, null, { polling: 100, timeout: 60000 });
  return frame;
}

// Per run: { init, step, q: the stream's mean square per point (stem, blocks, out), preVar }.
// q = preVar + preMean^2, as test_presets.cpp measures it and the variance chart draws it.
const streams = (frame) => frame.evaluate(() => window.initscope.runs().map((r) => ({
  init: r.init, step: r.latest.step, diverged: r.diverged, loss: r.latest.trainLoss,
  preVar: r.latest.layerStats.preVar,
  q: r.latest.layerStats.preVar.map((v, i) => v + r.latest.layerStats.preMean[i] ** 2),
})));

const close = (got, want, rel, what) => assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: ${got}, expected ${want} within ${rel * 100}%`);

test('section 6: residual streams double per block, stay near e with 1/sqrt(L), start unchanged with Fixup and ReZero, grow linearly with pre-norm', { timeout: 240000 }, async () => {
  const page = await openPage(site.browser, site.server.origin, { width: 1100, height: 900 });
  await page.goto(`${site.server.url}article.html`);
  const h2 = await page.locator('h2').allTextContents();
  const at = (t) => h2.findIndex((x) => x.startsWith(t));
  assert.ok(at('6. Why residual branches start small') > 0, 'section 6');
  assert.ok(at('7. Why the best learning rate moves') === at('6. Why residual branches start small') + 1, 'section 7 follows it');
  assert.ok(at('What to take away') === at('7. Why the best learning rate moves') + 1, 'before the closing section');

  // alpha = 1, ten blocks (preset residual_gain): He 1,104x at this seed (the caption), Xavier
  // about 60x; Fixup's stream the stem's, to the bit.
  let frame = await figure(page, 'fig-residual-scaling');
  let runs = await streams(frame);
  assert.deepEqual(runs.map((r) => r.init), ['he_normal', 'xavier_normal', 'fixup'], 'the preset loaded');
  assert.equal(runs[0].q.length, 12, 'stem, 10 blocks, out');
  close(runs[0].q[10] / runs[0].q[0], 1104, 0.005, 'He q_10 / q_0 (caption: 1,104)');
  close(runs[0].q[10], 2100, 0.01, 'He mean square at block 10 (caption: about 2,100)');
  close(runs[1].q[10] / runs[1].q[0], 60, 0.05, 'Xavier q_10 / q_0 (caption: about 60)');
  for (let b = 1; b <= 10; b++) assert.equal(runs[2].preVar[b], runs[2].preVar[0], `Fixup block ${b} is the stem's`);

  // 50 blocks, alpha = 1 against alpha = 1/sqrt(50).
  frame = await figure(page, 'fig-alpha-one');
  runs = await streams(frame);
  assert.equal(runs[0].q.length, 52);
  const big = runs[0].q[50] / runs[0].q[0];
  assert.ok(big > 1e14 && big < 3e14, `alpha = 1: He grows ${big} (caption: about 2e14)`);
  frame = await figure(page, 'fig-alpha-sqrt');
  runs = await streams(frame);
  assert.deepEqual(runs.map((r) => r.init), ['he_normal', 'xavier_normal'], 'the preset loaded');
  const he = runs[0].q[50] / runs[0].q[0];
  // the caption's 2.84 and 1.68 are rounded to 0.005; both above the recursion's (1 + a^2 c)^50
  close(he, 2.84, 0.002, 'alpha = 1/sqrt(50): He q_50 / q_0 (caption: 2.84)');
  close(runs[1].q[50] / runs[1].q[0], 1.68, 0.003, 'alpha = 1/sqrt(50): Xavier (caption: 1.68)');
  assert.ok(he > (1 + 1 / 50) ** 50, 'measured above the recursion');

  // ReZero: every gate 0, the stream is the stem's at every block, to the bit; then it trains.
  frame = await figure(page, 'fig-rezero');
  runs = await streams(frame);
  for (const r of runs) for (let b = 1; b <= 50; b++) assert.equal(r.preVar[b], r.preVar[0], `ReZero ${r.init} block ${b}`);
  await frame.click('#b-play');
  await frame.waitForFunction(() => window.initscope.runs().every((r) => r.latest.step >= 30), null, { polling: 200, timeout: 90000 });
  await frame.click('#b-play');
  runs = await streams(frame);
  for (const r of runs) {
    assert.equal(r.diverged, null, `${r.init} trains`);
    assert.ok(r.q[50] > r.q[0], `${r.init}: the gates opened (q_50 ${r.q[50]} > q_0 ${r.q[0]})`);
  }

  // Fixup: flat to the bit at step 0, the loss exactly ln 2 (zero readout: p = 1/2, to float
  // rounding); trained, about 0.08 at step 100 (measured 0.078 at this seed; the caption's
  // "about" is checked as 0.06..0.10).
  frame = await figure(page, 'fig-fixup');
  runs = await streams(frame);
  for (let b = 1; b <= 50; b++) assert.equal(runs[0].preVar[b], runs[0].preVar[0], `Fixup block ${b}`);
  close(runs[0].loss, Math.log(2), 1e-6, 'Fixup loss at step 0');
  await frame.click('#b-play');
  await frame.waitForFunction(() => window.initscope.runs()[0].latest.step >= 100, null, { polling: 200, timeout: 90000 });
  await frame.click('#b-play');
  const at100 = (await frame.evaluate(() => window.initscope.records(0))).find((r) => r.step === 100);
  assert.ok(at100, 'a record at step 100 (speed 10 logs every 10 updates)');
  assert.ok(at100.trainLoss > 0.06 && at100.trainLoss < 0.10, `Fixup loss at step 100: ${at100.trainLoss}`);

  // Pre-norm: +1 per block (theory 2 + 20 = 22, caption: about 21); post-norm: 1 after each block.
  frame = await figure(page, 'fig-prenorm');
  runs = await streams(frame);
  const pre = runs[0].q;
  for (let b = 1; b <= 20; b++) assert.ok(pre[b] > pre[b - 1], `pre-norm grows at block ${b}`);
  close(pre[20], 21.4, 0.02, 'pre-norm mean square at block 20 (caption: about 21)');
  frame = await figure(page, 'fig-postnorm');
  const post = (await streams(frame))[0].preVar;
  // LayerNorm's output has variance 1 - eps/(var + eps): 1 to 1e-4 (eps 1e-5, float32)
  for (let b = 1; b <= 20; b++) close(post[b], 1, 1e-4, `post-norm block ${b}`);
  await page.screenshot({ path: artifact('article-residual.png') });
  assert.deepEqual(page.problems.foreign, []);
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('section 7: one SGD update moves SP\'s wide net far, muP\'s like its narrow base; its links open the Width tab and the sweep', { timeout: 180000 }, async () => {
  const page = await openPage(site.browser, site.server.origin, { width: 1100, height: 900 });
  await page.goto(`${site.server.url}article.html`);
  const frames = { sp: await figure(page, 'fig-sp'), mup: await figure(page, 'fig-mup') };
  const before = {};
  for (const [p, frame] of Object.entries(frames)) {
    const configs = await frame.evaluate(() => window.initscope.configs);
    assert.equal(configs.length, 1);
    assert.equal(configs[0].parametrization ?? 'sp', p, 'the figure\'s parametrization');
    assert.deepEqual(configs[0].hidden, [512, 512]);
    before[p] = (await streams(frame))[0];
    // speed 1: Step is one update
    await frame.click('#b-step');
    await frame.waitForFunction(() => window.initscope.runs()[0].latest.step >= 1, null, { polling: 100, timeout: 30000 });
  }
  const after = { sp: (await streams(frames.sp))[0], mup: (await streams(frames.mup))[0] };
  for (const p of ['sp', 'mup']) assert.equal(after[p].step, 1, `${p}: exactly one update`);
  const out = (r) => r.preVar[r.preVar.length - 1];
  // Captions, rounded to their digits: SP 1.46 -> 0.13, output variance about 0.6 -> about 8;
  // muP 0.91 -> 0.57, its output variance stays under 0.1.
  close(before.sp.loss, 1.46, 0.005, 'SP loss at step 0');
  close(after.sp.loss, 0.13, 0.05, 'SP loss after one update');
  close(out(before.sp), 0.6, 0.1, 'SP output variance at step 0');
  close(out(after.sp), 8, 0.1, 'SP output variance after one update');
  close(before.mup.loss, 0.91, 0.01, 'muP loss at step 0');
  close(after.mup.loss, 0.57, 0.01, 'muP loss after one update');
  assert.ok(out(after.mup) < 0.1, `muP output variance ${out(after.mup)}`);
  assert.ok(out(after.sp) / out(before.sp) > 10 * (out(after.mup) / out(before.mup)), 'SP\'s output moved far more than muP\'s');
  await page.locator('#fig-sp').screenshot({ path: artifact('article-width.png') });
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();

  // The links: each preset exists (no notice), the coordinate checks open the Width tab.
  const html = readFileSync(join(DIST, 'article.html'), 'utf8');
  const links = [...html.matchAll(/href="index\.html#preset=(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(links)].sort(), ['coordcheck_sp_vs_mup', 'mup_transfer', 'ntk_lazy']);
  for (const id of new Set(links)) {
    const lab = await openPage(site.browser, site.server.origin);
    await lab.goto(`${site.server.url}index.html#preset=${id}`);
    await lab.waitForFunction(() => window.initscope && window.initscope.ready, null, { timeout: 30000 });
    assert.equal(await lab.evaluate(() => document.getElementById('notices').hidden), true, `${id}: no notice`);
    if (id !== 'mup_transfer') assert.equal(await lab.evaluate(() => window.initscope.state.tab), 'width', `${id} opens the Width tab`);
    else assert.equal(await lab.evaluate(() => document.body.classList.contains('sweep-mode')), true, 'mup_transfer opens the sweep');
    await lab.context().close();
  }
});
