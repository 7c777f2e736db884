// The Theory tab (issue 12): weightVar / biasVar as page state (per-run lists through the hash,
// bad values refused in the page's words, old links unchanged), and the three theory views drawn
// from the real engine in Chromium: correlation lines (measured and dashed theory) for every run,
// the phase diagram's critical line and run dots (and a click / Enter moving the selected run),
// a non-empty Jacobian histogram per run. Screenshots of the tab at 1280x800 and 390 px wide go to
// test-artifacts/.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../web/js/engine/engine.js';
import {
  DEFAULTS, parseHash, toHash, validateState, runConfig, engineCatalog,
} from '../../web/js/state/state.js';
import { useSite, openPage, load, artifact } from './helpers.mjs';

let engine;
let catalog;

before(async () => {
  engine = await loadEngine();
  catalog = engineCatalog(engine);
});

const MF3 = 'inits=mean_field,mean_field,mean_field&activation=tanh&weightVar=1,1.76,4&biasVar=0.05';

// ---------------------------------------------------------------------------------------------
// state (no browser)

test('weightVar and biasVar lists survive the hash, and each run gets its own value', () => {
  const { state, notices } = parseHash(`#${MF3}&hidden=32x6`, catalog);
  assert.deepEqual(notices, []);
  assert.deepEqual(state.inits, ['mean_field', 'mean_field', 'mean_field']);
  assert.deepEqual(state.weightVar, [1, 1.76, 4]);
  assert.equal(state.biasVar, 0.05);
  const hash = toHash(state);
  assert.match(hash, /[#&]weightVar=1,1\.76,4(&|$)/);
  assert.match(hash, /[#&]biasVar=0\.05(&|$)/);
  assert.deepEqual(parseHash(hash, catalog).state, state);
  const configs = state.inits.map((init, i) => runConfig(state, init, i));
  assert.deepEqual(configs.map((c) => c.weightVar), [1, 1.76, 4]);
  assert.deepEqual(configs.map((c) => c.biasVar), [0.05, 0.05, 0.05]);
  // the engine takes them, and they make different networks
  const runs = configs.map((c) => engine.createRun(c));
  try {
    const v = runs.map((r) => r.layerStats().weightVar[2] * 32);
    assert.ok(v[0] < v[1] && v[1] < v[2], `fan_in * Var[w] should follow weightVar: ${v}`);
  } finally {
    for (const r of runs) r.dispose();
  }
});

test('a list of all-equal values is one number, and per-run values follow their own runs', () => {
  const s = validateState({ ...DEFAULTS, inits: ['mean_field', 'orthogonal'], weightVar: '2,2', biasVar: [0, 0.1] }, catalog);
  assert.equal(s.weightVar, 2);
  assert.deepEqual(s.biasVar, [0, 0.1]);
  assert.equal(runConfig(s, 'mean_field', 0).biasVar, 0);
  assert.equal(runConfig(s, 'orthogonal', 1).biasVar, 0.1);
  assert.equal(runConfig(s, 'orthogonal', 1).weightVar, undefined, 'orthogonal has no weightVar');
});

test('bad weightVar / biasVar values are refused with the field, the value and what is allowed', () => {
  const cases = [
    ['weightVar=0', 'invalid weightVar = "0": expected a number in (0, 100], or a list of 3 such numbers (one per run)'],
    ['weightVar=100.5', 'invalid weightVar = "100.5": expected a number in (0, 100], or a list of 3 such numbers (one per run)'],
    ['weightVar=1,2', 'invalid weightVar = "1,2": expected a number in (0, 100], or a list of 3 such numbers (one per run)'],
    ['weightVar=1,x,2', 'invalid weightVar = "1,x,2": expected a number in (0, 100], or a list of 3 such numbers (one per run)'],
    ['biasVar=-0.1', 'invalid biasVar = "-0.1": expected a number in [0, 100], or a list of 3 such numbers (one per run)'],
    ['biasVar=1,2,3,4', 'invalid biasVar = "1,2,3,4": expected a number in [0, 100], or a list of 3 such numbers (one per run)'],
  ];
  for (const [bad, message] of cases) {
    const { state, notices } = parseHash(`#inits=mean_field,he_normal,zeros&${bad}`, catalog);
    assert.equal(notices.length, 1, bad);
    assert.ok(notices[0].startsWith(message), `${bad}: ${notices[0]}`);
    const field = bad.split('=')[0];
    assert.equal(state[field], DEFAULTS[field], `${bad} falls back to the default`);
  }
  // at a control (validateState throws the same message)
  assert.throws(() => validateState({ ...DEFAULTS, inits: ['mean_field'], weightVar: 'abc' }, catalog),
    { message: 'invalid weightVar = "abc": expected a number in (0, 100]' });
});

test('links from before weightVar / biasVar mean the same runs, and only mean_field / orthogonal repeat', () => {
  const old = validateState(DEFAULTS, catalog);
  const hash = toHash(old);
  assert.doesNotMatch(hash, /weightVar|biasVar|tab=/);
  for (const init of ['he_normal', 'xavier_normal', 'zeros', 'orthogonal', 'lsuv']) {
    const c = runConfig(old, init, 0);
    assert.ok(!('weightVar' in c) && !('biasVar' in c), `${init}'s config is unchanged`);
  }
  assert.throws(() => validateState({ ...DEFAULTS, inits: ['he_normal', 'he_normal'] }, catalog), /invalid inits = "he_normal,he_normal"/);
  const s = validateState({ ...DEFAULTS, inits: ['orthogonal', 'orthogonal'], biasVar: [0, 0.2] }, catalog);
  assert.deepEqual(s.inits, ['orthogonal', 'orthogonal']);
});

test('the phase diagram\'s shading and its critical line agree: chi_1 crosses 1 where the line is', () => {
  // The worker shades with engine.phaseDiagram (coarse quadrature) and draws the line from
  // engine.criticalWeightVar (precise): on every row of cells the ordered/chaotic boundary must
  // fall in the cell the line passes through (or a neighbour).
  for (const activation of ['tanh', 'relu', 'selu', 'gelu']) {
    const q = { activation, leakySlope: 0.01, wMax: 4, bMax: 0.5, nx: 36, ny: 24 };
    const { chi1 } = engine.phaseDiagram(q);
    for (const j of [0, 8, 23]) {
      const biasVar = (q.bMax * (j + 0.5)) / q.ny;
      const w = engine.criticalWeightVar({ activation, leakySlope: 0.01, biasVar });
      const row = Array.from(chi1.slice(j * q.nx, (j + 1) * q.nx));
      const flip = row.findIndex((c) => c > 1);   // first chaotic cell
      const cell = Math.floor((w / q.wMax) * q.nx);
      assert.ok(Math.abs(flip - cell) <= 1, `${activation} at sigma_b^2 ${biasVar}: shading flips at cell ${flip}, the line is in cell ${cell} (sigma_w^2 ${w})`);
    }
  }
  // sigmoid (slope at most 1/4) is never critical: no line, and no chaotic cell
  assert.equal(engine.criticalWeightVar({ activation: 'sigmoid', leakySlope: 0.01, biasVar: 0.5 }), null);
  const s = engine.phaseDiagram({ activation: 'sigmoid', leakySlope: 0.01, wMax: 4, bMax: 0.5, nx: 8, ny: 4 });
  assert.ok(Array.from(s.chi1).every((c) => c < 1));
});

// ---------------------------------------------------------------------------------------------
// the page

const site = useSite();

/** Pixels of each colour (within a tolerance) on the canvases of a view container. */
function colourCounts(page, id, colors, minAlpha = 200) {
  return page.evaluate(({ id, colors, minAlpha }) => {
    const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const targets = colors.map(hex);
    const counts = colors.map(() => 0);
    for (const cv of document.getElementById(id).querySelectorAll('canvas')) {
      if (!cv.width || !cv.height || cv.hidden) continue;
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] < minAlpha) continue;
        targets.forEach((t, k) => {
          if (Math.abs(t[0] - d[i]) + Math.abs(t[1] - d[i + 1]) + Math.abs(t[2] - d[i + 2]) < 40) counts[k]++;
        });
      }
    }
    return counts;
  }, { id, colors, minAlpha });
}

async function theoryReady(page, runs) {
  await page.waitForFunction((n) => {
    const t = window.initscope.theory;
    return t.phase === 'ready' && t.jacobian === n;
  }, runs, { timeout: 30000 });
  await page.waitForTimeout(150);   // one more frame drawn
}

test('the Theory tab draws correlation, phase diagram and Jacobian spectrum from the engine', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, `#${MF3}&hidden=64x12&dataset=gaussian_nd&tab=theory`);
  await theoryReady(page, 3);
  assert.equal(await page.isVisible('#theory'), true);
  assert.equal(await page.isVisible('#views'), false, 'the training charts are on the other tab');
  const runs = await page.evaluate(() => window.initscope.runs());
  const colors = runs.map((r) => r.color);
  assert.equal(new Set(colors).size, 3, 'three runs, three colours');
  assert.deepEqual(runs.map((r) => r.label), ['Mean field σw²=1, σb²=0.05', 'Mean field σw²=1.76, σb²=0.05', 'Mean field σw²=4, σb²=0.05']);

  // correlation: measured and theory arrays for every layer, lines of every run, theory in the legend
  const latest = runs.map((r) => r.latest.layerStats);
  for (const ls of latest) {
    assert.equal(ls.corr.length, 13);
    assert.equal(ls.theoryCorr.length, 13);
  }
  const corr = await colourCounts(page, 'v-correlation', colors);
  corr.forEach((n, i) => assert.ok(n > 30, `run ${i + 1}'s correlation line is drawn (${n} px)`));
  assert.match(await page.textContent('#v-correlation .iv-legend'), /mean-field theory at init/);
  // ordered (sigma_w^2 = 1) forgets the input: theory -> 1; chaotic (4) settles at c* < 1
  const lastTheory = latest.map((ls) => ls.theoryCorr[11]);
  // (xi_c is ~3.6 layers at sigma_w^2 = 1: after 12 layers the ordered pair is past 0.9;
  // the chaotic one sits near c* ~ 0.17)
  assert.ok(lastTheory[0] > 0.9, `ordered run's theory correlation -> 1: ${lastTheory[0]}`);
  assert.ok(lastTheory[2] < 0.5, `chaotic run's theory correlation stays well below 1: ${lastTheory[2]}`);

  // phase diagram: the critical line and one dot per run, each in its colour where it says
  const drawn = await page.evaluate(() => JSON.parse(document.querySelector('#v-phase canvas').dataset.drawn));
  assert.ok(drawn.critical.length >= 5, `critical line has ${drawn.critical.length} points`);
  // tanh at sigma_b^2 = 0 is critical at sigma_w^2 = 1 (chi_1 = sigma_w^2 tanh'(0)^2)
  const [x0] = drawn.critical[0];
  assert.ok(Math.abs(x0 - (drawn.box.x0 + drawn.box.w / drawn.wMax)) < 3, `critical line starts at sigma_w^2 = 1: x ${x0}`);
  // and it is drawn: dark pixels halfway between two of its points
  const [[ax, ay], [bx, by]] = drawn.critical.slice(2, 4);
  // (the darkest pixel within 2 px: the 2.25 px line is antialiased)
  const mid = await page.evaluate(({ x, y }) => {
    const cv = document.querySelector('#v-phase canvas');
    const k = cv.width / cv.clientWidth;
    const d = cv.getContext('2d').getImageData(Math.round(x * k) - 2, Math.round(y * k) - 2, 5, 5).data;
    let best = [255, 255, 255, 0];
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < best[0] + best[1] + best[2]) best = [d[i], d[i + 1], d[i + 2], d[i + 3]];
    return best;
  }, { x: (ax + bx) / 2, y: (ay + by) / 2 });
  assert.ok(mid[0] + mid[1] + mid[2] < 150 && mid[3] > 200, `the critical line is dark where it runs: ${mid}`);
  assert.equal(drawn.dots.length, 3);
  for (const [i, d] of drawn.dots.entries()) {
    const px = await page.evaluate(({ x, y }) => {
      const cv = document.querySelector('#v-phase canvas');
      const k = cv.width / cv.clientWidth;
      return [...cv.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data];
    }, d);
    const want = [1, 3, 5].map((k) => parseInt(colors[i].slice(k, k + 2), 16));
    assert.ok(want.every((v, k) => Math.abs(v - px[k]) < 40), `dot ${i + 1} at (${d.x}, ${d.y}) is ${px}, want ${colors[i]}`);
  }
  assert.ok(drawn.dots[0].x < drawn.dots[2].x, 'sigma_w^2 = 1 is left of 4');

  // Jacobian: a histogram per run
  // (bars are drawn at 70% opacity on a transparent canvas: their pixels have alpha ~180)
  const bars = await colourCounts(page, 'v-jacobian', colors, 150);
  bars.forEach((n, i) => assert.ok(n > 200, `run ${i + 1}'s singular-value histogram is drawn (${n} px)`));

  // one screen at 1280x800, like the Training tab
  const m = await page.evaluate(() => ({
    scrollH: document.documentElement.scrollHeight,
    panels: [...document.querySelectorAll('#theory .panel')].map((p) => {
      const r = p.getBoundingClientRect();
      return { part: p.dataset.part, bottom: r.bottom, right: r.right, height: r.height };
    }),
  }));
  assert.ok(m.scrollH <= 800, `page is ${m.scrollH}px tall`);
  for (const p of m.panels) assert.ok(p.bottom <= 800 && p.right <= 1280 && p.height >= 200, JSON.stringify(p));
  await page.screenshot({ path: artifact('theory-1280.png') });
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.foreign, []);
  await page.context().close();
});

test('clicking the phase plane, or arrows + Enter on it, moves the selected run there', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, '#inits=he_normal,xavier_normal&activation=tanh&hidden=32x6&tab=theory&hist=1');
  await theoryReady(page, 2);
  const drawn = await page.evaluate(() => JSON.parse(document.querySelector('#v-phase canvas').dataset.drawn));
  const box = await page.locator('#v-phase canvas').boundingBox();
  // the plane's point sigma_w^2 = 3, sigma_b^2 = 0.2
  const x = box.x + drawn.box.x0 + (3 / drawn.wMax) * drawn.box.w;
  const y = box.y + drawn.box.y0 + drawn.box.h - (0.2 / drawn.bMax) * drawn.box.h;
  const gen = await page.evaluate(() => window.initscope.gen);
  await page.mouse.click(x, y);
  await page.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, gen);
  let state = await page.evaluate(() => window.initscope.state);
  assert.deepEqual(state.inits, ['he_normal', 'mean_field'], 'the selected run (2) became mean_field');
  assert.ok(Math.abs(state.weightVar[1] - 3) < 0.1, `weightVar ${state.weightVar}`);
  assert.ok(Math.abs(state.biasVar[1] - 0.2) < 0.02, `biasVar ${state.biasVar}`);
  assert.match(page.url(), /[#&]inits=he_normal,mean_field&/);
  assert.match(page.url(), /[#&]weightVar=1,(2\.9\d*|3(\.0\d*)?)&/);

  // keyboard: focus the plane, one step right, Enter
  const before = state.weightVar[1];
  await page.focus('#v-phase canvas');
  await page.keyboard.press('ArrowRight');
  const g2 = await page.evaluate(() => window.initscope.gen);
  await page.keyboard.press('Enter');
  await page.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, g2);
  state = await page.evaluate(() => window.initscope.state);
  assert.ok(state.weightVar[1] > before, `Enter moved run 2 right: ${before} -> ${state.weightVar[1]}`);
  assert.equal(await page.evaluate(() => window.initscope.playing), false, 'Enter / space on the plane does not play');
  await page.context().close();
});

test('the tabs work from the keyboard, weightVar shows with mean_field and refuses a bad list', async () => {
  const page = await openPage(site.browser, site.server.origin);
  await load(page, site.server.url, '#hidden=16x3');
  assert.equal(await page.isVisible('#views'), true);
  assert.equal(await page.isVisible('#theory'), false);
  assert.equal(await page.isVisible('#f-weightVar'), false, 'no weightVar control without mean_field');
  // the backward theory (theoryGradVar) is dashed beside the measured gradient variance
  assert.match(await page.textContent('#v-gradient .iv-legend'), /backward theory at init/);
  await page.focus('#tab-training');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => !document.getElementById('theory').hidden);
  assert.equal(await page.getAttribute('#tab-theory', 'aria-selected'), 'true');
  assert.match(page.url(), /tab=theory/);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => !document.getElementById('views').hidden);

  const gen = await page.evaluate(() => window.initscope.gen);
  await page.selectOption('#c-init-1', 'mean_field');
  await page.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, gen);
  assert.equal(await page.isVisible('#f-weightVar'), true);
  assert.equal(await page.isVisible('#f-biasVar'), true);
  await page.fill('#c-weightVar', '1,2');
  await page.press('#c-weightVar', 'Enter');
  assert.equal(await page.textContent('#e-weightVar'),
    'invalid weightVar = "1,2": expected a number in (0, 100], or a list of 3 such numbers (one per run)');
  const g2 = await page.evaluate(() => window.initscope.gen);
  await page.fill('#c-weightVar', '1,2.5,1');
  await page.press('#c-weightVar', 'Enter');
  await page.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, g2);
  assert.deepEqual(await page.evaluate(() => window.initscope.configs.map((c) => c.weightVar)), [undefined, 2.5, undefined]);
  assert.match(page.url(), /weightVar=1,2\.5,1/);
  // dropping run 3 keeps run 2's own value (the list follows the runs)
  const g3 = await page.evaluate(() => window.initscope.gen);
  await page.selectOption('#c-init-2', '');
  await page.waitForFunction((g) => window.initscope.gen > g && window.initscope.ready, g3);
  const s3 = await page.evaluate(() => window.initscope.state);
  assert.deepEqual(s3.inits, ['he_normal', 'mean_field']);
  assert.deepEqual(s3.weightVar, [1, 2.5]);
  assert.equal(await page.textContent('#e-inits'), '');
  await page.context().close();
});

test('phone width: the Theory tab stacks its views, none of them empty', async () => {
  const page = await openPage(site.browser, site.server.origin, { width: 390, height: 844 });
  await load(page, site.server.url, `#${MF3}&hidden=32x8&tab=theory`);
  await theoryReady(page, 3);
  const boxes = await page.evaluate(() => ['phase', 'correlation', 'jacobian'].map((p) => {
    const r = document.querySelector(`#theory .panel[data-part="${p}"]`).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
  }));
  for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].top >= boxes[i - 1].bottom - 1, 'stacked, not overlapping');
  for (const b of boxes) assert.ok(b.right <= 390 + 1 && b.height >= 250, `fits the phone: ${JSON.stringify(b)}`);
  const widths = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(widths <= 390, `no sideways scrolling (${widths}px)`);
  await page.screenshot({ path: artifact('theory-390.png'), fullPage: true });
  assert.deepEqual(page.problems.pageErrors, []);
  await page.context().close();
});

test('the single file (initscope.html from file://) computes the Theory tab, and keeps training', async () => {
  const { join } = await import('node:path');
  const { DIST } = await import('./helpers.mjs');
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${join(DIST, 'initscope.html')}#tab=theory&inits=mean_field,he_normal&hidden=16x3`);
  await page.waitForFunction(() => window.initscope && window.initscope.ready, null, { timeout: 30000 });
  // Its theory worker starts from the file's own blob: the phase grid and both spectra arrive.
  await page.waitForFunction(() => window.initscope.theory.phase === 'ready' && window.initscope.theory.jacobian === 2, null, { timeout: 30000 });
  assert.doesNotMatch(await page.textContent('#v-jacobian'), /hosted lab|could not start/);
  await page.click('#tab-training');
  await page.click('#b-step');
  await page.waitForFunction(() => Number(document.body.dataset.step) > 0, null, { timeout: 20000 });
  assert.deepEqual(errors, []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// the views alone (web/views-demo.html, synthetic data staged like dist/): hostile theory data

test('the theory views survive hostile theory data and say what is missing', async () => {
  const { cpSync, mkdirSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { ROOT, serveDir } = await import('./helpers.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'initscope-theory-'));
  cpSync(join(ROOT, 'web'), dir, { recursive: true });
  mkdirSync(join(dir, 'vendor'), { recursive: true });
  for (const f of ['uPlot.esm.js', 'uPlot.min.css']) cpSync(join(ROOT, 'node_modules', 'uplot', 'dist', f), join(dir, 'vendor', f));
  const server = await serveDir(dir);
  try {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.origin}/views-demo.html?theory=1&activation=tanh&jacobian=pending`);
    await page.waitForSelector('html[data-ready="1"]');
    assert.match(await page.textContent('#v-jacobian'), /computing the Jacobian spectra/);
    const failures = await page.evaluate(() => {
      const d = window.__demo;
      const base = d.makeModel({ ...d.options, jacobian: 'ok' });
      const n = 6;
      const bad = Float64Array.from([NaN, Infinity, -1, 0, 1e-320, 1e308]);
      const phases = [
        null, { pending: true }, { error: 'boom' },
        { key: 'x', wMax: 4, bMax: 0.5, nx: 3, ny: 2, chi1: bad, xiC: bad, critical: [[NaN, 0], [Infinity, 0.1], [-1, 0.2], [2, 0.5]] },
        { key: 'y', wMax: 4, bMax: 0.5, nx: 1, ny: 1, chi1: new Float64Array(1), xiC: new Float64Array(1), critical: [] },
      ];
      const jacobians = [
        null, [], base.runs.map(() => ({ error: 'no' })),
        base.runs.map(() => ({ singularValues: [bad, new Float64Array(0)], meanSquared: NaN, theoryMeanSquared: -1, firstLayer: 0, lastLayer: n })),
        base.runs.map(() => ({ singularValues: [new Float64Array(4)], meanSquared: 0, theoryMeanSquared: 0, firstLayer: 0, lastLayer: 1 })),
      ];
      const errs = [];
      for (const phase of phases) {
        for (const jacobian of jacobians) {
          const m = { ...base, theory: { phase, jacobian }, activeRun: 7 };
          for (const name of ['correlation', 'phase', 'jacobian']) {
            try { d.views[name].update(m); d.views[name].resize(); } catch (e) { errs.push(`${name}: ${e.stack}`); }
          }
        }
      }
      // runs whose stats lack corr / theoryCorr (an older engine) and a model with no theory
      const noCorr = { ...base, theory: undefined, runs: base.runs.map((r) => ({ ...r, weightVar: undefined, records: r.records.map((x) => ({ ...x, layerStats: { ...x.layerStats, corr: undefined, theoryCorr: undefined, weightVar: undefined } })) })) };
      for (const name of ['correlation', 'phase', 'jacobian']) {
        try { d.views[name].update(noCorr); } catch (e) { errs.push(`noCorr ${name}: ${e.stack}`); }
      }
      return errs;
    });
    assert.deepEqual(failures, []);
    // every singular value 0 (zero init): said in words, not an empty row
    await page.evaluate(() => {
      const d = window.__demo;
      const m = d.makeModel({ ...d.options, jacobian: 'ok' });
      m.theory.jacobian = m.runs.map(() => ({ singularValues: [new Float64Array(8)], meanSquared: 0, theoryMeanSquared: 0, firstLayer: 0, lastLayer: 3 }));
      d.views.jacobian.update(m);
      d.views.jacobian.panel.flushSummary();   // the text summary is refreshed at most once a second
      d.views.phase.update({ ...m, theory: { phase: { error: 'the engine said no' }, jacobian: null } });
    });
    assert.match(await page.textContent('#v-phase'), /no phase diagram: the engine said no/);
    assert.match(await page.textContent('#v-jacobian .iv-sr'), /every singular value is 0/);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
