// main.js: wiring. The run pool (run-pool.js, workers running worker.js) trains and posts
// snapshots; this file keeps the model the views draw (every logged record per run), the state
// in the URL hash, and routes the controls, keys and buttons. It draws at most once per
// animation frame and acks each snapshot after drawing it, which is what paces the pool.

import { DEFAULTS, MAX_RUNS, THEORY_PARTS, VIEW_PARTS, USES, parseHash, toHash, runConfig, sameRuns, validateState, formatHidden, perRun } from './state.js';
import { Controls } from './controls.js';
import { pagePresets, presetById } from './presets.js';
import { applyEmbedMode, setupEmbedDialog } from './embed.js';
import { runColors, labelFor } from './colors.js';
import { LossView } from './views/loss.js';
import { VarianceView } from './views/variance.js';
import { GradientView } from './views/gradient.js';
import { HistogramView } from './views/histograms.js';
import { BoundaryView } from './views/boundary.js';
import { PredictionsView } from './views/predictions.js';
import { BadgesView } from './views/badges.js';
import { CorrelationView } from './views/correlation.js';
import { PhaseView } from './views/phase.js';
import { JacobianView } from './views/jacobian.js';
import { toJSON, toCSV, exportFileName } from './export.js';
import { panelPNG } from './picture.js';
import { SweepView } from './views/sweep.js';
import { applyTheme, themedRunColor } from './theme.js';
import { connectFrame, framed } from './frame.js';
import { RunPool } from './run-pool.js';
import { showIntro } from './intro.js';

const MAX_RECORDS = 1000;     // per run; beyond this every other record is dropped (step 0 stays)
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

// The runs train in a pool of workers (run-pool.js), which answers as one worker would.
const pool = new RunPool({
  create: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
  shards: startShards(),
  size: (runs) => Math.min(runs, state && state.workers !== 'auto' ? state.workers : autoShards()),
});
let sweepView = null;         // views/sweep.js, created at start (its workers only when a sweep starts)

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
// Notices: plain text only (they can quote the hash).

const notices = [];
function notify(text) {
  notices.push(String(text));
  while (notices.length > 12) notices.shift();
  const list = $('notice-list');
  list.replaceChildren(...notices.map((t) => {
    const li = document.createElement('li');
    li.textContent = t;
    return li;
  }));
  $('notices').hidden = false;
}
$('notice-close').addEventListener('click', () => {
  notices.length = 0;
  $('notices').hidden = true;
});

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

// Runs log at the same steps, so record i of every run is the same step; a diverged run just
// has fewer. The longest run's records are the timeline.
function timeline() {
  let longest = [];
  for (const run of model.runs) if (run.records.length > longest.length) longest = run.records;
  return longest;
}

function latestIndex() {
  return timeline().length - 1;
}

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
  const records = timeline();
  const last = records.length - 1;
  const shown = model.cursor < 0 ? last : model.cursor;
  const step = shown >= 0 ? records[shown].step : 0;
  $('step-counter').textContent = `step ${step.toLocaleString('en-US')}`;
  const scrub = $('c-scrub');
  scrub.max = String(Math.max(0, last));
  scrub.value = String(Math.max(0, shown));
  scrub.setAttribute('aria-valuetext', `step ${step}`);
  document.body.dataset.step = String(last >= 0 ? records[last].step : 0);
  ack();
}

function ack() {
  for (; unacked > 0; unacked--) pool.postMessage({ type: 'ack' });
}

function addRecords(snapshot, replaceGrid) {
  snapshot.forEach((snap, i) => {
    const run = model.runs[i];
    const { grid, predictions, diverged, ...record } = snap;
    const recs = run.records;
    if (recs.length && recs[recs.length - 1].step === record.step) recs[recs.length - 1] = record;
    else recs.push(record);
    run.diverged = diverged;
    if (grid) run.grid = { res: grid.res, classes: model.dataset.classes, probs: grid.probs };
    else if (replaceGrid) run.grid = null;
    if (predictions) run.predictions = predictions;
    else if (replaceGrid) run.predictions = null;
  });
  if (timeline().length > MAX_RECORDS) thin();
}

// Keeps step 0, every other record, and the latest, in every run alike (by step, so record i
// stays the same step in every run); the scrubber keeps pointing at its step.
function thin() {
  const records = timeline();
  const stepAt = model.cursor >= 0 ? records[model.cursor].step : null;
  const keep = new Set(records.filter((_, i) => i % 2 === 0 || i === records.length - 1).map((r) => r.step));
  for (const run of model.runs) run.records = run.records.filter((r) => keep.has(r.step));
  if (stepAt !== null) model.cursor = Math.max(0, timeline().findIndex((r) => r.step >= stepAt));
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
      diverged: null,
      records: [],
      grid: null,
      predictions: null,
    }));
    for (const view of Object.values(views)) view.reset?.();
    addRecords(msg.snapshot, true);
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
    addRecords(msg.snapshot, false);
    frame.progress(model.runs);
    // Reduced motion: keep training at full pace, only the drawing slows. A hidden tab draws
    // nothing at all (no animation frames): training goes on and the charts catch up on return.
    if (REDUCED_MOTION.matches || document.hidden) ack();
    scheduleDraw();
  },
  playing(msg) {
    playing = msg.playing;
    const b = $('b-play');
    b.textContent = playing ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', String(playing));
    document.body.dataset.playing = String(playing);
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
  if (init === 'mean_field') return `${labelFor(init)} σw²=${w}${b ? `, σb²=${b}` : ''}`;
  if (USES.biasVar.includes(init) && b) return `${labelFor(init)} σb²=${b}`;
  return labelFor(init);
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
// Tabs: Training (the charts of the runs) and Theory (mean-field theory beside the measurement).
// state.tab is in the link; an embed shows whichever tab has parts it keeps, the tabs only if both.

const TRAINING_PARTS = VIEW_PARTS.filter((p) => p !== 'badges' && !THEORY_PARTS.includes(p));

function shownTab() {
  const parts = state.embed;
  const training = TRAINING_PARTS.filter((p) => !parts || parts.includes(p));
  const theoryParts = THEORY_PARTS.filter((p) => !parts || parts.includes(p));
  const tab = !training.length && theoryParts.length ? 'theory' : !theoryParts.length ? 'training' : state.tab;
  return { tab, both: training.length > 0 && theoryParts.length > 0, training, theoryParts };
}

function applyTab() {
  const { tab, both, training, theoryParts } = shownTab();
  $('view-tabs').hidden = !both;
  for (const b of document.querySelectorAll('#view-tabs [role="tab"]')) {
    const on = b.dataset.tab === tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  $('views').hidden = tab !== 'training';
  $('theory').hidden = tab !== 'theory';
  // embed layouts count the panels each tab shows (embed.js counts every view part)
  $('views').dataset.count = String(training.length);
  $('theory').classList.toggle('single', theoryParts.length < 2 || !theoryParts.includes('phase'));
  for (const [part, view] of Object.entries(views)) {
    if (!document.querySelector(`[data-part="${part}"]`)?.closest('[hidden]')) view.resize?.();
  }
  requestTheory();
  scheduleDraw();
}

function setupTabs() {
  const tabs = [...document.querySelectorAll('#view-tabs [role="tab"]')];
  const choose = (b) => {
    if (state.tab !== b.dataset.tab) apply({ ...state, tab: b.dataset.tab });
  };
  for (const b of tabs) {
    b.addEventListener('click', () => choose(b));
    // WAI-ARIA tabs: arrows move between tabs (and select them), Home / End jump
    b.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(b);
      const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (j === undefined) return;
      e.preventDefault();
      const next = tabs[(j + tabs.length) % tabs.length];
      next.focus();
      choose(next);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The Theory tab's numbers come from theory-worker.js (its own engine, started on first use).

const PHASE_GRID = { nx: 36, ny: 24 };   // smoothed when drawn; ~1-4 s per activation in the worker
// The plane shown: sigma_w^2 in (0, wMax], sigma_b^2 in [0, bMax], where every activation's
// critical line (if any: sigmoid has none, it is ordered everywhere) starts. Runs beyond it sit
// on the edge as a triangle. wMax 4.5, not 4: sigma_w^2 = 4 is the deep-chaos run of the
// presets and of the sweep's axis, and deserves to be a dot inside the plane, not on its edge.
const PHASE_RANGE = { default: { wMax: 4.5, bMax: 0.5 } };
let theoryWorker = null;
const phaseCache = new Map();   // activation|leakySlope -> phase grid, { pending } or { error }
let jacobianAsked = -1;         // the gen whose spectra were asked for

function requestTheory() {
  if (!state || !ready || $('theory').hidden) return;
  if (theoryFailed) {
    theoryFailure(theoryFailed);
    return;
  }
  if (!theoryWorker) {
    try {
      theoryWorker = new Worker(new URL('./theory-worker.js', import.meta.url), { type: 'module' });
    } catch (e) {
      // e.g. a page whose policy forbids workers (the single file starts this one from a blob)
      console.warn('initscope: no theory worker', e);
      theoryFailure(`the Theory tab could not start its worker: ${e.message || e}`);
      return;
    }
    theoryWorker.onmessage = onTheory;
    theoryWorker.onerror = (e) => theoryFailure(`the theory worker failed: ${e.message || 'unknown error'}`);
  }
  const key = `${state.activation}|${state.leakySlope}`;
  if (!phaseCache.has(key)) {
    phaseCache.set(key, { pending: true, key });
    const range = PHASE_RANGE[state.activation] ?? PHASE_RANGE.default;
    theoryWorker.postMessage({ type: 'phase', id: key, activation: state.activation, leakySlope: state.leakySlope, ...range, ...PHASE_GRID });
  }
  model.theory.phase = { key, ...phaseCache.get(key) };
  if (jacobianAsked !== gen) {
    jacobianAsked = gen;
    model.theory.jacobian = null;
    theoryWorker.postMessage({ type: 'jacobian', id: gen, configs: state.inits.map((init, i) => runConfig(state, init, i)) });
  }
}

let theoryFailed = null;       // why the theory worker cannot run, once it could not
function theoryFailure(error) {
  theoryFailed = error;
  model.theory.phase = { error };
  model.theory.jacobian = model.runs.map(() => ({ error }));
  scheduleDraw();
}

function onTheory(event) {
  const msg = event.data;
  if (msg.type === 'phase') {
    phaseCache.set(msg.id, { key: msg.id, ...msg });
  } else if (msg.type === 'jacobian') {
    if (msg.id === gen) model.theory.jacobian = msg.spectra;
  } else if (msg.type === 'error') {
    if (msg.kind === 'phase') phaseCache.set(msg.id, { key: msg.id, error: msg.message });
    else if (msg.id === gen) model.theory.jacobian = state.inits.map(() => ({ error: msg.message }));
  }
  const key = `${state.activation}|${state.leakySlope}`;
  if (phaseCache.has(key)) model.theory.phase = { key, ...phaseCache.get(key) };
  scheduleDraw();
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
      apply(validateState({ ...preset.state, speed, tab, theme, smooth, logY, embed }, catalog));
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

  $('b-play').addEventListener('click', () => pool.postMessage({ type: playing ? 'pause' : 'play' }));
  $('b-step').addEventListener('click', () => pool.postMessage({ type: 'step' }));
  $('b-reset').addEventListener('click', reset);
  $('c-speed').addEventListener('change', (e) => apply({ ...state, speed: Number(e.target.value) }));
  $('c-logY').addEventListener('change', (e) => apply({ ...state, logY: e.target.checked }));
  $('c-smooth').addEventListener('change', (e) => apply({ ...state, smooth: Number(e.target.value) }));
  $('c-theme').addEventListener('change', (e) => apply({ ...state, theme: e.target.value }));
  $('c-scrub').addEventListener('input', (e) => {
    const i = Number(e.target.value);
    model.cursor = i >= latestIndex() ? -1 : i;
    scheduleDraw();
  });
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
  setupDownloads();
  setupSweep();
  // A link to a sweep preset (#preset=ID) opens its map, ready to start, as the menu does.
  if (linked?.sweep && linked.state && !state.embed) openSweepPreset(linked);

  window.addEventListener('hashchange', () => {
    const { state: next, notices: ns } = parseHash(location.hash, catalog);
    linkNotices = ns.length;
    for (const n of ns) notify(`Link: ${n}`);
    apply(next);
  });
  document.addEventListener('keydown', onKey);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) scheduleDraw(); });
}

// ---------------------------------------------------------------------------------------------
// Downloads: every logged record of every run as JSON or CSV (the CLI's formats, export.js), and
// each chart panel as a PNG (picture.js).

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

function latestStep() {
  const records = timeline();
  return records.length ? records[records.length - 1].step : 0;
}

function downloadNumbers(format) {
  if (!ready || !model.config) return notify('nothing to download yet: the runs are still loading');
  const data = { config: model.config, runs: model.runs };
  const text = format === 'csv' ? toCSV(data) : toJSON(data);
  const type = format === 'csv' ? 'text/csv' : 'application/json';
  saveBlob(new Blob([text], { type }), exportFileName({ seed: model.config.seed, step: latestStep(), ext: format }));
}

async function downloadPicture(part) {
  const view = document.querySelector(`.panel[data-part="${part}"] .iv-view`);
  if (!view || !model.config) return;
  const c = model.config;
  const footer = `initscope \u00B7 ${c.dataset} \u00B7 ${c.activation} \u00B7 hidden ${formatHidden(c.hidden)} \u00B7 ` +
    `${c.optimizer} lr ${c.learningRate} \u00B7 seed ${c.seed}`;
  try {
    const blob = await panelPNG(view, { footer });
    saveBlob(blob, exportFileName({ seed: c.seed, step: latestStep(), what: part, ext: 'png' }));
  } catch (e) {
    notify(`could not make the picture: ${e.message || e}`);
  }
}

function setupDownloads() {
  const menu = $('download-menu');
  const close = (focus) => {
    menu.open = false;
    if (focus) menu.querySelector('summary').focus();
  };
  $('b-download-json').addEventListener('click', () => { downloadNumbers('json'); close(true); });
  $('b-download-csv').addEventListener('click', () => { downloadNumbers('csv'); close(true); });
  menu.addEventListener('keydown', (e) => { if (e.key === 'Escape' && menu.open) { e.preventDefault(); close(true); } });
  document.addEventListener('click', (e) => { if (menu.open && !menu.contains(e.target)) close(false); });
  // A PNG button beside each chart panel's "?".
  for (const panel of document.querySelectorAll('#views .panel[data-part], #theory .panel[data-part]')) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'png';
    b.textContent = 'PNG';
    b.title = 'Save this chart as a PNG image';
    b.setAttribute('aria-label', `Save the ${panel.getAttribute('aria-label').toLowerCase()} chart as a PNG image`);
    b.addEventListener('click', () => downloadPicture(panel.dataset.part));
    const tools = panel.querySelector('.panel-tools');
    tools.insertBefore(b, tools.querySelector('.how'));
  }
}

// ---------------------------------------------------------------------------------------------
// Sweep (views/sweep.js): the Sweep button swaps the chart grid for the sweep view; an embed
// that lists `sweep` shows it. A clicked cell becomes the page's experiment.

function openSweepPreset(preset) {
  setSweepMode(true);
  sweepView.configure(preset.sweep);
}

function setSweepMode(on) {
  document.body.classList.toggle('sweep-mode', on);
  $('b-sweep').setAttribute('aria-pressed', String(on));
  if (on) sweepView?.refreshPreview();   // its axes, empty cells and overlay at once
  if (on) sweepView?.resize();   // the first apply() runs before setupSweep()
  showIntro(on ? sweepView?.describe() : null);   // the intro says what is on screen
}

// The experiment the sweep varies: the first compared run, with its sizes resolved once the
// worker has made it (so an exported config reads as the CLI's).
function sweepBase() {
  const config = runConfig(state, state.inits[0]);
  return ready && good && good.gen === gen && model.config ? { ...model.config } : config;
}

// The cell's config as page state: every field the state has, the cell's initializer first
// among the compared ones. inputDim / classes stay as they were unless the sweep changed them
// (the config has them resolved, the state keeps 0 = the dataset's own).
function openSweepCell(config) {
  const base = sweepBase();
  const next = { ...state };
  for (const [k, v] of Object.entries(config)) {
    if (!(k in state) || k === 'inits' || k === 'embed') continue;
    if ((k === 'inputDim' || k === 'classes') && v === base[k]) continue;
    next[k] = v;
  }
  next.gain = typeof config.gain === 'number' ? config.gain : state.gain;
  next.inits = [config.init, ...state.inits.filter((i) => i !== config.init)].slice(0, 4);
  setSweepMode(false);
  apply(validateState(next, catalog));
}

function setupSweep() {
  // An embed shares the reader's machine with the article around it: one worker, unless the
  // sweep is all the embed shows.
  const embed = state.embed;
  sweepView = new SweepView($('v-sweep'), {
    getBase: sweepBase,
    onOpenCell: openSweepCell,
    notify,
    save: saveBlob,
    onSettings: () => { if (document.body.classList.contains('sweep-mode')) showIntro(sweepView.describe()); },
    embedded: !!embed && !(embed.length === 1 && embed[0] === 'sweep'),
  });
  new ResizeObserver(() => sweepView.resize()).observe($('v-sweep'));
  $('b-sweep').addEventListener('click', () => setSweepMode(!document.body.classList.contains('sweep-mode')));
  if (embed && embed.includes('sweep')) setSweepMode(true);
}

// space = play/pause, s = step, r = reset; never while typing, and never over a focused
// control's own meaning of the key.
function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || !state) return;
  const t = e.target;
  if (t.closest && t.closest('input, select, textarea, dialog, [contenteditable]')) return;
  const onControl = t.closest && t.closest('button, summary, a');
  if (e.key === ' ' && !onControl) {
    e.preventDefault();
    pool.postMessage({ type: playing ? 'pause' : 'play' });
  } else if (e.key === 's' || e.key === 'S') {
    pool.postMessage({ type: 'step' });
  } else if (e.key === 'r' || e.key === 'R') {
    reset();
  }
}

// ---------------------------------------------------------------------------------------------
// A read-only window onto what the page shows, for tests and the curious (copies, no handles).

function copyRecords(i) {
  const run = model.runs[i];
  return run ? structuredClone(run.records) : null;
}
Object.defineProperty(window, 'initscope', {
  value: Object.freeze({
    get state() { return state && structuredClone(state); },
    get configs() { return state ? state.inits.map((init, i) => runConfig(state, init, i)) : []; },
    // what the Theory tab has: the phase grid's status, and the number of runs with a spectrum
    get theory() {
      const p = model.theory.phase;
      const j = model.theory.jacobian;
      return {
        phase: p ? (p.error ? `error: ${p.error}` : p.pending ? 'pending' : 'ready') : null,
        jacobian: j ? j.filter((s) => s && !s.error).length : null,
        jacobianErrors: j ? j.filter((s) => s?.error).map((s) => s.error) : [],
      };
    },
    get playing() { return playing; },
    get ready() { return ready; },
    get gen() { return gen; },
    get cursor() { return model.cursor; },
    get draws() { return draws; },
    // the run pool: { shards started, active (used by these runs), gen, issued, merged }
    get pool() { return pool.info(); },
    runs() {
      return model.runs.map((r, i) => ({
        init: r.init, label: r.label, color: r.color, diverged: r.diverged,
        records: r.records.length, latest: structuredClone(r.records[r.records.length - 1]),
        hasGrid: !!r.grid, index: i,
        predictions: r.predictions && { step: r.predictions.step, pred: Array.from(r.predictions.pred), classAccuracy: Array.from(r.predictions.classAccuracy) },
      }));
    },
    records: copyRecords,
    sweep: Object.freeze({
      info: () => sweepView?.info(),
      csv: () => sweepView?.csv(),
      memory: () => sweepView?.memory(),
      start: () => sweepView?.start(),
      cancel: () => sweepView?.cancel(),
      configure: (settings) => sweepView?.configure(settings),
      setMode: (on) => setSweepMode(on),
      setTheorySource: (fn) => sweepView?.setTheorySource(fn),
      engineTheory: (query) => sweepView?.engineTheory(query),
    }),
  }),
});
