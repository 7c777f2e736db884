// main.js: wiring. The run pool (runs/run-pool.js, workers running runs/worker.js) trains and
// posts snapshots; this file keeps the model the views draw (every logged record per run,
// records.js), the state in the URL hash, and routes the controls, keys and buttons. It draws at
// most once per animation frame and acks each snapshot after drawing it, which is what paces the
// pool. The tabs and the Theory tab's worker are tabs.js, the downloads downloads.js, the sweep
// mode sweep-mode.js, the Width tab width-tab.js.

import { DEFAULTS, MAX_RUNS, PER_RUN_FIELDS, USES, parseHash, toHash, runConfig, sameRuns, validateState, perRun } from '../state/state.js';
import { Controls } from './controls.js';
import { pagePresets, presetById } from '../state/presets.js';
import { applyEmbedMode, setupEmbedDialog } from '../embed/embed.js';
import { runColors, labelFor, valueLabel } from '../theme/colors.js';
import { LossView } from '../views/loss.js';
import { VarianceView } from '../views/variance.js';
import { GradientView } from '../views/gradient.js';
import { HistogramView } from '../views/histograms.js';
import { BoundaryView } from '../views/boundary.js';
import { PredictionsView } from '../views/predictions.js';
import { BadgesView } from '../views/badges.js';
import { CorrelationView } from '../views/correlation.js';
import { PhaseView } from '../views/phase.js';
import { JacobianView } from '../views/jacobian.js';
import { applyTheme, themedRunColor } from '../theme/theme.js';
import { connectFrame, framed } from '../embed/frame.js';
import { RunPool } from '../runs/run-pool.js';
import { addRecords } from './records.js';
import { theoryTabs } from './tabs.js';
import { widthTab } from './width-tab.js';
import { setupDownloads } from './downloads.js';
import { sweepMode } from './sweep-mode.js';
import { notify } from './notices.js';
import { drawStrip, showPlaying, setupPlayback } from './playback.js';
import { exposeInspector } from './inspect.js';

const GRID_RES = 32;
const REDUCED_MOTION = matchMedia('(prefers-reduced-motion: reduce)');
const REDUCED_FRAME_MS = 250; // with reduced motion: redraw at most 4 times a second

const $ = (id) => document.getElementById(id);

let catalog = null;
let controls = null;
let views = {};               // part -> view instance
let state = null;             // the state shown (valid)
let good = null;              // { state, gen }: the last configuration the engine accepted
let gen = 0;                  // the set of runs the page expects snapshots from
let playing = false;
let ready = false;            // the first step-0 snapshot of `gen` has arrived
let unacked = 0;
let drawPending = false;
let lastDraw = 0;

const model = {
  config: null, runs: [], cursor: -1, activeRun: 0, dataset: null, logY: true, activation: 'relu', hidden: [],
  // The Theory tab's numbers (theory-worker.js): phase = the phase diagram of model.activation
  // (or { pending } / { error }), jacobian = per run the spectrum at initialization, or null.
  theory: { phase: null, jacobian: null },
};

// What the page's other modules (tabs.js, downloads.js, sweep-mode.js) read and call: the
// current values, never copies taken at start.
const page = {
  model,
  get state() { return state; },
  get ready() { return ready; },
  get gen() { return gen; },
  get good() { return good; },
  get catalog() { return catalog; },
  get views() { return views; },
  apply: (next) => apply(next),
  scheduleDraw: () => scheduleDraw(),
  notify: (text) => notify(text),
  widthShown: () => width.shown(),
};
const { applyTab, setupTabs, requestTheory } = theoryTabs(page);
const width = widthTab(page);
const sweep = sweepMode(page);
const { openSweepPreset, setSweepMode, setupSweep } = sweep;

// The runs train in a pool of workers (run-pool.js), which answers as one worker would.
const pool = new RunPool({
  create: () => new Worker(new URL('../runs/worker.js', import.meta.url), { type: 'module' }),
  shards: startShards(),
  size: (runs) => Math.min(runs, state && state.workers !== 'auto' ? state.workers : autoShards()),
});

// workers=auto: one per core, up to one per run. An embed in someone's article shares the
// reader's machine with the article (and maybe other figures): one worker, unless it is all the
// reader is looking at: opened by itself (not framed) or put in full screen. An author who
// wants more asks for them (workers=N in the embed's config).
function autoShards() {
  const cores = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_RUNS));
  return !framed || document.fullscreenElement ? cores : 1;
}

// Shards to start with the page, before the hash is read properly (that needs the catalog the
// first engine reports): `workers=N` if it reads as one, else the automatic count. A bad value
// gets its notice from parseHash() later; more shards start if the runs need them.
function startShards() {
  const raw = new URLSearchParams(location.hash.slice(1)).get('workers');
  const n = raw !== null && /^[1-9]$/.test(raw) ? Number(raw) : 0;
  return n >= 1 && n <= MAX_RUNS ? n : autoShards();
}

// Embedded in another page: its parent may play, pause and reset, and hears how we are doing.
let linkNotices = 0;          // notices the last parsed link produced (an embed with any runs nothing by itself)
const frame = connectFrame({
  play: () => pool.postMessage({ type: 'play' }),
  pause: () => pool.postMessage({ type: 'pause' }),
  reset: () => reset(),
  isPlaying: () => playing,
});

const colorsFor = (inits) => runColors(inits).map(themedRunColor);

// ---------------------------------------------------------------------------------------------
// Views: one per panel (web/js/views/), each drawing from the same model.

const VIEWS = {
  loss: [LossView, 'v-loss'],
  variance: [VarianceView, 'v-variance'],
  gradient: [GradientView, 'v-gradient'],
  histograms: [HistogramView, 'v-histograms'],
  boundary: [BoundaryView, 'v-boundary'],
  predictions: [PredictionsView, 'v-predictions'],   // shares the boundary panel: image data
  badges: [BadgesView, 'badges'],
  correlation: [CorrelationView, 'v-correlation'],
  phase: [PhaseView, 'v-phase'],
  jacobian: [JacobianView, 'v-jacobian'],
};

function createViews() {
  for (const [part, [View, id]] of Object.entries(VIEWS)) {
    const container = $(id);
    const view = new View(container, { onSelectRun: selectHistRun, onPickTheory: pickTheory });
    new ResizeObserver(() => view.resize()).observe(container);
    views[part] = view;
  }
}

// ---------------------------------------------------------------------------------------------
// Drawing. Snapshots are folded into the model at once; drawing waits for the next frame.

function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  const wait = REDUCED_MOTION.matches ? Math.max(0, lastDraw + REDUCED_FRAME_MS - performance.now()) : 0;
  setTimeout(() => requestAnimationFrame(draw), wait);
}

let draws = 0;
function draw() {
  drawPending = false;
  draws++;
  lastDraw = performance.now();
  model.logY = state.logY;
  model.smooth = state.smooth;
  model.activeRun = Math.min(state.hist, model.runs.length - 1);
  // Image data has no input plane: the boundary panel shows the Predictions view instead.
  const image = !!model.dataset && !!catalog.datasets.find((d) => d.id === state.dataset)?.needsLoad;
  $('v-boundary').hidden = image;
  $('v-predictions').hidden = !image;
  const panel = document.querySelector('.panel[data-part="boundary"]');
  panel.setAttribute('aria-label', image ? 'Predictions' : 'Decision boundary');
  panel.classList.toggle('images', image);
  for (const [part, view] of Object.entries(views)) {
    if (part === 'boundary' && image) continue;
    if (part === 'predictions' && !image) continue;
    const shownIn = part === 'predictions' ? 'boundary' : part;
    // hidden by embed mode, or on the tab not shown
    if (document.querySelector(`[data-part="${shownIn}"]`)?.closest('[hidden]')) continue;
    try {
      view.update(model);
    } catch (e) {
      console.error(`view ${part} failed`, e);
    }
  }
  drawStrip(model);
  ack();
}

function ack() {
  for (; unacked > 0; unacked--) pool.postMessage({ type: 'ack' });
}

// ---------------------------------------------------------------------------------------------
// Worker messages.

const handlers = {
  ready(msg) {
    catalog = msg.catalog;
    catalog.pagePresets = pagePresets(catalog);
    start();
  },
  fatal(msg) {
    notify(msg.message);
    document.body.dataset.error = msg.message;
  },
  configured(msg) {
    unacked++;
    if (msg.gen !== gen) return ack();
    good = { state, gen };
    catalog.datasets = msg.datasets;
    model.dataset = msg.dataset;
    model.config = msg.configs[0];
    model.activation = state.activation;
    model.leakySlope = state.leakySlope;
    model.hidden = state.hidden.slice();
    // residual: layerStats are the stem, each block's stream and the logits (views name them so)
    model.architecture = state.architecture;
    model.cursor = -1;
    model.theory.jacobian = null;
    const colors = colorsFor(state.inits);
    model.runs = state.inits.map((init, i) => ({
      key: `${gen}:${i}:${init}`,
      init,
      label: runLabel(init, i),
      color: colors[i],
      // sigma_w^2 / sigma_b^2 of the initializers that take them (the phase diagram's dots)
      weightVar: USES.weightVar.includes(init) ? perRun(state.weightVar, i) : null,
      biasVar: USES.biasVar.includes(init) ? perRun(state.biasVar, i) : null,
      config: msg.configs[i],   // its own resolved config (the export's per-run fields)
      diverged: null,
      records: [],
      grid: null,
      predictions: null,
    }));
    for (const view of Object.values(views)) view.reset?.();
    addRecords(model, msg.snapshot, true);
    ready = true;
    document.body.dataset.ready = String(gen);
    frame.ready(linkNotices > 0);
    requestTheory();
    scheduleDraw();
  },
  loading(msg) {
    if (msg.gen === gen) $('step-counter').textContent = `loading ${msg.label}…`;
  },
  snapshot(msg) {
    unacked++;
    if (msg.gen !== gen || !ready) return ack();
    addRecords(model, msg.snapshot, false);
    frame.progress(model.runs);
    // Reduced motion: keep training at full pace, only the drawing slows. A hidden tab draws
    // nothing at all (no animation frames): training goes on and the charts catch up on return.
    if (REDUCED_MOTION.matches || document.hidden) ack();
    scheduleDraw();
  },
  playing(msg) {
    playing = msg.playing;
    showPlaying(playing);
    frame.playing(playing);
    if (msg.allDiverged && msg.gen === gen) notify('every run diverged: lower the learning rate, or reset');
  },
  error(msg) {
    notify(msg.message);
    if (msg.gen === gen && good && good.gen !== gen) {
      // The engine refused a config the page thought valid (e.g. more samples than a data
      // file holds). The pool kept the runs it had: go back to their state and generation.
      state = good.state;
      gen = good.gen;
      ready = true;
      writeHash();
      controls.render(state, colorsFor(state.inits));
      // The step counter said "loading <dataset>…" for the refused runs: show the kept runs' step.
      scheduleDraw();
    } else if (msg.gen === gen && !good && !sameRuns(state, DEFAULTS)) {
      // Refused on the very first load (a link): start from the defaults instead.
      notify('using the default experiment instead');
      apply(validateState({ ...DEFAULTS, embed: state.embed, tab: state.tab }, catalog));
      return;
    }
    if (/^invalid /.test(msg.message)) controls?.showFieldError(msg.message);
  },
};

pool.onmessage = (event) => {
  const handler = handlers[event.data && event.data.type];
  if (handler) handler(event.data);
};
pool.onerror = (event) => {
  notify(`the training worker failed: ${event.message || 'unknown error'}`);
};

// ---------------------------------------------------------------------------------------------
// State changes.

function writeHash() {
  const hash = toHash(state);
  if (location.hash !== hash) history.replaceState(null, '', hash);
  // An embed links to the same experiment on the full page.
  $('a-open').href = toHash({ ...state, embed: null });
}

function configure() {
  gen++;
  ready = false;
  playing = false;
  pool.postMessage({
    type: 'configure',
    gen,
    gridRes: GRID_RES,
    configs: state.inits.map((init, i) => runConfig(state, init, i)),
  });
  pool.postMessage({ type: 'speed', stepsPerTick: state.speed });
}

function apply(next) {
  const runsChanged = !state || !sameRuns(state, next) || state.workers !== next.workers;
  const embedChanged = !state || JSON.stringify(state.embed) !== JSON.stringify(next.embed);
  const tabChanged = !state || state.tab !== next.tab;
  state = next;
  writeHash();
  controls.render(state, colorsFor(state.inits));
  if (embedChanged) {
    applyEmbedMode(state.embed);
    if (state.embed) setSweepMode(state.embed.includes('sweep'));
  }
  applyTheme(state.theme, onThemeChange);
  $('c-theme').value = state.theme;
  if (embedChanged || tabChanged) applyTab();
  pool.postMessage({ type: 'speed', stepsPerTick: state.speed });
  if (runsChanged) configure();
  else scheduleDraw();
}

// Canvases and uPlot read the theme's colours when they are built: rebuild them.
function onThemeChange() {
  if (!state) return;
  const colors = colorsFor(state.inits);
  model.runs.forEach((run, i) => { run.color = colors[i]; });
  controls?.render(state, colors);
  for (const view of Object.values(views)) view.reset?.();
  width.reset();
  scheduleDraw();
}

function reset() {
  configure();
}

function newSeed() {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0];
  apply({ ...state, seed });
}

function selectHistRun(index) {
  if (index >= 0 && index < state.inits.length) apply({ ...state, hist: index });
}

// A run's name in legends: mean-field runs differ only in sigma_w^2 / sigma_b^2, so those say them.
function runLabel(init, i) {
  const w = perRun(state.weightVar, i);
  const b = perRun(state.biasVar, i);
  // The other fields the runs differ in (pre_vs_post_ln: "He normal, pre-norm").
  const own = PER_RUN_FIELDS.filter((f) => f !== 'weightVar' && f !== 'biasVar' && Array.isArray(state[f]))
    .map((f) => valueLabel(f, state[f][i])).filter(Boolean).map((t) => `, ${t}`).join('');
  if (init === 'mean_field') return `${labelFor(init)} σw²=${w}${b ? `, σb²=${b}` : ''}${own}`;
  if (USES.biasVar.includes(init) && b) return `${labelFor(init)} σb²=${b}${own}`;
  return `${labelFor(init)}${own}`;
}

// The phase diagram's click / Enter: the selected run (the histogram's run) becomes a mean-field
// run at that (sigma_w^2, sigma_b^2); the other runs keep their values.
function pickTheory({ weightVar, biasVar }) {
  const i = Math.min(state.hist, state.inits.length - 1);
  const inits = state.inits.slice();
  inits[i] = 'mean_field';
  const list = (field, v) => state.inits.map((_, k) => (k === i ? v : perRun(state[field], k)));
  try {
    apply(validateState({ ...state, inits, weightVar: list('weightVar', weightVar), biasVar: list('biasVar', biasVar) }, catalog));
  } catch (e) {
    notify(e.message);
  }
}

// ---------------------------------------------------------------------------------------------
// Start: views, controls, the hash, the first runs.

async function start() {
  createViews();
  controls = new Controls({
    catalog,
    onChange: apply,
    onPreset(id) {
      const preset = presetById(catalog.pagePresets, id);
      if (!preset || !preset.state) return;
      // A preset sets the runs; how they are viewed (speed, tab, theme, smoothing, embed) stays.
      const { speed, tab, theme, smooth, logY, embed } = state;
      // A coordcheck preset opens the Width tab (its `width` settings, run by hand).
      apply(validateState({ ...preset.state, speed, tab: preset.width && !embed ? 'width' : tab, theme, smooth, logY, embed }, catalog));
      if (preset.width) width.configure(preset.width);
      // A sweep preset (a `sweep` field: its axes, shown in the sweep view, started by hand).
      if (preset.sweep) openSweepPreset(preset);
      else if (document.body.classList.contains('sweep-mode')) setSweepMode(false);
    },
    onNewSeed: newSeed,
  });
  const parsed = parseHash(location.hash, catalog);
  // Read before apply() writes the whole state into the hash.
  const linked = presetById(catalog.pagePresets, new URLSearchParams(location.hash.slice(1)).get('preset'));
  linkNotices = parsed.notices.length;
  for (const n of parsed.notices) notify(`Link: ${n}`);
  apply(parsed.state);

  setupPlayback({ pool, isPlaying: () => playing, hasState: () => !!state, reset, model, scheduleDraw });
  $('c-speed').addEventListener('change', (e) => apply({ ...state, speed: Number(e.target.value) }));
  $('c-logY').addEventListener('change', (e) => apply({ ...state, logY: e.target.checked }));
  $('c-smooth').addEventListener('change', (e) => apply({ ...state, smooth: Number(e.target.value) }));
  $('c-theme').addEventListener('change', (e) => apply({ ...state, theme: e.target.value }));
  $('b-share').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      notify('link copied: it reproduces this exact experiment');
    } catch {
      notify(`copy this link: ${location.href}`);
    }
  });
  setupTabs();
  setupEmbedDialog({ getHash: () => toHash(state), notify });
  setupDownloads(page);
  setupSweep();
  // A link to a sweep preset (#preset=ID) opens its map, ready to start, as the menu does.
  if (linked?.sweep && linked.state && !state.embed) openSweepPreset(linked);
  // A link to a coordcheck preset opens the Width tab with its settings, ready to run.
  if (linked?.width && linked.state && !state.embed) {
    width.configure(linked.width);
    if (state.tab !== 'width') apply({ ...state, tab: 'width' });
  }

  window.addEventListener('hashchange', () => {
    const { state: next, notices: ns } = parseHash(location.hash, catalog);
    linkNotices = ns.length;
    for (const n of ns) notify(`Link: ${n}`);
    apply(next);
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) scheduleDraw(); });
}

// ---------------------------------------------------------------------------------------------

exposeInspector({ page, pool, sweep, width, isPlaying: () => playing, draws: () => draws });
