// tests/browser/security.test.mjs: XSS payloads through the URL hash, in Chromium.
//
// The page opens from links anyone can write and runs inside other people's articles. Each
// payload below is put in EVERY field of the hash at once (and used as a key), the page is loaded,
// played, and then given the payload again through a hashchange. Asserted: no payload ran (no
// dialog, no console marker, no window.__xss), nothing from the hash became markup, no request
// left the origin (a payload that asks for http://evil.example would show up here), the
// Content-Security-Policy blocked nothing the page itself needs (a violation report means either
// an injection attempt reached the DOM or the page relies on something the policy forbids), and
// the page still trains afterwards. tests/node/hostile-hash.test.mjs checks the notices' exact
// wording without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { useSite, openPage, load, waitStep, ROOT } from './helpers.mjs';

const site = useSite();

// The first ones are short and free of quotes, so they survive the notices' quoting and 40-character
// cut intact: were a notice ever set with innerHTML, they would become elements (and the CSP would
// report their blocked handlers).
const PAYLOADS = [
  '<img src=x onerror=__xss=9>',
  '<svg onload=__xss=10>',
  '<b id=xss-link>bold</b>',
  '<img src=x onerror="window.__xss=1;console.log(\'XSS-MARKER\')">',
  '<script>window.__xss=2;console.log("XSS-MARKER")</script>',
  'javascript:window.__xss=3',
  '"><svg onload="window.__xss=4">',
  '\'><iframe src="javascript:parent.__xss=5"></iframe>',
  '<img src="http://evil.example/leak.png">',
  '<a href="javascript:window.__xss=6" id="xss-link">x</a>',
  '</title><style>*{background:url(http://evil.example/css)}</style>',
  '{{constructor.constructor(\'window.__xss=7\')()}}',
  '${window.__xss=8}',
];
const FIELDS = ['inits', 'dataset', 'samples', 'noise', 'testFraction', 'inputDim', 'classes', 'seed',
  'hidden', 'activation', 'leakySlope', 'gain', 'optimizer', 'learningRate', 'momentum', 'batchSize',
  'loss', 'speed', 'hist', 'logY', 'embed'];

function hashWith(payload) {
  const e = encodeURIComponent(payload);
  return `#${FIELDS.map((f) => `${f}=${e}`).join('&')}&${e}=1`;
}

// Watches for anything a payload could do, from before the page's first script runs.
async function watch(page) {
  page.events = { dialogs: [], markers: [] };
  page.on('dialog', (d) => { page.events.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('console', (m) => { if (m.text().includes('XSS-MARKER')) page.events.markers.push(m.text()); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
}

async function assertNothingRan(page, what) {
  const seen = await page.evaluate(() => ({
    xss: window.__xss ?? null,
    parentXss: window.parent.__xss ?? null,
    csp: window.__csp,
    injected: document.querySelectorAll('img[src="x"], script:not([src]), svg[onload], iframe, #xss-link, [onerror], [onload]').length,
  }));
  assert.deepEqual(page.events.dialogs, [], `${what}: a dialog opened`);
  assert.deepEqual(page.events.markers, [], `${what}: a payload logged`);
  assert.equal(seen.xss, null, `${what}: window.__xss = ${seen.xss}`);
  assert.equal(seen.parentXss, null, `${what}: parent.__xss = ${seen.parentXss}`);
  assert.equal(seen.injected, 0, `${what}: markup from the hash reached the DOM`);
  assert.deepEqual(seen.csp, [], `${what}: Content-Security-Policy violations`);
  assert.deepEqual(page.problems.foreign, [], `${what}: requests left the origin`);
  assert.deepEqual(page.problems.pageErrors, [], `${what}: page errors`);
}

test('the page\'s Content-Security-Policy allows no inline script or style and no other origin', () => {
  const html = readFileSync(join(ROOT, 'web', 'index.html'), 'utf8');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  assert.ok(csp, 'index.html has a CSP meta tag');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['script-src'], ["'self'"]);
  assert.deepEqual(directives['style-src'], ["'self'"]);
  assert.deepEqual(directives['default-src'], ["'self'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.deepEqual(directives['base-uri'], ["'none'"]);
  for (const [k, v] of Object.entries(directives)) {
    assert.ok(!v.includes("'unsafe-inline'") && !v.includes("'unsafe-eval'") && !v.includes('*'), `${k}: ${v.join(' ')}`);
  }
});

for (const payload of PAYLOADS) {
  test(`XSS through the hash: ${payload.slice(0, 50)}`, async () => {
    const page = await openPage(site.browser, site.server.origin);
    await watch(page);
    await load(page, site.server.url, hashWith(payload));
    // Every field fell back to its default, each with a notice shown as text.
    const state = await page.evaluate(() => window.initscope.state);
    assert.deepEqual(state.inits, ['he_normal', 'xavier_normal', 'zeros']);
    assert.equal(state.embed, null);
    const notices = await page.textContent('#notice-list');
    // (main.js shows the latest 12 notices; the embed field's is among them.)
    assert.ok(notices.includes(`invalid embed = ${JSON.stringify(payload.slice(0, 40))}`) ||
      notices.includes('invalid embed = "'), `the payload is quoted as text in a notice: ${notices.slice(0, 200)}`);
    // Play a little (views, badges and readouts render with this state), then hashchange.
    await page.click('#b-step');
    await waitStep(page, 1);
    await page.evaluate((h) => { location.hash = h; }, hashWith(payload).replace('inits=', 'inits=zeros,'));
    await page.waitForTimeout(300);
    await page.click('#b-step');
    await waitStep(page, 1);
    await assertNothingRan(page, payload);
    const text = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, /\bNaN\b|Infinity/, 'no NaN or Infinity in what the page shows');
    await page.context().close();
  });
}

test('a clean page: no CSP violation while loading, playing, opening the embed and download menus', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await watch(page);
  await load(page, site.server.url, '#inits=he_normal,zeros&hidden=16x6&speed=50');
  await page.click('#b-play');
  await waitStep(page, 200);
  await page.click('#b-play');
  for (const id of ['#b-embed', '#b-download']) {
    if (await page.locator(id).count()) await page.click(id);
  }
  await page.keyboard.press('Escape');
  await assertNothingRan(page, 'clean page');
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
});
