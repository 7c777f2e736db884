// main.js: wiring. The worker trains and posts snapshots; this file keeps the model the views
// draw (every logged record per run), the state in the URL hash, and routes the controls, keys
// and buttons. It draws at most once per animation frame and acks each snapshot after drawing
// it, which is what paces the worker (see worker.js).

import { DEFAULTS, parseHash, toHash, runConfig, sameRuns, validateState, formatHidden } from './state.js';
import { Controls } from './controls.js';
import { presetById } from './presets.js';
import { applyEmbedMode, setupEmbedDialog } from './embed.js';
import { runColors, labelFor } from './colors.js';
import { LossView } from './views/loss.js';
import { VarianceView } from './views/variance.js';
import { GradientView } from './views/gradient.js';
import { HistogramView } from './views/histograms.js';
import { BoundaryView } from './views/boundary.js';
import { BadgesView } from './views/badges.js';
import { toJSON, toCSV, exportFileName } from './export.js';
import { panelPNG } from './picture.js';
import { SweepView } from './views/sweep.js';

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
};

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let sweepView = null;         // views/sweep.js, created at start (its workers only when a sweep starts)

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
  badges: [BadgesView, 'badges'],
};

function createViews() {
  for (const [part, [View, id]] of Object.entries(VIEWS)) {
    const container = $(id);
    const view = new View(container, { onSelectRun: selectHistRun });
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
  model.activeRun = Math.min(state.hist, model.runs.length - 1);
  for (const [part, view] of Object.entries(views)) {
    if (document.querySelector(`[data-part="${part}"]`)?.hidden) continue;
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
  for (; unacked > 0; unacked--) worker.postMessage({ type: 'ack' });
}

function addRecords(snapshot, replaceGrid) {
  snapshot.forEach((snap, i) => {
    const run = model.runs[i];
    const { grid, diverged, ...record } = snap;
    const recs = run.records;
    if (recs.length && recs[recs.length - 1].step === record.step) recs[recs.length - 1] = record;
    else recs.push(record);
    run.diverged = diverged;
    if (grid) run.grid = { res: grid.res, classes: model.dataset.classes, probs: grid.probs };
    else if (replaceGrid) run.grid = null;
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
    model.hidden = state.hidden.slice();
    model.cursor = -1;
    const colors = runColors(state.inits);
    model.runs = state.inits.map((init, i) => ({
      key: `${gen}:${i}:${init}`,
      init,
      label: labelFor(init),
      color: colors[i],
      diverged: null,
      records: [],
      grid: null,
    }));
    for (const view of Object.values(views)) view.reset?.();
    addRecords(msg.snapshot, true);
    ready = true;
    document.body.dataset.ready = String(gen);
    scheduleDraw();
  },
  loading(msg) {
    if (msg.gen === gen) $('step-counter').textContent = `loading ${msg.label}…`;
  },
  snapshot(msg) {
    unacked++;
    if (msg.gen !== gen || !ready) return ack();
    addRecords(msg.snapshot, false);
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
    if (msg.allDiverged && msg.gen === gen) notify('every run diverged: lower the learning rate, or reset');
  },
  error(msg) {
    notify(msg.message);
    if (msg.gen === gen && good && good.gen !== gen) {
      // The engine refused a config the page thought valid (e.g. more samples than a data
      // file holds). The worker kept the runs it had: go back to their state and generation.
      state = good.state;
      gen = good.gen;
      ready = true;
      writeHash();
      controls.render(state, runColors(state.inits));
    } else if (msg.gen === gen && !good && !sameRuns(state, DEFAULTS)) {
      // Refused on the very first load (a link): start from the defaults instead.
      notify('using the default experiment instead');
      apply(validateState({ ...DEFAULTS, embed: state.embed }, catalog));
      return;
    }
    if (/^invalid /.test(msg.message)) controls?.showFieldError(msg.message);
  },
};

worker.onmessage = (event) => {
  const handler = handlers[event.data && event.data.type];
  if (handler) handler(event.data);
};
worker.onerror = (event) => {
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
  worker.postMessage({
    type: 'configure',
    gen,
    gridRes: GRID_RES,
    configs: state.inits.map((init) => runConfig(state, init)),
  });
  worker.postMessage({ type: 'speed', stepsPerTick: state.speed });
}

function apply(next) {
  const runsChanged = !state || !sameRuns(state, next);
  const embedChanged = !state || JSON.stringify(state.embed) !== JSON.stringify(next.embed);
  state = next;
  writeHash();
  controls.render(state, runColors(state.inits));
  if (embedChanged) {
    applyEmbedMode(state.embed);
    if (state.embed) setSweepMode(state.embed.includes('sweep'));
  }
  worker.postMessage({ type: 'speed', stepsPerTick: state.speed });
  if (runsChanged) configure();
  else scheduleDraw();
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

// ---------------------------------------------------------------------------------------------
// Start: views, controls, the hash, the first runs.

async function start() {
  createViews();
  controls = new Controls({
    catalog,
    onChange: apply,
    onPreset(id) {
      const preset = presetById(id);
      apply(validateState({ ...DEFAULTS, ...preset.state, speed: state.speed, embed: state.embed }, catalog));
      // A sweep preset (presets.js `sweep`): its axes, shown in the sweep view, started by hand.
      if (preset.sweep) {
        setSweepMode(true);
        sweepView.configure(preset.sweep);
      }
    },
    onNewSeed: newSeed,
  });
  const parsed = parseHash(location.hash, catalog);
  for (const n of parsed.notices) notify(`Link: ${n}`);
  apply(parsed.state);

  $('b-play').addEventListener('click', () => worker.postMessage({ type: playing ? 'pause' : 'play' }));
  $('b-step').addEventListener('click', () => worker.postMessage({ type: 'step' }));
  $('b-reset').addEventListener('click', reset);
  $('c-speed').addEventListener('change', (e) => apply({ ...state, speed: Number(e.target.value) }));
  $('c-logY').addEventListener('change', (e) => apply({ ...state, logY: e.target.checked }));
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
  setupEmbedDialog({ getHash: () => toHash(state), notify });
  setupDownloads();
  setupSweep();

  window.addEventListener('hashchange', () => {
    const { state: next, notices: ns } = parseHash(location.hash, catalog);
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
  for (const panel of document.querySelectorAll('#views .panel[data-part]')) {
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

function setSweepMode(on) {
  document.body.classList.toggle('sweep-mode', on);
  $('b-sweep').setAttribute('aria-pressed', String(on));
  if (on) sweepView?.resize();   // the first apply() runs before setupSweep()
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
    worker.postMessage({ type: playing ? 'pause' : 'play' });
  } else if (e.key === 's' || e.key === 'S') {
    worker.postMessage({ type: 'step' });
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
    get configs() { return state ? state.inits.map((init) => runConfig(state, init)) : []; },
    get playing() { return playing; },
    get ready() { return ready; },
    get gen() { return gen; },
    get cursor() { return model.cursor; },
    get draws() { return draws; },
    runs() {
      return model.runs.map((r, i) => ({
        init: r.init, label: r.label, color: r.color, diverged: r.diverged,
        records: r.records.length, latest: structuredClone(r.records[r.records.length - 1]),
        hasGrid: !!r.grid, index: i,
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
