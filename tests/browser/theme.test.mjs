// theme.test.mjs: light and dark. The toggle's choice is in the link; `auto` follows the
// system; every label keeps a WCAG contrast of at least 4.5:1 against what is behind it, in both
// themes; the canvases (decision boundary, histograms) and uPlot's axes follow the theme.
// Screenshots of every view in both themes go to test-artifacts/ (look at them).

import test from 'node:test';
import assert from 'node:assert/strict';
import { useSite, openPage, load, waitStep, artifact } from './helpers.mjs';

const site = useSite();
const HASH = '#inits=he_normal,xavier_normal,zeros&hidden=16x4&speed=50';

// Every visible text element's colour against the first opaque background behind it.
function contrasts() {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor) ?? { r: 255, g: 255, b: 255 };
  };
  const out = [];
  const selector = 'label, legend, summary, button, h1, .tagline, .intro p, .iv-title, .iv-sub, .iv-legend-label, ' +
    '.iv-legend-note, .iv-readout, .iv-badge, .iv-badge-name, .step-counter, .preset-text, .open-full, .top-links a';
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || !el.textContent.trim() || el.closest('[hidden]')) continue;
    const fg = parse(getComputedStyle(el).color);
    const bg = background(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({ text: el.textContent.trim().slice(0, 30), ratio: (l1 + 0.05) / (l2 + 0.05) });
  }
  return out;
}

// Mean luminance (0..1) of a canvas inside `selector`.
function canvasLuminance(selector) {
  const c = document.querySelector(selector);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let sum = 0;
  for (let i = 0; i < d.length; i += 4) sum += (0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2]) / 255;
  return sum / (d.length / 4);
}

for (const theme of ['light', 'dark']) {
  test(`${theme} theme: labels readable (contrast >= 4.5:1), canvases follow, a screenshot per view`, async () => {
    const page = await openPage(site.browser, site.server.origin, { width: 1280, height: 800 });
    await load(page, site.server.url, `${HASH}&theme=${theme}`);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
    await page.click('#b-play');
    await waitStep(page, 300);
    await page.click('#b-play');
    await page.waitForFunction(() => window.initscope.playing === false);
    await page.waitForTimeout(300);
    const low = (await page.evaluate(contrasts)).filter((c) => c.ratio < 4.5);
    assert.deepEqual(low, [], `labels under 4.5:1 in ${theme}`);
    const boundary = await page.evaluate(canvasLuminance, '.iv-tile-canvas');
    if (theme === 'dark') assert.ok(boundary < 0.45, `the boundary tile is dark (${boundary.toFixed(2)})`);
    else assert.ok(boundary > 0.55, `the boundary tile is light (${boundary.toFixed(2)})`);
    // uPlot's axis colour is the theme's.
    const axis = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--chart-axis').trim());
    assert.equal(axis, theme === 'dark' ? '#c3c9d5' : '#333a48');
    await page.screenshot({ path: artifact(`theme-${theme}-page.png`) });
    for (const part of ['loss', 'variance', 'gradient', 'histograms', 'boundary', 'badges']) {
      await page.locator(`[data-part="${part}"]`).first().screenshot({ path: artifact(`theme-${theme}-${part}.png`) });
    }
    assert.deepEqual(page.problems.pageErrors, []);
    assert.deepEqual(page.problems.console, []);
    await page.context().close();
  });
}

test('the toggle keeps its choice in the link; auto follows the system', async () => {
  const page = await openPage(site.browser, site.server.origin, { width: 1000, height: 700 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await load(page, site.server.url, '#hidden=8x2');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'auto + a dark system');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  await page.selectOption('#c-theme', 'dark');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  assert.match(await page.evaluate(() => location.hash), /(^#|&)theme=dark(&|$)/);
  // The link reopens dark.
  const url = await page.evaluate(() => location.href);
  const again = await openPage(site.browser, site.server.origin, { width: 1000, height: 700 });
  await load(again, url);
  assert.equal(await again.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await again.context().close();
  await page.context().close();
});
