// The Width tab (views/width.js): a person opens it, runs a small coordinate check and sees one
// panel per parametrization and step with every layer's slope; the CSV and JSON it downloads
// are the bytes of the command it shows; Cancel stops a check (no more progress, no worker left
// computing) and the next check still runs; the tabs work from the keyboard; it fits a 390 px
// phone and reads in light and dark (screenshots in test-artifacts/).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useSite, openPage, load, artifact, sleep, ROOT } from './helpers.mjs';

const site = useSite();
const BIN = process.env.INITSCOPE_BIN ?? join(ROOT, 'build/native/bin/initscope');

function cli(command, format) {
  const args = command.replace(/^\$ initscope /, '').split(' ');
  const r = spawnSync(BIN, [...args, '--format', format, '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `initscope ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function openWidth(page, hash = '#tab=width') {
  await load(page, site.server.url, hash);
  await page.waitForSelector('#b-width-run', { state: 'visible' });
  // the command line appears once a worker has told the CLI's defaults
  await page.waitForFunction(() => document.getElementById('width-command').textContent.startsWith('$ initscope coordcheck'));
}

async function fill(page, fields) {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#width-${id}`, String(value));
  await page.dispatchEvent('#width-widths', 'change');
}

const waitDone = (page, timeout = 120000) => page.waitForFunction(() => window.initscope.width.info()?.done, null, { timeout });

// Pixels of a panel's canvas that differ from its top-left corner (the background).
function inkedPixels(page, index) {
  return page.evaluate((i) => {
    const c = document.querySelectorAll('.iv-width-canvas')[i];
    const ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (Math.abs(d[k + 3] - d[3]) > 40 || Math.abs(d[k] - d[0]) > 40) n++;
    return n;
  }, index);
}

async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return readFileSync(await file.path(), 'utf8');
}

test('Width tab: a small check draws its panels with slopes, and its CSV and JSON are the CLI\'s bytes', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await openWidth(page);
  assert.equal(await page.getAttribute('#tab-width', 'aria-selected'), 'true');
  await fill(page, { widths: '64,128,256', steps: 2, seeds: 2, depth: 2 });
  await page.check('#width-p-ntk');
  await page.click('#b-width-run');
  await waitDone(page);
  const command = await page.textContent('#width-command');
  assert.match(command, /--widths 64,128,256 --parametrization sp,ntk,mup --steps 2 --seeds 2 --hidden 64x2/);
  // 3 parametrizations x steps 1..2 (change at step 0 is 0 everywhere: no panel)
  const cells = await page.$$eval('.iv-width-cell', (els) => els.map((e) => ({
    key: e.dataset.cell, caption: e.querySelector('figcaption').textContent,
    slopes: [...e.querySelectorAll('.iv-width-slope b')].map((b) => b.textContent),
  })));
  assert.deepEqual(cells.map((c) => c.key), ['sp|1', 'sp|2', 'ntk|1', 'ntk|2', 'mup|1', 'mup|2']);
  for (const c of cells) {
    assert.equal(c.slopes.length, 3, `${c.caption}: a slope per layer (2 hidden + logits)`);
    for (const s of c.slopes) assert.match(s, /^\u2212?\d+\.\d\d$/, `${c.caption}: slope text ${s}`);
  }
  // the slopes shown are the CLI's, rounded
  const doc = JSON.parse(cli(command, 'json'));
  const spLogits = doc.slopes.find((s) => s.parametrization === 'sp' && s.step === 1 && s.layer === 3).change;
  assert.equal(cells[0].slopes[2].replace('\u2212', '-'), spLogits.toFixed(2));
  for (let i = 0; i < cells.length; i++) assert.ok(await inkedPixels(page, i) > 200, `panel ${cells[i].key} is empty`);
  // the plotted measure switches without computing again
  await page.selectOption('#width-measure', 'size');
  assert.equal(await page.$$eval('.iv-width-cell', (els) => els.length), 9, 'size: steps 0..2');
  assert.equal(await download(page, '#b-width-csv'), cli(command, 'csv'));
  assert.equal(await download(page, '#b-width-json'), cli(command, 'json'));
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.foreign, []);
  await page.context().close();
});

test('Width tab: Cancel stops a check at once and the next one runs', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await openWidth(page);
  // 2 x 4 x 20 = 160 runs of 20 updates: far longer than the test waits
  await fill(page, { widths: '128,256,512,1024', steps: 20, seeds: 20 });
  await page.click('#b-width-run');
  await page.waitForFunction(() => document.getElementById('width-progress').value >= 2);
  assert.equal(await page.isDisabled('#b-width-run'), true);
  await page.click('#b-width-cancel');
  const stopped = await page.evaluate(() => document.getElementById('width-progress').value);
  assert.match(await page.textContent('#width-status'), /^cancelled after \d+ \/ 160 runs$/);
  await sleep(1500);
  assert.equal(await page.evaluate(() => document.getElementById('width-progress').value), stopped, 'progress after cancel');
  const info = await page.evaluate(() => window.initscope.width.info());
  assert.equal(info.running, false);
  assert.equal(info.done, false);
  assert.equal(await page.isDisabled('#b-width-csv'), true, 'nothing to download from a cancelled check');
  assert.equal(await page.isDisabled('#b-width-run'), false);
  // and the pool still works (its busy workers were replaced)
  await fill(page, { widths: '32,64', steps: 1, seeds: 1 });
  await page.click('#b-width-run');
  await waitDone(page);
  assert.match(await page.textContent('#width-status'), /^4 runs in /);
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('Width tab: reached from the keyboard, a bad setting is named, and it errs in the core\'s words', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  assert.equal(await page.isVisible('#width'), false);
  await page.focus('#tab-training');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#tab-width', 'aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-width');
  await page.waitForSelector('#b-width-run', { state: 'visible' });
  assert.match(await page.evaluate(() => location.hash), /tab=width/);
  // the form: Tab reaches the settings and Enter runs the check
  await fill(page, { widths: '256,128' });
  await page.focus('#width-seeds');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('width-error').textContent !== '');
  assert.equal(await page.textContent('#width-error'), 'invalid widths = 128: expected increasing widths (after 256)');
  await fill(page, { widths: '1024,2048' });
  await page.click('#b-width-run');
  await page.waitForFunction(() => /parameters/.test(document.getElementById('width-error').textContent));
  assert.match(await page.textContent('#width-error'), /^invalid hidden = a network of \d+ parameters: expected at most 4194304 parameters/);
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

for (const [name, width, height, theme] of [['width-desktop-light', 1280, 800, 'light'], ['width-desktop-dark', 1280, 800, 'dark'], ['width-phone-390', 390, 844, 'dark']]) {
  test(`Width tab screenshot ${name}: the default check, readable, no sideways scrolling`, async () => {
    const page = await openPage(site.browser, site.server.origin, { width, height });
    await openWidth(page, `#tab=width&theme=${theme}`);
    await page.click('#b-width-run');
    await waitDone(page);
    await sleep(300);
    await page.screenshot({ path: artifact(`${name}.png`), fullPage: width < 500 });
    const m = await page.evaluate(() => ({
      scrollW: document.documentElement.scrollWidth,
      cells: [...document.querySelectorAll('.iv-width-cell')].map((c) => {
        const r = c.getBoundingClientRect();
        const canvas = c.querySelector('canvas').getBoundingClientRect();
        return { w: r.width, h: r.height, canvasH: canvas.height, right: r.right };
      }),
    }));
    assert.ok(m.scrollW <= width, `the page is ${m.scrollW}px wide at ${width}`);
    assert.equal(m.cells.length, 6, 'sp and mup, steps 1..3');
    for (const c of m.cells) {
      assert.ok(c.right <= width, `a panel ends at ${c.right}`);
      assert.ok(c.w >= 150 && c.canvasH >= 80, `a panel is ${c.w}x${c.h} (canvas ${c.canvasH} tall)`);
    }
    assert.deepEqual(page.problems.console, []);
    await page.context().close();
  });
}

test('coordcheck_sp_vs_mup: the menu and its link open the Width tab with its settings, ready to run', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url);
  const groups = await page.$$eval('#c-preset optgroup', (gs) => gs.map((g) => g.label));
  assert.ok(groups.includes('Width'), `the menu has a Width chapter (${groups.join(', ')})`);
  await page.selectOption('#c-preset', 'coordcheck_sp_vs_mup');
  await page.waitForSelector('#b-width-run', { state: 'visible' });
  assert.equal(await page.getAttribute('#tab-width', 'aria-selected'), 'true');
  const fields = () => page.evaluate(() => Object.fromEntries(['widths', 'steps', 'seeds', 'depth', 'lr', 'seed'].map((k) => [k, document.getElementById(`width-${k}`).value])));
  const expected = { widths: '128,256,512,1024', steps: '3', seeds: '6', depth: '3', lr: '0.001', seed: '42' };
  assert.deepEqual(await fields(), expected);
  assert.equal(await page.isChecked('#width-p-sp') && await page.isChecked('#width-p-mup') && !(await page.isChecked('#width-p-ntk')), true);
  assert.match(await page.textContent('#preset-text'), /Watch: .*μP every line is flat/);
  assert.equal((await page.evaluate(() => window.initscope.width.info())).running, false, 'the reader starts it');
  const other = await openPage(site.browser, site.server.origin);
  await load(other, site.server.url, '#preset=coordcheck_sp_vs_mup');
  await other.waitForSelector('#b-width-run', { state: 'visible' });
  assert.deepEqual(await other.evaluate(() => Object.fromEntries(['widths', 'steps', 'seeds', 'depth', 'lr', 'seed'].map((k) => [k, document.getElementById(`width-${k}`).value]))), expected);
  assert.match(await other.evaluate(() => location.hash), /tab=width/);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(other.problems.pageErrors, []);
  await other.context().close();
  await page.context().close();
});
