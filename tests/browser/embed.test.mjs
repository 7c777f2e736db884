// embed.test.mjs: <initscope-lab> on an article served from a second origin, as a blog would
// use it: it loads only near the viewport, sizes its iframe to the content, pauses off screen,
// takes its settings from attributes (hostile ones included), and ignores forged messages.
// Frames are polled by timer, not animation frame: an off-screen cross-origin iframe gets none.

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { useSite, openPage, sleep, artifact } from './helpers.mjs';

const site = useSite();

// Serves one HTML page on its own localhost origin ('localhost', not the site's '127.0.0.1').
async function article(body) {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>article</title><script type="module" src="${site.server.url}js/embed.js"></script>
<body style="margin:0 auto;max-width:1200px;padding:0 8px;font-family:serif">${body}</body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const doc = {
    url: `http://localhost:${server.address().port}/`,
    close: () => new Promise((resolve) => {
      openDocs.delete(doc);
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
  openDocs.add(doc);
  return doc;
}

// A test that fails half-way leaves its article server listening, and a listening server keeps
// this file's process alive: the runner then waits forever (seen in CI after one failed
// assertion). Whatever a test left open is closed here.
const openDocs = new Set();
after(async () => {
  for (const doc of [...openDocs]) await doc.close();
});

const SMALL = 'inits="he_normal,zeros" hidden="16x4" embed="loss,variance,badges"';

async function frameOf(page, selector) {
  const handle = await page.waitForSelector(`${selector} >> iframe`, { timeout: 20000 });
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => window.initscope && window.initscope.ready, null, { polling: 100, timeout: 20000 });
  return frame;
}

const hasIframe = (page, id) => page.evaluate((i) => !!document.getElementById(i).shadowRoot.querySelector('iframe'), id);

// The iframe's height against its content's, once the size has settled (two equal readings).
async function heights(page, id) {
  let last = null;
  for (let i = 0; i < 40; i++) {
    const frame = await (await page.$(`#${id} >> iframe`)).contentFrame();
    const inner = await frame.evaluate(() => ({
      content: document.body.getBoundingClientRect().height,
      scroll: document.documentElement.scrollHeight,
      client: document.documentElement.clientHeight,
    }));
    const outer = await page.evaluate((i2) => document.getElementById(i2).shadowRoot.querySelector('iframe').getBoundingClientRect().height, id);
    const now = { ...inner, outer };
    if (last && JSON.stringify(last) === JSON.stringify(now)) return now;
    last = now;
    await sleep(150);
  }
  return last;
}

test('a long article: only figures near the viewport load; the iframe fits its content; off screen pauses', { timeout: 120000 }, async () => {
  const doc = await article(`<h1>Initialization</h1><p>Two figures near the top.</p>
<initscope-lab id="a" ${SMALL}></initscope-lab><p>between</p>
<initscope-lab id="b" ${SMALL} activation="tanh"></initscope-lab>
<div style="height:6000px">a long stretch of text</div>
<initscope-lab id="c" ${SMALL}></initscope-lab><p>the end</p>`);
  const page = await openPage(site.browser, site.server.origin, { width: 800, height: 900 });
  const wasm = [];
  page.context().on('request', (r) => { if (/\.wasm$/.test(r.url())) wasm.push(r.url()); });
  await page.goto(doc.url);
  const a = await frameOf(page, '#a');
  await frameOf(page, '#b');
  await sleep(500);
  assert.equal(await hasIframe(page, 'c'), false, 'the figure 6000 px below has no iframe yet');
  assert.equal(wasm.length, 2, 'one wasm download per visible figure, none for the third');

  // The iframe fits its content: no inner scrollbar, no blank band. 8 px: the bound
  // (the page reports whole pixels; sub-pixel layout rounds either way).
  for (const width of [390, 800, 1200]) {
    await page.setViewportSize({ width, height: 900 });
    for (const id of ['a', 'b']) {
      const h = await heights(page, id);
      assert.ok(Math.abs(h.outer - h.content) <= 8, `${id} at ${width}px: iframe ${h.outer} vs content ${h.content}`);
      assert.ok(h.scroll <= h.client + 1, `${id} at ${width}px: no inner scrollbar (${h.scroll} > ${h.client})`);
      assert.ok(h.content > 150, `${id} at ${width}px has content (${h.content})`);
    }
    if (width === 390) await page.screenshot({ path: artifact('embed-article-390.png') });
  }
  await page.setViewportSize({ width: 800, height: 900 });

  // Playing, then scrolled out of view: it pauses; back in view: it plays on.
  await page.evaluate(() => document.getElementById('a').play());
  await a.waitForFunction(() => window.initscope.playing === true, null, { polling: 100, timeout: 10000 });
  await page.evaluate(() => window.scrollTo(0, 3000));
  await a.waitForFunction(() => window.initscope.playing === false, null, { polling: 100, timeout: 10000 });
  const stepHidden = await a.evaluate(() => Number(document.body.dataset.step));
  await sleep(600);
  assert.equal(await a.evaluate(() => Number(document.body.dataset.step)), stepHidden, 'no training while out of view');
  assert.equal(await hasIframe(page, 'c'), false, 'still 3000 px away from the third figure');

  // The third figure comes into view: now it loads.
  await page.evaluate(() => document.getElementById('c').scrollIntoView());
  await frameOf(page, '#c');
  assert.equal(wasm.length, 3);
  await page.evaluate(() => window.scrollTo(0, 0));
  await a.waitForFunction(() => window.initscope.playing === true, null, { polling: 100, timeout: 10000 });
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
  await doc.close();
});

test('attributes: each figure trains its own config, a change updates it, hostile values run nothing', { timeout: 120000 }, async () => {
  const long = 'x'.repeat(100 * 1024);
  // The host's CSS includes normalize.css's [hidden] rule: `hidden` (the layer widths) must not hide a figure.
  const doc = await article(`<style>* { font-size: 40px !important; color: red !important } [hidden] { display: none }</style>
<initscope-lab id="a" inits="he_normal" hidden="8x2" activation="tanh" embed="loss" autoplay></initscope-lab>
<initscope-lab id="b" config="inits=zeros,orthogonal&hidden=16x3&seed=1&embed=loss" seed="7" learning-rate="0.01"></initscope-lab>
<initscope-lab id="h" autoplay inits="&lt;img src=x onerror=alert(1)&gt;" hidden="javascript:alert(1)" activation="${long}"></initscope-lab>
<initscope-lab id="j" autoplay config="inits=he_normal&hidden=${long}"></initscope-lab>`);
  const page = await openPage(site.browser, site.server.origin, { width: 1000, height: 3000 });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(doc.url);
  const a = await frameOf(page, '#a');
  const b = await frameOf(page, '#b');
  const sa = await a.evaluate(() => window.initscope.state);
  const sb = await b.evaluate(() => window.initscope.state);
  assert.deepEqual([sa.inits, sa.hidden, sa.activation], [['he_normal'], [8, 8], 'tanh']);
  assert.deepEqual([sb.inits, sb.hidden, sb.seed, sb.learningRate], [['zeros', 'orthogonal'], [16, 16, 16], 7, 0.01],
    'attributes override config');
  await a.waitForFunction(() => window.initscope.playing === true, null, { polling: 100, timeout: 10000 });
  assert.equal(await b.evaluate(() => window.initscope.playing), false, 'no autoplay attribute: waits');

  // Changing an attribute updates the figure (new runs, same iframe).
  const gen = await b.evaluate(() => window.initscope.gen);
  await page.evaluate(() => document.getElementById('b').setAttribute('activation', 'tanh'));
  await b.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, gen, { polling: 100, timeout: 10000 });
  assert.equal(await b.evaluate(() => window.initscope.state.activation), 'tanh');
  assert.equal(await b.evaluate(() => window.initscope.state.seed), 7);

  // Hostile values: the page's own notice, nothing runs (autoplay or not), no markup, no script.
  for (const id of ['h', 'j']) {
    const f = await frameOf(page, `#${id}`);
    assert.ok(await f.isVisible('#notices'), `${id}: a notice`);
    assert.match(await f.textContent('#notice-list'), /invalid|too long/);
    await sleep(800);
    assert.equal(await f.evaluate(() => window.initscope.playing), false, `${id}: autoplay refused`);
    assert.equal(await f.evaluate(() => Number(document.body.dataset.step)), 0, `${id}: nothing trained`);
    assert.equal(await f.evaluate(() => document.querySelectorAll('img').length), 0);
  }
  assert.deepEqual(dialogs, [], 'no script ran');

  // The host's `* { font-size: 40px !important; color: red !important }` stops at the iframe.
  const style = await a.evaluate(() => {
    const s = getComputedStyle(document.querySelector('#b-play'));
    return { size: s.fontSize, color: s.color, body: getComputedStyle(document.body).color };
  });
  assert.equal(style.size, '13px');
  assert.notEqual(style.color, 'rgb(255, 0, 0)');
  assert.notEqual(style.body, 'rgb(255, 0, 0)');
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
  await doc.close();
});

test('events and methods; messages from another window or of another shape change nothing', { timeout: 120000 }, async () => {
  const doc = await article(`<initscope-lab id="a" ${SMALL}></initscope-lab>
<iframe id="other" srcdoc="<p>an unrelated frame</p>" style="height:40px"></iframe>
<iframe id="plain" src="${site.server.url}index.html#inits=he_normal&hidden=8x2&embed=loss" width="100%" height="560" style="border:0"></iframe>`);
  const page = await openPage(site.browser, site.server.origin, { width: 900, height: 1000 });
  await page.goto(doc.url);
  await page.evaluate(() => {
    window.seen = { ready: 0, progress: [], diverged: 0 };
    const el = document.getElementById('a');
    el.addEventListener('ready', () => window.seen.ready++);
    el.addEventListener('progress', (e) => window.seen.progress.push({ t: performance.now(), ...e.detail }));
    el.addEventListener('diverged', () => window.seen.diverged++);
  });
  const a = await frameOf(page, '#a');
  await page.waitForFunction(() => window.seen.ready === 1);
  // The real page keeps posting its height while its charts settle after `ready` (seen: 275 px
  // at ready, 333 px a moment later on a loaded machine); wait until it holds for 600 ms, so a
  // change below can only come from a forged message.
  const frameHeight = () => page.evaluate(() => document.getElementById('a').shadowRoot.querySelector('iframe').style.height);
  let height = await frameHeight();
  for (let stable = 0, tries = 0; stable < 3 && tries < 50; tries++) {
    await sleep(200);
    const now = await frameHeight();
    stable = now === height ? stable + 1 : 0;
    height = now;
  }

  // Forged: play from an unrelated window; play in the wrong shape from the parent.
  await page.evaluate(() => {
    const target = document.getElementById('a').shadowRoot.querySelector('iframe').contentWindow;
    const other = document.getElementById('other').contentWindow;
    other.eval(`(${(t) => t.postMessage({ source: 'initscope', type: 'play' }, '*')})`)(target);
    target.postMessage({ source: 'initscope', type: 'play', extra: 1 }, '*');
    target.postMessage({ type: 'play' }, '*');
    target.postMessage('play', '*');
    target.postMessage({ source: 'initscope', type: 'configure', configs: [] }, '*');
    // ... and to the element, pretending to be its page.
    other.eval(`(${(w) => {
      w.postMessage({ source: 'initscope', type: 'height', height: 5 }, '*');
      w.postMessage({ source: 'initscope', type: 'ready', valid: true }, '*');
    }})`)(window);
    window.postMessage({ source: 'initscope', type: 'height', height: 7 }, '*');
  });
  await sleep(800);
  assert.equal(await a.evaluate(() => window.initscope.playing), false, 'no forged message played it');
  assert.equal(await a.evaluate(() => Number(document.body.dataset.step)), 0);
  assert.equal(await page.evaluate(() => window.seen.ready), 1, 'no forged ready event');
  assert.equal(await frameHeight(), height, 'no forged height');

  // A plain iframe of the site, on a page that loads embed.js, is sized to its content too.
  const plain = await (await page.$('#plain')).contentFrame();
  await plain.waitForFunction(() => window.initscope && window.initscope.ready, null, { polling: 100, timeout: 20000 });
  await page.waitForFunction(() => document.getElementById('plain').style.height !== '', null, { polling: 100, timeout: 10000 });
  await sleep(300);
  const content = await plain.evaluate(() => document.body.getBoundingClientRect().height);
  const outer = await page.evaluate(() => document.getElementById('plain').getBoundingClientRect().height);
  assert.ok(Math.abs(outer - content) <= 8 && outer < 500, `plain iframe ${outer} px for ${content} px of content`);

  // The real thing works: play() trains and reports progress, at most ~4 times a second.
  await page.evaluate(() => document.getElementById('a').play());
  await a.waitForFunction(() => Number(document.body.dataset.step) >= 200, null, { polling: 100, timeout: 20000 });
  await sleep(2000);
  await page.evaluate(() => document.getElementById('a').pause());
  await a.waitForFunction(() => window.initscope.playing === false, null, { polling: 100, timeout: 10000 });
  const progress = await page.evaluate(() => window.seen.progress);
  assert.ok(progress.length >= 4, `progress events arrived (${progress.length})`);
  // The page sends one at most every 250 ms. They arrive in another process, where a busy main
  // thread can hold two and deliver them together (seen: 93 ms apart on a loaded machine), so
  // the test bounds the rate, not each gap: n events sent >= 250 ms apart span >= (n - 1) 250 ms
  // when sent; a delivery delay under 250 ms shortens the received span by less than one gap.
  // A broken throttle (one per frame) would send ~15 times as many.
  const span = progress[progress.length - 1].t - progress[0].t;
  assert.ok(progress.length - 1 <= span / 250 + 1,
    `${progress.length} progress events in ${span.toFixed(0)} ms: more than one per 250 ms`);
  const last = progress[progress.length - 1];
  assert.ok(last.step > 0 && last.runs.length === 2 && last.runs[0].init === 'he_normal' && Number.isFinite(last.runs[0].loss));
  await page.evaluate(() => document.getElementById('a').reset());
  await a.waitForFunction(() => Number(document.body.dataset.step) === 0, null, { polling: 100, timeout: 10000 });
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
  await doc.close();
});
