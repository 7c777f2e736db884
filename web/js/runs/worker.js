// worker.js: one shard of the page's run pool (run-pool.js). It owns an engine instance and the
// runs the pool gave it, and does exactly what it is told: create runs, step them, snapshot them.
// When to step, how many steps, and when to draw a decision boundary are decided by the pool, for
// every shard alike, so runs in different shards move in lockstep and give the same numbers as
// they would in one worker (the engine is deterministic; tests/browser/pool.test.mjs).
//
// Messages in:  prepare {gen, configs, gridRes} | commit {gen} | rollback {gen}
//               | tick {gen, id, steps, grid} | cancel {gen, round}
// Messages out: ready {catalog} | fatal {message} | loading {gen, label}
//               | prepared {gen, ok, message?, dataset, datasets, configs, snapshot}
//               | ticked {gen, id, snapshot} | cancelled {gen, round, done} | error {gen, id, message}
//
// prepare builds the new runs beside the old ones; the pool commits them once every shard has
// built its part, or rolls them back if any shard failed, so a refused config leaves every shard
// with the runs it had. Ticks are queued and run one per task (a MessageChannel yield between
// them), so a cancel gets in between two ticks of a long queue.

import { loadEngine } from '../engine/engine.js';
import { engineCatalog } from '../state/state.js';

const PREDICTION_IMAGES = 24; // views/predictions.js shows this many test images
const ND_TEST_ROWS = 1000;    // views/projection.js draws at most this many test points

let engine = null;
let early = [];               // messages that arrived before the engine loaded
let runs = [];                // [{ run, diverged, last }] of the committed set
let gen = 0;                  // the committed set
let latestGen = 0;            // the newest set asked for (may still be loading its data)
let pending = null;           // { gen, runs, gridRes, twoD, image } prepared, not yet committed
let gridRes = 32;
let twoD = false;
let image = false;            // an image dataset: predictions instead of a boundary grid
let nd = false;               // N-D data (not 2-D, not images): predictions of `testRows` test rows
let testRows = 0;
let queue = [];               // ticks of `gen` not yet run
let done = 0;                 // the last tick id run
let scheduled = false;

const yieldPort = new MessageChannel();
yieldPort.port1.onmessage = () => {
  scheduled = false;
  runOne();
};
function schedule() {
  if (scheduled || !queue.length) return;
  scheduled = true;
  yieldPort.port2.postMessage(null);
}

// One snapshot per run. The grid is expensive (res^2 forward passes per run): only when asked.
// A diverged run does not change any more: its last snapshot is sent again.
function snapshot(set, withGrid, flags) {
  const grid = withGrid && flags.twoD;
  return set.map((r) => {
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
      grid: grid && r.diverged === null ? { res: flags.gridRes, probs: r.run.predictGrid(flags.gridRes) } : null,
      // image data: the predictions view's images; N-D data: the boundary panel's projection
      predictions: withGrid && (flags.image || flags.nd) && r.diverged === null
        ? { step: ev.step, pred: r.run.predictTest(flags.image ? PREDICTION_IMAGES : flags.testRows), classAccuracy: r.run.classAccuracy() } : null,
    };
    if (r.diverged !== null) r.last = { ...snap, grid: null, predictions: null };
    return snap;
  });
}

// steps = 0 is a snapshot without training (the fresh boundary at the end of a play).
function runOne() {
  const t = queue.shift();
  if (!t) return;
  try {
    if (t.steps > 0) for (const r of runs) if (r.diverged === null) r.run.step(t.steps);
    const snap = snapshot(runs, t.grid, { twoD, image, nd, testRows, gridRes });
    done = t.id;
    postMessage({ type: 'ticked', gen, id: t.id, snapshot: snap });
  } catch (e) {
    queue = [];
    done = t.id;
    postMessage({ type: 'error', gen, id: t.id, message: errorText(e) });
  }
  schedule();
}

function dispose(set) {
  for (const r of set) r.run.dispose();
}

// Builds the runs of a new set beside the committed ones. Datasets read from a file
// (Fashion-MNIST) are fetched first, once; a newer prepare arriving meanwhile wins.
async function prepare(msg) {
  latestGen = msg.gen;
  queue = [];
  if (pending) {
    dispose(pending.runs);
    pending = null;
  }
  const reply = (body) => postMessage({ type: 'prepared', gen: msg.gen, ...body });
  if (!msg.configs.length) {
    pending = { gen: msg.gen, runs: [], gridRes: msg.gridRes || gridRes, twoD: false, image: false };
    reply({ ok: true, dataset: null, datasets: engine.datasets(), configs: [], snapshot: [] });
    return;
  }
  const info = engine.datasets().find((d) => d.id === msg.configs[0].dataset);
  if (info && info.needsLoad && !info.loaded) {
    postMessage({ type: 'loading', gen: msg.gen, label: info.label });
    try {
      await engine.loadDataset(info.id);
    } catch (e) {
      reply({ ok: false, message: errorText(e) });
      return;
    }
    if (msg.gen !== latestGen) return;   // superseded while loading: the newer prepare answers
  }
  const created = [];
  try {
    for (const config of msg.configs) created.push({ run: engine.createRun(config), diverged: null, last: null });
  } catch (e) {
    dispose(created);
    reply({ ok: false, message: errorText(e) });
    return;
  }
  const data = created[0].run.dataset();
  const flags = {
    gridRes: msg.gridRes || gridRes,
    twoD: data.inputDim === 2,
    image: !!engine.datasets().find((d) => d.id === msg.configs[0].dataset)?.needsLoad,
  };
  flags.nd = !flags.twoD && !flags.image;
  flags.testRows = Math.min(ND_TEST_ROWS, data.yTest.length);
  pending = { gen: msg.gen, runs: created, ...flags };
  let snap;
  try {
    snap = snapshot(created, true, flags);
  } catch (e) {
    dispose(created);
    pending = null;
    reply({ ok: false, message: errorText(e) });
    return;
  }
  // datasets: a loaded file now knows its sample count (catalog maxSamples). configs: the
  // resolved configs (inputDim, classes filled in), for the page's Download.
  reply({ ok: true, dataset: data, datasets: engine.datasets(), configs: created.map((r) => r.run.config), snapshot: snap });
}

const handlers = {
  prepare,
  commit(msg) {
    if (!pending || pending.gen !== msg.gen) return;
    dispose(runs);
    ({ runs, gridRes, twoD, image, nd, testRows } = pending);
    gen = msg.gen;
    pending = null;
    queue = [];
    done = 0;
  },
  rollback(msg) {
    if (!pending || pending.gen !== msg.gen) return;
    dispose(pending.runs);
    pending = null;
  },
  tick(msg) {
    // A tick already run or queued is not run twice (the pool may send a dropped one again).
    if (msg.gen !== gen || msg.id <= done || queue.some((t) => t.id === msg.id)) return;
    queue.push(msg);
    schedule();
  },
  cancel(msg) {
    if (msg.gen !== gen) return;
    queue = [];
    postMessage({ type: 'cancelled', gen, round: msg.round, done });
  },
};

function handle(msg) {
  const handler = msg && handlers[msg.type];
  if (!handler) return;
  try {
    const result = handler(msg);
    if (result && result.catch) result.catch((e) => postMessage({ type: 'error', gen: msg.gen, message: errorText(e) }));
  } catch (e) {
    postMessage({ type: 'error', gen: msg.gen, message: errorText(e) });
  }
}

self.onmessage = (event) => {
  if (engine) handle(event.data);
  else if (early) early.push(event.data);
};

function errorText(e) {
  return String(e && e.message ? e.message : e);
}

loadEngine().then((e) => {
  engine = e;
  postMessage({ type: 'ready', catalog: engineCatalog(engine) });
  const queued = early;
  early = null;
  for (const msg of queued) handle(msg);
}, (e) => {
  early = null;
  postMessage({ type: 'fatal', message: `the engine did not load: ${errorText(e)}` });
});
