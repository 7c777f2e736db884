// worker.js: the Web Worker that owns the engine and the runs, so the page never blocks.
//
// One tick = `stepsPerTick` updates of every run that has not diverged, then one snapshot of
// each (losses, accuracies, per-layer statistics; a decision-boundary grid now and then) posted
// to the page. Snapshots are rate-limited twice: at most one per FRAME_MS, and at most
// MAX_IN_FLIGHT not yet drawn (the page acks each one after drawing it), so a slow page slows
// training down instead of queueing frames it will never show.
//
// Messages in:  configure {gen, configs, gridRes} | play | pause | step | speed {stepsPerTick} | ack
// Messages out: ready {catalog} | fatal {message} | loading {gen, label}
//               | configured {gen, dataset, datasets, configs, snapshot}
//               | snapshot {gen, snapshot} | playing {playing} | error {gen, message}
// `gen` numbers a set of runs: the page drops anything from a set it has replaced.

import { loadEngine } from './engine.js';
import { Player } from './player.js';
import { engineCatalog } from './state.js';

const FRAME_MS = 33;          // at most ~30 snapshots per second
const GRID_MS = 1000;         // decision-boundary grids at most once a second while playing
const MAX_IN_FLIGHT = 2;

let engine = null;
let runs = [];                // [{ run, diverged, last }]
let gen = 0;                  // the set of runs alive
let latestGen = 0;            // the newest set asked for (may still be loading its data)
let gridRes = 32;
let twoD = false;
let image = false;            // an image dataset: predictions instead of a boundary grid
const PREDICTION_IMAGES = 24; // views/predictions.js shows this many test images
let stepsPerTick = 1;
let inFlight = 0;
let tickStart = 0;            // when the current/last tick began: frames are paced start to start
let lastGrid = 0;
let wake = null;              // resolves the player's wait() early when an ack arrives

const player = new Player({
  tick: (boundary) => tick(boundary),   // a single step asks for a fresh boundary / predictions
  wait: () => waitForSlot(),
  onStateChange: (playing) => {
    // The final frame of a play gets a fresh boundary.
    if (!playing && runs.length) post('snapshot', { gen, snapshot: snapshot(true) });
    const allDiverged = runs.length > 0 && runs.every((r) => r.diverged !== null);
    postMessage({ type: 'playing', gen, playing, allDiverged });
  },
});

function post(type, body) {
  inFlight++;
  postMessage({ type, ...body });
}

function waitForSlot() {
  return new Promise((resolve) => {
    let timer = 0;
    const check = () => {
      clearTimeout(timer);
      // Counted from the start of the previous tick, not from its post: otherwise every frame
      // would cost FRAME_MS on top of the tick's own work (measured: 16 instead of 30 ticks/s).
      const due = tickStart + FRAME_MS - performance.now();
      if (inFlight < MAX_IN_FLIGHT && due <= 0) {
        wake = null;
        resolve();
        return;
      }
      wake = check;
      // A timer always, even when waiting for an ack: it also yields to the message queue,
      // which is how pause and reset get in between ticks.
      timer = setTimeout(check, Math.max(due, inFlight < MAX_IN_FLIGHT ? 0 : FRAME_MS));
    };
    check();
  });
}

// One snapshot per run. The grid is expensive (res^2 forward passes per run): only when asked.
// A diverged run does not change any more: its last snapshot is sent again.
function snapshot(withGrid) {
  const grid = withGrid && twoD;
  if (withGrid && (twoD || image)) lastGrid = performance.now();
  return runs.map((r) => {
    if (r.diverged !== null && r.last) return r.last;
    const ev = r.run.evaluate();
    if (ev.diverged != null) r.diverged = ev.diverged;
    let stats = null;
    try {
      stats = r.run.layerStats();
    } catch (e) {
      // A diverged run may have nothing finite to measure; the page shows the badge instead.
      if (r.diverged === null) throw e;
    }
    const snap = {
      step: ev.step,
      trainLoss: ev.trainLoss,
      testLoss: ev.testLoss,
      trainAccuracy: ev.trainAccuracy,
      testAccuracy: ev.testAccuracy,
      diverged: r.diverged,
      layerStats: stats,
      grid: grid && r.diverged === null ? { res: gridRes, probs: r.run.predictGrid(gridRes) } : null,
      predictions: withGrid && image && r.diverged === null
        ? { step: ev.step, pred: r.run.predictTest(PREDICTION_IMAGES), classAccuracy: r.run.classAccuracy() } : null,
    };
    if (r.diverged !== null) r.last = { ...snap, grid: null, predictions: null };
    return snap;
  });
}

// `boundary` forces a grid (a single step is a pause-state frame, it deserves a current one).
async function tick(boundary = false) {
  tickStart = performance.now();
  let live = 0;
  for (const r of runs) {
    if (r.diverged !== null) continue;
    r.run.step(stepsPerTick);
    live++;
  }
  if (!live) return false;
  const withGrid = boundary || performance.now() - lastGrid >= GRID_MS;
  const snap = snapshot(withGrid);
  post('snapshot', { gen, snapshot: snap });
  return snap.some((s) => s.diverged === null);
}

// Replaces the runs. Datasets read from a file (Fashion-MNIST) are fetched first, once; a newer
// configure arriving meanwhile wins. On an engine error the old runs stay.
async function configure(msg) {
  latestGen = msg.gen;
  const old = runs;
  runs = [];            // so stopping the player does not snapshot runs about to go
  player.stop();
  const info = engine.datasets().find((d) => d.id === msg.configs[0].dataset);
  if (info && info.needsLoad && !info.loaded) {
    postMessage({ type: 'loading', gen: msg.gen, label: info.label });
    try {
      await engine.loadDataset(info.id);
    } catch (e) {
      runs = old;
      postMessage({ type: 'error', gen: msg.gen, message: errorText(e) });
      return;
    }
    if (msg.gen !== latestGen) {
      runs = old;       // superseded while loading; the newer configure disposes them
      return;
    }
  }
  const created = [];
  try {
    for (const config of msg.configs) created.push({ run: engine.createRun(config), diverged: null, last: null });
  } catch (e) {
    for (const r of created) r.run.dispose();
    runs = old;
    postMessage({ type: 'error', gen: msg.gen, message: errorText(e) });
    return;
  }
  for (const r of old) r.run.dispose();
  runs = created;
  gen = msg.gen;
  gridRes = msg.gridRes || gridRes;
  const data = runs[0].run.dataset();
  twoD = data.inputDim === 2;
  image = !!engine.datasets().find((d) => d.id === msg.configs[0].dataset)?.needsLoad;
  inFlight = 0;
  // datasets: a loaded file now knows its sample count (catalog maxSamples). configs: the
  // resolved configs (inputDim, classes filled in), for the page's Download.
  post('configured', {
    gen, dataset: data, datasets: engine.datasets(), configs: runs.map((r) => r.run.config), snapshot: snapshot(true),
  });
}

const handlers = {
  configure,
  play: () => player.play(),
  pause: () => player.pause(),
  step() {
    if (runs.length) return player.step(true);
  },
  speed: (msg) => { stepsPerTick = msg.stepsPerTick; },
  ack() {
    inFlight = Math.max(0, inFlight - 1);
    if (wake) wake();
  },
};

self.onmessage = (event) => {
  const msg = event.data;
  const handler = msg && handlers[msg.type];
  if (!handler || !engine) return;
  try {
    const result = handler(msg);
    if (result && result.catch) result.catch(fail);
  } catch (e) {
    fail(e);
  }
};

function errorText(e) {
  return String(e && e.message ? e.message : e);
}

function fail(e) {
  player.stop();
  postMessage({ type: 'error', gen, message: errorText(e) });
}

loadEngine().then((e) => {
  engine = e;
  postMessage({ type: 'ready', catalog: engineCatalog(engine) });
}, (e) => postMessage({ type: 'fatal', message: `the engine did not load: ${errorText(e)}` }));
