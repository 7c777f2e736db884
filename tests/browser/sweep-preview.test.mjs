// sweep-preview.test.mjs: a sweep preset, before Start sweep is pressed (issue 17 leftovers).
//   - the panel is not blank: axes, the 130 empty cells' outlines and the theory overlay (the
//     critical sigma_w^2 line and the 6 xi_c curve) are drawn at once;
//   - the header's intro describes the sweep on screen, not ReLU and the space key, and comes
//     back when the charts do;
//   - the CLI line under the buttons is readable whole (not cut with an ellipsis) at 1280 px and
//     at a phone's width.
// Screenshots (light and dark, 1280x800 and 390x844) go to test-artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, openPage, load, artifact } from './helpers.mjs';

const site = useSite();
const PRESET = '#preset=edge_of_chaos_sweep';

const info = (page) => page.evaluate(() => window.initscope.sweep.info());

// The whole overlay: the critical value and every 6 xi_c point (computed in the theory worker).
async function waitOverlay(page) {
  await page.waitForFunction(() => {
    const o = window.initscope.sweep.info().overlay;
    return o && o.critical !== null && o.xiC.every((v) => v !== null);
  }, null, { timeout: 240000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// Pixel counts on the heatmap canvas: overlay-coloured ones (THEORY = #ff3b6b), and the empty
// cells' outlines (many short runs of a colour other than the cell fill inside the plot area).
function canvasInk(page) {
  return page.evaluate(() => {
    const c = document.querySelector('.iv-sweep-canvas');
    const ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let theory = 0;
    let opaque = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) opaque++;
      if (d[i] > 200 && d[i + 1] < 120 && d[i + 2] > 60 && d[i + 2] < 160) theory++;
    }
    // along a horizontal line through the middle of the plot: how often the colour changes
    const dpr = window.devicePixelRatio || 1;
    const y = Math.round(c.height / 2);
    const row = ctx.getImageData(Math.round(58 * dpr), y, Math.max(1, c.width - Math.round(128 * dpr)), 1).data;
    let changes = 0;
    for (let i = 4; i < row.length; i += 4) {
      if (Math.abs(row[i] - row[i - 4]) + Math.abs(row[i + 1] - row[i - 3]) + Math.abs(row[i + 2] - row[i - 2]) > 30) changes++;
    }
    return { theory, opaque, changes, width: c.width, height: c.height };
  });
}

function commandFits(page) {
  return page.evaluate(() => {
    const el = document.querySelector('.sweep-command');
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return {
      text: el.textContent, scroll: el.scrollWidth, client: el.clientWidth, visible: r.width > 0 && r.height > 0,
      ellipsis: cs.textOverflow === 'ellipsis' && cs.overflow !== 'visible', right: r.right, viewport: innerWidth,
      lines: Math.round(r.height / parseFloat(cs.lineHeight || '14')),
    };
  });
}

test('a sweep preset opens on its axes, empty cells and theory overlay, and says so in the intro', { timeout: 300000 }, async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, PRESET);
  await page.waitForFunction(() => document.body.classList.contains('sweep-mode'));
  const i = await info(page);
  assert.equal(i.running, false, 'nothing runs before Start sweep');
  assert.equal(i.done, 0);
  assert.ok(i.preview, 'a preview is drawn');
  assert.equal(i.preview.cells, 130);
  assert.deepEqual(i.preview.axes.map((a) => a.field), ['weightVar', 'depth']);
  assert.equal(i.preview.axes[0].labels.length, 13);
  await waitOverlay(page);
  const o = (await info(page)).overlay;
  assert.ok(Math.abs(o.critical - 1.76) < 0.02, `critical sigma_w^2 ${o.critical}`);
  const ink = await canvasInk(page);
  assert.ok(ink.theory > 200, `the overlay is drawn (${ink.theory} overlay-coloured pixels)`);
  // 13 columns: at least 12 borders between empty cells along the middle row (plus the overlay)
  assert.ok(ink.changes >= 24, `the empty cells are outlined (${ink.changes} colour changes along a row)`);
  assert.equal(await page.locator('#v-sweep').getAttribute('data-overlay'), 'shown');
  assert.match(await page.locator('#v-sweep .iv-sub').textContent(), /130 cells, press Start sweep/);

  // The intro: about the sweep, not ReLU / the space key.
  const intro = page.locator('#intro-sweep');
  assert.equal(await intro.isVisible(), true);
  const text = await intro.textContent();
  assert.match(text, /each of the 130 cells is one network, σw² \(1 to 4\) along x, depth \(10 to 100\) upwards/);
  assert.match(text, /σw²/);
  assert.match(text, /depth/);
  assert.match(text, /300 updates/);
  assert.match(text, /its colour is its train accuracy after 300 updates/);
  assert.match(text, /6·ξc/);
  assert.match(text, /Start sweep/);
  const visibleIntro = await page.evaluate(() => [...document.querySelectorAll('.intro p, .intro details')]
    .filter((e) => e.offsetParent !== null).map((e) => e.textContent).join(' '));
  assert.doesNotMatch(visibleIntro, /ReLU|space/);

  // The CLI line, whole.
  const cmd = await commandFits(page);
  assert.ok(cmd.visible, 'the command is shown before the sweep starts');
  assert.match(cmd.text, /^\$ initscope sweep --x weightVar=1,1\.25,.*,4 --y depth=10,20,.*,100 --steps 300 --seeds 1 .* --seed 42$/);
  assert.ok(cmd.scroll <= cmd.client, `not clipped: scrollWidth ${cmd.scroll} > clientWidth ${cmd.client}`);
  assert.equal(cmd.ellipsis, false);
  assert.ok(cmd.right <= cmd.viewport, 'inside the window');
  await page.screenshot({ path: artifact('sweep-preview-1280-light.png') });

  // Started and cancelled: still whole, and the intro says the cells can be opened.
  await page.click('#b-sweep-start');
  await page.click('#b-sweep-cancel');
  const after = await commandFits(page);
  assert.ok(after.scroll <= after.client, `after start: scrollWidth ${after.scroll} > clientWidth ${after.client}`);
  assert.match(await intro.textContent(), /Hover a cell for its numbers/);

  // Back to the charts: the lab's own intro returns.
  await page.click('#b-sweep');
  assert.equal(await intro.isVisible(), false);
  assert.match(await page.locator('.intro > p:not(.intro-sweep)').textContent(), /ReLU/);
  assert.equal(await page.locator('.intro > p:not(.intro-sweep)').isVisible(), true);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  await page.context().close();
});

for (const [theme, width, height] of [['dark', 1280, 800], ['light', 390, 844], ['dark', 390, 844]]) {
  test(`sweep preset preview, ${theme} at ${width}x${height}: drawn, command whole`, { timeout: 300000 }, async () => {
    const page = await openPage(site.browser, site.server.origin, { width, height });
    await load(page, site.server.url, `${PRESET}&theme=${theme}`);
    await page.waitForFunction(() => document.body.classList.contains('sweep-mode'));
    await waitOverlay(page);
    const ink = await canvasInk(page);
    assert.ok(ink.theory > 100, `overlay drawn (${ink.theory})`);
    assert.ok(ink.changes >= 24, `cells outlined (${ink.changes})`);
    const cmd = await commandFits(page);
    assert.ok(cmd.scroll <= cmd.client, `not clipped: ${cmd.scroll} > ${cmd.client}`);
    assert.ok(cmd.right <= cmd.viewport + 0.5, `inside the window: ${cmd.right} > ${cmd.viewport}`);
    assert.equal(await page.locator('#intro-sweep').isVisible(), true);
    await page.locator('#sweep').scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifact(`sweep-preview-${width}-${theme}.png`), fullPage: width < 900 });
    assert.deepEqual(page.problems.pageErrors, []);
    await page.context().close();
  });
}
