// bench/soak.mjs: a long run through the wasm engine in Node, watching memory stay flat.
//
//   node --expose-gc bench/soak.mjs                       # 1,000,000 steps, 3 runs of 16x4 (~3 min)
//   node --expose-gc bench/soak.mjs --steps 100000 --hidden 64x10 --every 1000
//
// What it does: the page's loop without the page. Several runs side by side (he_normal,
// xavier_normal, zeros: the page's default comparison), `every` updates each, then one snapshot
// per run as worker.js takes it (evaluate + layerStats, a decision-boundary grid every 30th
// snapshot, about once a second on the page), kept in a history bounded like web/js/app/main.js's
// (over 1,000 records per run, every other record is dropped; step 0 and the latest stay).
// At step 0, 1k, 10k, 100k, 1M (and the end) it reports the wasm heap (linear memory, which never
// shrinks, and the bytes malloc'd now), the JS heap after a full GC, and the records held.
// A leak shows as a heap that keeps climbing between the later reports.
//
// tests/node/soak.test.mjs runs a short version in npm test and asserts no wasm heap growth
// after the warm-up. Results: a table on stdout and bench/results/soak-<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { loadEngine } from '../web/js/engine/engine.js';

export const MAX_RECORDS = 1000;  // web/js/app/main.js: per run, then every other record is dropped
const GRID_EVERY = 30;            // snapshots between decision-boundary grids (worker: ~1 per s)

// The page's history rule (main.js thin()): keep step 0, every other record, and the latest.
export function thin(records) {
  return records.filter((_, i) => i % 2 === 0 || i === records.length - 1);
}

// One soak: `runs` runs from `base` with the given inits; advance(k) does k rounds of `every`
// updates plus a snapshot per run. Returns the state and a sampler of the memory figures.
export function createSoak(engine, { base, inits, every }) {
  const runs = inits.map((init) => ({ run: engine.createRun({ ...base, init }), records: [], diverged: null }));
  let snapshots = 0;
  const snapshot = () => {
    const grid = snapshots++ % GRID_EVERY === 0;
    for (const r of runs) {
      if (r.diverged !== null) continue;
      const ev = r.run.evaluate();
      r.diverged = ev.diverged;
      r.records.push({ ...ev, layerStats: r.run.layerStats(), grid: grid ? r.run.predictGrid(32) : null });
      if (r.records.length > MAX_RECORDS) r.records = thin(r.records);
    }
  };
  snapshot();
  return {
    runs,
    get step() { return runs[0].run.stepCount; },
    advance(rounds) {
      for (let k = 0; k < rounds; k++) {
        for (const r of runs) if (r.diverged === null) r.run.step(every);
        snapshot();
      }
    },
    memory() {
      if (globalThis.gc) globalThis.gc();
      const m = engine.memory();
      return {
        step: runs[0].run.stepCount,
        wasmHeapBytes: m.heapBytes,
        wasmUsedBytes: m.heapUsedBytes,
        jsHeapBytes: process.memoryUsage().heapUsed,
        records: runs.map((r) => r.records.length),
        firstStep: runs.map((r) => r.records[0].step),
        lastStep: runs.map((r) => r.records[r.records.length - 1].step),
      };
    },
    dispose() { for (const r of runs) r.run.dispose(); },
  };
}

function parseArgs(argv) {
  const o = { steps: 1_000_000, every: 1000, hidden: '16x4', inits: 'he_normal,xavier_normal,zeros' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in o)) throw new Error(`soak.mjs: unknown option ${argv[i]} (known: ${Object.keys(o).join(', ')})`);
    o[key] = typeof o[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  const [w, d] = o.hidden.split('x').map(Number);
  o.hiddenList = d ? Array(d).fill(w) : o.hidden.split(',').map(Number);
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!globalThis.gc) console.log('(run with node --expose-gc for JS heap figures after a full GC)');
  const engine = await loadEngine();
  const base = { dataset: 'spiral', samples: 1000, hidden: o.hiddenList, batchSize: 32, learningRate: 0.05, seed: 42 };
  const soak = createSoak(engine, { base, inits: o.inits.split(','), every: o.every });
  const marks = [0, 1_000, 10_000, 100_000, 1_000_000, o.steps].filter((s, i, a) => s <= o.steps && a.indexOf(s) === i);
  const rows = [];
  const t0 = performance.now();
  for (const mark of marks) {
    soak.advance(Math.round((mark - soak.step) / o.every));
    const m = soak.memory();
    rows.push({ ...m, seconds: (performance.now() - t0) / 1000 });
    console.log(`step ${String(m.step).padStart(8)}: wasm heap ${(m.wasmHeapBytes / 2 ** 20).toFixed(1)} MiB ` +
      `(${m.wasmUsedBytes} B malloc'd), JS heap ${(m.jsHeapBytes / 2 ** 20).toFixed(1)} MiB, ` +
      `records ${m.records.join('/')} (steps ${m.firstStep[0]}..${m.lastStep[0]}), ` +
      `${rows.at(-1).seconds.toFixed(0)} s`);
  }
  const diverged = soak.runs.map((r) => r.diverged);
  soak.dispose();
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ options: o, base, diverged, rows }, null, 2));
  console.log(`diverged: ${JSON.stringify(diverged)}; written ${file}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
