// bench/depth-bench.mjs (issue 19, `npm run bench`): the cost of a training step of residual
// blocks and norm layers against the plain MLP of the same depth and width. Two sides per
// network: our wasm engine (the module the page runs, in this Node process) and the native CLI
// (build/native/bin/initscope, `run --steps N`, minus the same call with --steps 0 for the setup).
// Prints steps/s and each network's time per step as a ratio of the plain one measured in the
// same round; the median of several rounds, plain and the others interleaved (shared machines
// drift).
//
// Usage: node bench/depth-bench.mjs [--rounds N] [--steps N]
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { loadEngine } from '../web/js/engine/engine.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = process.env.INITSCOPE_BIN ?? path.join(root, 'build/native/bin/initscope');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('rounds', 5);
const STEPS = arg('steps', 400);

// 16 blocks / layers of width 128 on 64-D gaussians, batch 64, SGD: the same work in the Linears.
const base = { dataset: 'gaussian_nd', inputDim: 64, samples: 2000, hidden: Array(16).fill(128), batchSize: 64,
  learningRate: 0.01, probeSize: 64, init: 'he_normal', seed: 42 };
const NETS = [
  { id: 'plain', label: 'plain 16x128', config: {} },
  { id: 'plain+bn', label: 'plain + BatchNorm', config: { norm: 'batch' } },
  // alpha 1/sqrt(16): an unscaled stack of 16 He blocks diverges at once (and a stopped run is free)
  { id: 'res', label: 'residual, 1 layer per branch', config: { architecture: 'residual', residualScale: 'inv_sqrt_depth' } },
  { id: 'res2', label: 'residual, 2 layers per branch', config: { architecture: 'residual', residualScale: 'inv_sqrt_depth', blockLayers: 2 } },
  { id: 'res+ln', label: 'residual + pre-LayerNorm', config: { architecture: 'residual', norm: 'layer' } },
  { id: 'res+rms', label: 'residual + post-RMSNorm', config: { architecture: 'residual', norm: 'rms', normPosition: 'post' } },
  { id: 'res+rezero', label: 'residual + ReZero', config: { architecture: 'residual', residualGate: 'rezero' } },
  { id: 'fixup', label: 'residual, Fixup', config: { architecture: 'residual', init: 'fixup' } },
];

function flags(config) {
  const out = [];
  for (const [k, v] of Object.entries(config)) {
    out.push(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, Array.isArray(v) ? v.join(',') : String(v));
  }
  return out;
}

function nativeSeconds(config, steps) {
  const t0 = performance.now();
  const r = spawnSync(bin, ['run', ...flags(config), '--steps', String(steps), '--log-every', String(Math.max(steps, 1)),
    '--format', 'csv', '--no-histograms'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
}

const engine = await loadEngine();
function wasmSeconds(config, steps) {
  const run = engine.createRun(config);
  try {
    run.step(1);  // warm
    const t0 = performance.now();
    for (let done = 0; done < steps; done += 100) run.step(Math.min(100, steps - done));
    const seconds = (performance.now() - t0) / 1000;
    if (run.evaluate().diverged != null) throw new Error(`${JSON.stringify(config)} diverged: its time means nothing`);
    return seconds;
  } finally {
    run.dispose();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = Object.fromEntries(NETS.map((n) => [n.id, { wasm: [], native: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const net of NETS) {
    const config = { ...base, ...net.config };
    times[net.id].wasm.push(wasmSeconds(config, STEPS) / STEPS);
    times[net.id].native.push((nativeSeconds(config, STEPS) - nativeSeconds(config, 0)) / STEPS);
  }
}

console.log(`depth-bench: ${STEPS} steps, median of ${ROUNDS} rounds; ratio = time per step / plain's`);
console.log('network'.padEnd(32), 'wasm steps/s'.padStart(13), 'ratio'.padStart(7), 'native steps/s'.padStart(15), 'ratio'.padStart(7));
const plain = { wasm: median(times.plain.wasm), native: median(times.plain.native) };
for (const net of NETS) {
  const w = median(times[net.id].wasm), n = median(times[net.id].native);
  console.log(net.label.padEnd(32), (1 / w).toFixed(0).padStart(13), (w / plain.wasm).toFixed(2).padStart(7),
    (1 / n).toFixed(0).padStart(15), (n / plain.native).toFixed(2).padStart(7));
}
