// The chart views on their own: web/views-demo.html renders every view from synthetic data. The
// page is staged like dist/ (web/ copied, uPlot in vendor/) in a temp dir, so this needs no wasm
// build. Checks what a person would see (charts drawn in the runs' colours, legends, summaries)
// and that hostile data (NaN, 0, Infinity, negatives, a diverged run, no records, 200 layers)
// never throws.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, serveDir, launch } from './helpers.mjs';

const VIEWS = ['v-badges', 'v-loss', 'v-variance', 'v-gradient', 'v-histograms', 'v-boundary'];

let dir;
let server;
let origin;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'initscope-views-'));
  cpSync(join(ROOT, 'web'), dir, { recursive: true });
  mkdirSync(join(dir, 'vendor'), { recursive: true });
  for (const f of ['uPlot.esm.js', 'uPlot.min.css']) cpSync(join(ROOT, 'node_modules', 'uplot', 'dist', f), join(dir, 'vendor', f));
  server = await serveDir(dir);
  origin = server.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(query = '', viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text()) && !/404/.test(m.text())) page.errors.push(m.text()); });
  await page.goto(`${origin}/views-demo.html${query}`);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 10000 });
  return page;
}

/** Per container: canvases, how many of their pixels are strongly coloured (not white/grey/black),
 *  and which run colours (rgb within a tolerance) appear. */
function inspect(page, colors = []) {
  return page.evaluate(({ ids, colors }) => {
    const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const targets = colors.map(hex);
    const out = {};
    for (const id of ids) {
      const el = document.getElementById(id);
      let colored = 0;
      const found = new Set();
      for (const cv of el.querySelectorAll('canvas')) {
        if (!cv.width || !cv.height) continue;
        const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] < 200) continue;
          const r = d[i]; const g = d[i + 1]; const b = d[i + 2];
          if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colored++;
          targets.forEach((t, k) => {
            if (Math.abs(t[0] - r) + Math.abs(t[1] - g) + Math.abs(t[2] - b) < 30) found.add(colors[k]);
          });
        }
      }
      out[id] = {
        canvases: el.querySelectorAll('canvas').length,
        colored,
        found: [...found],
        legend: el.querySelector('.iv-legend')?.textContent ?? '',
        text: el.textContent,
        summary: el.querySelector('.iv-sr')?.textContent ?? '',
      };
    }
    return out;
  }, { ids: VIEWS, colors });
}

test('every view renders the demo: coloured curves, legends, text summaries', async () => {
  const page = await open('?runs=3&depth=10&records=50');
  const colors = await page.evaluate(() => window.__demo.model.runs.map((r) => r.color));
  const got = await inspect(page, colors);
  for (const id of ['v-loss', 'v-variance', 'v-gradient']) {
    assert.equal(got[id].canvases, 1, `${id}: one uPlot canvas`);
    assert.ok(got[id].colored > 200, `${id}: curves drawn (${got[id].colored} coloured pixels)`);
    // He (blue) and Xavier (vermillion) lines are drawn in their own colours; zeros is black
    for (const c of colors.slice(0, 2)) assert.ok(got[id].found.includes(c), `${id}: a line in ${c}`);
    for (const label of ['He normal', 'Xavier normal', 'Zeros']) assert.match(got[id].legend, new RegExp(label), `${id} legend names ${label}`);
    assert.ok(got[id].summary.length > 40, `${id}: hidden text summary`);
  }
  assert.match(got['v-variance'].legend, /theory at init/);
  assert.match(got['v-variance'].legend, /exactly 0/, 'zero init marked on the log axis');
  assert.match(got['v-loss'].legend, /acc \d+% \/ \d+%/, 'accuracy in the loss legend');
  assert.match(got['v-variance'].summary, /He normal: pre-activation variance [\d.]+ at layer 1/);
  assert.ok(got['v-histograms'].colored > 500, 'histogram ridges drawn');
  // the output layer (linear logits) is left out: the activation's bins do not fit it
  assert.match(got['v-histograms'].legend, /all 10 hidden layers/);
  assert.equal(got['v-boundary'].canvases, 3, 'one boundary canvas per run');
  assert.ok(got['v-boundary'].colored > 2000, 'boundary heatmaps drawn');
  assert.match(got['v-badges'].text, /symmetric: all units identical/);
  assert.match(got['v-badges'].text, /dead ReLUs in layer \d+/);
  // the view containers are labelled for assistive technology
  const labelled = await page.$$eval('.iv-view', (els) => els.every((e) => {
    const t = document.getElementById(e.getAttribute('aria-labelledby'));
    const d = document.getElementById(e.getAttribute('aria-describedby'));
    return t && t.textContent && d;
  }));
  assert.ok(labelled, 'every view has aria-labelledby and aria-describedby');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('deep net, 4 runs, a diverged run and NaN/0/Infinity/negative values: no errors, still drawn', async () => {
  const page = await open('?runs=4&depth=200&diverged=1&nasty=1&logY=1');
  const got = await inspect(page);
  assert.ok(got['v-variance'].colored > 200);
  assert.ok(got['v-loss'].colored > 200);
  assert.match(got['v-histograms'].legend, /\(10 of 200 hidden\)/, 'deep nets subsample the histogram rows and say which');
  assert.match(got['v-badges'].text, /diverged at step \d+/);
  assert.match(got['v-boundary'].text, /Orthogonal/);
  // linear loss axis, cursor inside and beyond the diverged run's records, hover readouts
  await page.evaluate(() => {
    const d = window.__demo;
    for (const cursor of [0, 10, 35, 49, 500, -1]) {
      d.options.cursor = cursor;
      d.options.logY = !d.options.logY;
      d.render();
    }
  });
  const box = await page.locator('#v-variance .iv-plot').boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  const readout = await page.locator('#v-variance .iv-readout').textContent();
  assert.match(readout, /layer \d+: He normal/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('update() survives hostile models', async () => {
  const page = await open('?runs=2&depth=3');
  const failures = await page.evaluate(() => {
    const d = window.__demo;
    const bad = [NaN, 0, Infinity, -Infinity, -1, 1e-320, 1e308];
    const stats = (L, v) => {
      const arr = () => Float64Array.from({ length: L }, (_, i) => v ?? bad[i % bad.length]);
      return {
        preMean: arr(), preVar: arr(), postMean: arr(), postVar: arr(), deadFraction: arr(), gradVar: arr(),
        weightGradVar: arr(), weightVar: arr(), theoryVar: arr(), symmetric: new Array(L).fill(true), theoryExact: false,
        histogram: { lo: v ?? NaN, hi: v ?? NaN, bins: 0, counts: [] },
      };
    };
    const rec = (step, v) => ({ step, trainLoss: v, testLoss: v, trainAccuracy: v, testAccuracy: v, layerStats: stats(4, v) });
    const ds = d.model.dataset;
    const models = [
      null,
      {},
      { runs: [], cursor: -1, activeRun: 0, dataset: null, logY: true, activation: 'relu', hidden: [] },
      { runs: [{ key: 'a', init: 'he_normal', label: 'He', color: '#0072B2', diverged: null, records: [], grid: null }], cursor: -1, activeRun: 3, dataset: ds, logY: true, activation: 'relu', hidden: [8, 8, 8] },
      {
        runs: [
          { key: 'a', init: 'he_normal', diverged: null, records: [0, 1, 2, 3].map((i) => rec(i * 10, [NaN, 0, Infinity, -1][i])), grid: { res: 2, classes: 2, probs: new Float32Array([NaN, Infinity, -1, 0, 0, 0, 1, 0]) } },
          { key: 'b', init: 'zeros', diverged: 10, records: [rec(0, 0.7), rec(10, NaN)], grid: null },
          { key: 'c', init: 'no_such_init', diverged: null, records: [rec(0, 1e-30), { step: 10, trainLoss: 1, testLoss: 1, trainAccuracy: 1, testAccuracy: 1, layerStats: null }], grid: { res: 0, classes: 0, probs: new Float32Array(0) } },
          { key: 'd', init: 'lsuv', diverged: null, records: [rec(0, 0), rec(10, 0)], grid: null },
        ],
        cursor: 2, activeRun: 1, dataset: { ...ds, bounds: [0, 0, 0, 0] }, logY: true, activation: 'tanh', hidden: [8, 8, 8],
      },
      { runs: [{ key: 'e', init: 'he_normal', diverged: null, records: [rec(0, 1)], grid: null }], cursor: 99, activeRun: 0, dataset: { ...ds, inputDim: 784 }, logY: false, activation: 'relu', hidden: [8, 8, 8] },
    ];
    const errors = [];
    for (const [i, m] of models.entries()) {
      for (const [name, v] of Object.entries(d.views)) {
        try { v.update(m); v.resize(); } catch (e) { errors.push(`model ${i} ${name}: ${e.stack}`); }
      }
    }
    // and back to a healthy model
    try { d.render(); } catch (e) { errors.push(`healthy: ${e.stack}`); }
    return errors;
  });
  assert.deepEqual(failures, []);
  await page.waitForTimeout(50);
  const got = await inspect(page);
  assert.ok(got['v-variance'].colored > 100, 'draws again after hostile models');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('phone width: views stack without horizontal overflow', async () => {
  const page = await open('?runs=3&depth=30', { width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px`);
  const got = await inspect(page);
  for (const id of ['v-loss', 'v-variance', 'v-gradient', 'v-histograms', 'v-boundary']) assert.ok(got[id].colored > 100, `${id} drawn at 390px`);
  const widths = await page.$$eval('.iv-view canvas', (cs) => cs.map((c) => c.getBoundingClientRect().right));
  assert.ok(widths.every((r) => r <= 390), 'no canvas sticks out');
  assert.deepEqual(page.errors, []);
  await page.close();
});
