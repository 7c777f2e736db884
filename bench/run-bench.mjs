// bench/run-bench.mjs: `npm run bench` (via scripts/bench.sh). One run, one machine, one table:
// the same MLP configurations (bench/configs.json) trained by
//   - our engine in WebAssembly (web/js/engine/engine.js, the module the page uses),
//   - TensorFlow.js 4.22 with its wasm backend (XNNPACK, SIMD, one thread) and its cpu backend,
//   - our core natively (build/native/bin/initscope_bench, run as a child process),
// plus the GEMM kernels alone (ours in wasm and native, tf.matMul) and the machine's SIMD128
// multiply + add peak. Prints the table and writes bench/results/bench-<time>.json.
//
// Fair-play rules, both sides: the same initial weights (TF.js variables are filled from our
// he_normal draws), the same training rows, the same batch size, plain SGD with the same learning
// rate, ReLU, softmax cross-entropy averaged over the batch. TF.js runs the forward pass the way
// tf.layers.dense does (one fused matMul + bias + relu per layer). tfjs-core registers no
// gradients (the @tensorflow/tfjs bundle does, and its ESM files cannot be imported one by one
// in Node), so the backward pass is written out with tfjs-core ops (the same three products per
// layer autodiff runs) and tf.train.sgd applies the update. Batches are uploaded once before
// timing. Every figure is the median of several timing windows; the sides run one after another.
// A "same work" check trains one full-batch step on both sides from the same weights and
// compares the losses.
//
// Usage: node bench/run-bench.mjs [--native PATH|none] [--gemm-wasm DIR|none] [--engine DIR]
//        [--window S] [--windows N] [--warmup S] [--only S,L,D,gemm] [--tfjs wasm,wasm-autodiff,cpu]
//        [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

import { loadEngine, MAX_STEPS_PER_CALL } from '../web/js/engine/engine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Options
const argv = process.argv.slice(2);
function option(name, fallback) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}
const opts = {
  native: option('--native', join(root, 'build/native/bin/initscope_bench')),
  gemmWasm: option('--gemm-wasm', join(root, 'build/bench-wasm')),
  engine: option('--engine', ''),  // a directory with another build's initscope.{mjs,wasm}
  window: Number(option('--window', '0.5')),
  warmup: Number(option('--warmup', '1.5')),
  windows: Number(option('--windows', '7')),
  only: option('--only', ''),
  tfjs: option('--tfjs', 'wasm,wasm-autodiff,cpu').split(',').filter(Boolean),
  out: option('--out', join(root, 'bench/results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)),
};
const wanted = (id) => !opts.only || opts.only.split(',').includes(id);
const configs = JSON.parse(readFileSync(join(root, 'bench/configs.json'), 'utf8')).configs
  .filter((c) => wanted(c.id));
const log = (...a) => console.error(...a);

// ---------------------------------------------------------------------------------------------
// Timing: the same scheme as bench_native.cpp. body(k) does k units; k is calibrated (and the
// code warmed up) until one call takes >= window / 8, run for `warmup` seconds, then timed in
// `windows` windows of >= window seconds,
// each rated by the wall clock and by this process' CPU time (user + system). The machine may be
// shared: CPU time counts what we ran, not how long we waited for a core; on a quiet machine the
// two agree, and the table uses CPU time.
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
function rates(body) {
  let k = 1;
  for (;;) {
    const t0 = performance.now();
    body(k);
    if (performance.now() - t0 > (opts.window * 1000) / 8 || k >= 1 << 20) break;
    k *= 2;
  }
  // Warm-up at full speed: TF.js' JavaScript takes a second or two to reach its steady state
  // (its first window ran ~35% slower), so both sides get opts.warmup seconds before timing.
  for (const t0 = performance.now(); performance.now() - t0 < opts.warmup * 1000;) body(k);
  const wall = [], cpu = [];
  for (let w = 0; w < opts.windows; ++w) {
    let units = 0;
    const t0 = performance.now(), c0 = cpuSeconds();
    let dt;
    do {
      body(k);
      units += k;
      dt = (performance.now() - t0) / 1000;
    } while (dt < opts.window);
    wall.push(units / dt);
    cpu.push(units / (cpuSeconds() - c0));
  }
  return { wall, cpu };
}
const fmtRate = (s) => `${s.perSecond.toFixed(1).padStart(10)} per CPU second (wall clock ${s.perSecondWall.toFixed(1)}/s)`;
const summary = (r) => ({ perSecond: median(r.cpu), perSecondWall: median(r.wall), windowsCpu: r.cpu, windowsWall: r.wall });
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};

function engineConfig(c) {
  return {
    dataset: c.dataset, samples: 1000, noise: 0.1, testFraction: 0.5, seed: 42,
    hidden: Array(c.depth).fill(c.width), activation: 'relu', init: 'he_normal',
    optimizer: 'sgd', learningRate: c.learningRate, batchSize: c.batch, loss: 'cross_entropy',
    probeSize: c.probe,
  };
}

// ---------------------------------------------------------------------------------------------
// Our engine in wasm
async function benchOurs(engine) {
  const out = {};
  for (const c of configs) {
    const run = engine.createRun(engineConfig(c));
    let r;
    if (c.mode === 'stats') {
      r = rates((k) => { for (let i = 0; i < k; ++i) run.layerStats(); });
    } else {
      // rates() doubles k up to 2^20; one step() call takes at most MAX_STEPS_PER_CALL
      r = rates((k) => { for (let d = 0; d < k; d += MAX_STEPS_PER_CALL) run.step(Math.min(MAX_STEPS_PER_CALL, k - d)); });
      if (run.evaluate().diverged !== null) throw new Error(`${c.id} diverged in the wasm engine`);
    }
    run.dispose();
    out[c.id] = summary(r);
    log(`wasm   ${c.id.padEnd(2)} ${fmtRate(out[c.id])} ${c.mode === 'stats' ? 'layerStats' : 'steps'}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js: an MLP from tfjs-core ops, initialised with our weights.

// Layer l's kernel as tf.layers.dense stores it: [fanIn][fanOut] (ours is [fanOut][fanIn]).
function tfParams(run, depth) {
  const params = [];
  for (let l = 0; l <= depth; ++l) {
    const b = run.biases(l);
    const w = run.weights(l);
    const W = tf.tidy(() => tf.transpose(tf.tensor2d(w, [b.length, w.length / b.length])));
    params.push({ W: tf.variable(W), b: tf.variable(tf.tensor1d(b)) });
    W.dispose();
  }
  return params;
}

// Every layer's output (hidden: post-activations; last: logits); hidden layers as
// tf.layers.dense runs them: one fused matMul + bias + relu.
function tfForward(params, x) {
  const outs = [];
  let h = x;
  params.forEach(({ W, b }, l) => {
    h = tf.fused.matMul({ a: h, b: W, bias: b, activation: l + 1 < params.length ? 'relu' : 'linear' });
    outs.push(h);
  });
  return outs;
}

// Softmax cross-entropy averaged over the rows: its gradient w.r.t. the logits and (if asked) the loss.
function tfLossGrad(logits, y, withLoss) {
  const rows = logits.shape[0];
  const p = tf.softmax(logits);
  const dlogits = tf.div(tf.sub(p, y), rows);
  const loss = withLoss ? tf.neg(tf.mean(tf.log(tf.sum(tf.mul(p, y), 1)))) : null;
  return { dlogits, loss };
}

// Backward from dL/dlogits: per layer dW = in^T . g ([fanIn][fanOut], like the kernel), db = sum of
// g over rows, and g_prev = (g . W^T) * relu'(pre_prev), with relu'(pre) = step(post).
// The products: tfjs' own MatMul gradient uses matMul's transpose flags; tfjs-backend-wasm runs
// those ~10x slower than a plain matMul (measured: 1.5 vs 16.5 GFLOP/s at 128x256x256), so by
// default the transposes are explicit (tf.transpose, then a plain matMul), the faster of the two.
// tfVariant 'autodiff' keeps the flags, as tf.grad / optimizer.minimize would.
let tfVariant = 'tuned';
function tfBackward(params, x, outs, dlogits) {
  const flags = tfVariant === 'autodiff';
  const tn = (a, b) => (flags ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b));
  const nt = (a, b) => (flags ? tf.matMul(a, b, false, true) : tf.matMul(a, tf.transpose(b)));
  const L = params.length;
  const dW = new Array(L), db = new Array(L), grad = new Array(L);
  let g = dlogits;
  for (let l = L - 1; l >= 0; --l) {
    grad[l] = g;
    dW[l] = tn(l === 0 ? x : outs[l - 1], g);
    db[l] = tf.sum(g, 0);
    if (l > 0) g = tf.mul(nt(g, params[l].W), tf.step(outs[l - 1]));
  }
  return { dW, db, grad };
}

// Fixed minibatches of the training split, uploaded once (cheaper for TF.js than our per-step
// row copies, so if anything this favours TF.js).
function tfBatches(data, batch) {
  const n = data.yTrain.length, d = data.inputDim;
  const order = Array.from({ length: n }, (_, i) => i);
  let s = 12345;
  for (let i = n - 1; i > 0; --i) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const out = [];
  for (let start = 0; start + batch <= n; start += batch) {
    const x = new Float32Array(batch * d);
    const y = new Int32Array(batch);
    for (let r = 0; r < batch; ++r) {
      x.set(data.xTrain.subarray(order[start + r] * d, (order[start + r] + 1) * d), r * d);
      y[r] = data.yTrain[order[start + r]];
    }
    out.push({ x: tf.tensor2d(x, [batch, d]), y: tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), data.classes), 'float32') });
  }
  return out;
}

function tfTrain(c, run) {
  const data = run.dataset();
  const params = tfParams(run, c.depth);
  const vars = params.flatMap((p) => [p.W, p.b]);
  const batches = tfBatches(data, c.batch);
  const opt = tf.train.sgd(c.learningRate);
  let cursor = 0;
  const step = (k) => {
    for (let i = 0; i < k; ++i) {
      const { x, y } = batches[cursor++ % batches.length];
      const last = i + 1 === k;  // read the loss once per call, as run.step(k) returns it once
      const { grads, loss } = tf.tidy(() => {
        const outs = tfForward(params, x);
        const lg = tfLossGrad(outs[outs.length - 1], y, last);
        const { dW, db } = tfBackward(params, x, outs, lg.dlogits);
        const named = {};
        params.forEach((p, l) => { named[p.W.name] = dW[l]; named[p.b.name] = db[l]; });
        return { grads: named, loss: lg.loss };
      });
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
      if (last) {
        const v = loss.dataSync()[0];
        loss.dispose();
        if (!Number.isFinite(v)) throw new Error(`${c.id} diverged in TF.js`);
      }
    }
  };
  const r = rates(step);
  opt.dispose();
  tf.dispose([...vars, ...batches.flatMap((b) => [b.x, b.y])]);
  return r;
}

// What run.layerStats() computes, in TF.js: forward + loss + backward on the probe batch, then per
// layer the moments of pre, post, dL/dpre, dW and W, the dead fraction and the post-activation
// histogram (relu: 40 bins over [0, 3]), all downloaded in one read.
function tfStats(c, run) {
  const data = run.dataset();
  const params = tfParams(run, c.depth);
  const rows = Math.min(c.probe, data.yTrain.length), d = data.inputDim;
  const x = tf.tensor2d(data.xTrain.subarray(0, rows * d), [rows, d]);
  const y = tf.cast(tf.oneHot(tf.tensor1d(data.yTrain.subarray(0, rows), 'int32'), data.classes), 'float32');
  const bins = 40, lo = 0, hi = 3;
  const once = () => tf.tidy(() => {
    const pre = [], post = [];
    let h = x;
    params.forEach(({ W, b }, l) => {
      const z = tf.add(tf.matMul(h, W), b);
      pre.push(z);
      h = l + 1 < params.length ? tf.relu(z) : z;
      post.push(h);
    });
    const L = params.length;
    const { dlogits, loss } = tfLossGrad(h, y, true);
    const { dW, grad } = tfBackward(params, x, post, dlogits);
    const parts = [tf.reshape(loss, [1])];
    for (let l = 0; l < L; ++l) {
      const mp = tf.moments(pre[l]), mq = tf.moments(post[l]);
      const dead = tf.div(tf.sum(tf.cast(tf.lessEqual(tf.max(pre[l], 0), 0), 'float32')), pre[l].shape[1]);
      const idx = tf.clipByValue(tf.floor(tf.div(tf.sub(post[l], lo), (hi - lo) / bins)), 0, bins - 1);
      const hist = tf.bincount(tf.reshape(tf.cast(idx, 'int32'), [-1]), [], bins);
      parts.push(tf.stack([mp.mean, mp.variance, mq.mean, mq.variance, dead,
        tf.moments(grad[l]).variance, tf.moments(dW[l]).variance, tf.moments(params[l].W).variance]),
      tf.cast(hist, 'float32'));
    }
    return tf.concat(parts);
  });
  const r = rates((k) => {
    for (let i = 0; i < k; ++i) {
      const t = once();
      t.dataSync();
      t.dispose();
    }
  });
  tf.dispose([x, y, ...params.flatMap((p) => [p.W, p.b])]);
  return r;
}

async function useTfBackend(name) {
  if (name === 'wasm') setThreadsCount(1);  // one thread, like our engine (Node has no threads for it anyway)
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} did not initialise`);
  await tf.ready();
}

// name: 'wasm', 'cpu', or 'wasm-autodiff' (the wasm backend with the transpose flags autodiff uses).
async function benchTf(engine, name) {
  const [backend, variant] = name.split('-');
  tfVariant = variant ?? 'tuned';
  await useTfBackend(backend);
  const out = {};
  for (const c of configs) {
    const run = engine.createRun(engineConfig(c));
    const r = c.mode === 'stats' ? tfStats(c, run) : tfTrain(c, run);
    run.dispose();
    out[c.id] = summary(r);
    log(`tfjs-${name.padEnd(4)} ${c.id.padEnd(2)} ${fmtRate(out[c.id])} ${c.mode === 'stats' ? 'stats' : 'steps'}`);
  }
  return out;
}

// Same work check: from the same weights, the loss before and after one full-batch SGD step must
// agree between our engine and TF.js to float32 rounding.
async function sameWork(engine) {
  await useTfBackend((opts.tfjs[0] ?? 'cpu').split('-')[0]);
  const c = configs.find((k) => k.mode === 'train') ?? { dataset: 'spiral', depth: 8, width: 64, learningRate: 0.01, probe: 256 };
  const run = engine.createRun({ ...engineConfig(c), batchSize: 0 });
  const data = run.dataset();
  const params = tfParams(run, c.depth);
  const x = tf.tensor2d(data.xTrain, [data.yTrain.length, data.inputDim]);
  const y = tf.cast(tf.oneHot(tf.tensor1d(data.yTrain, 'int32'), data.classes), 'float32');
  const opt = tf.train.sgd(c.learningRate);
  // The loss from TF.js' own softmaxCrossEntropy, the update from our hand-written backward.
  const lossTf = () => tf.tidy(() => {
    const outs = tfForward(params, x);
    return tf.losses.softmaxCrossEntropy(y, outs[outs.length - 1]).dataSync()[0];
  });
  const before = [run.step(1).loss, lossTf()];
  const grads = tf.tidy(() => {
    const outs = tfForward(params, x);
    const { dW, db } = tfBackward(params, x, outs, tfLossGrad(outs[outs.length - 1], y, false).dlogits);
    const named = {};
    params.forEach((p, l) => { named[p.W.name] = dW[l]; named[p.b.name] = db[l]; });
    return named;
  });
  opt.applyGradients(grads);
  tf.dispose(Object.values(grads));
  const after = [run.step(1).loss, lossTf()];
  run.dispose();
  opt.dispose();
  tf.dispose([x, y, ...params.flatMap((p) => [p.W, p.b])]);
  const relDiff = Math.max(...[before, after].map(([a, b]) => Math.abs(a - b) / Math.abs(a)));
  return { config: c.id, ours: [before[0], after[0]], tfjs: [before[1], after[1]], maxRelDiff: relDiff };
}

// ---------------------------------------------------------------------------------------------
// GEMM alone
const GEMM_SIZES = [64, 256, 1024];
const KINDS = ['nt', 'tn', 'nn'];

async function benchGemmWasm() {
  const dir = opts.gemmWasm;
  if (dir === 'none' || !existsSync(join(dir, 'gemm.mjs'))) return null;
  const { default: createModule } = await import(join(dir, 'gemm.mjs'));
  const m = await createModule({ wasmBinary: readFileSync(join(dir, 'gemm.wasm')) });
  const secs = (opts.window * opts.windows) / 3;
  // V8 first runs a wasm function in its baseline compiler and swaps in optimised code only for
  // later calls, and binaryen inlines the timed loops into these entry points: warm each one up.
  for (const k of KINDS.keys()) m._bench_gemm_gflops(k, 64, 0.05);
  m._bench_simd128_peak_gflops(0.05);
  const gemm = [];
  for (const n of GEMM_SIZES) {
    for (const [k, kind] of KINDS.entries()) {
      const g = m._bench_gemm_gflops(k, n, secs);
      gemm.push({ n, kind, gflops: g });
      log(`wasm   gemm_${kind} ${String(n).padStart(4)}^3 ${g.toFixed(2).padStart(6)} GFLOP/s`);
    }
  }
  const peak = m._bench_simd128_peak_gflops(secs);
  log(`wasm   4-lane mul+add peak ${peak.toFixed(2)} GFLOP/s`);
  return { gemm, simd128PeakGflops: peak };
}

async function benchTfMatMul(backend) {
  await useTfBackend(backend);
  const out = [];
  for (const n of GEMM_SIZES) {
    const a = tf.randomUniform([n, n], -1, 1), b = tf.randomUniform([n, n], -1, 1);
    const r = rates((k) => {
      for (let i = 0; i < k; ++i) {
        const c = tf.matMul(a, b);
        if (i + 1 === k) c.dataSync();
        c.dispose();
      }
    });
    const g = (2 * n ** 3 * Math.max(...r.wall)) / 1e9;  // best window, as for our kernels
    out.push({ n, kind: 'nn', gflops: g });
    log(`tfjs-${backend.padEnd(4)} matMul ${String(n).padStart(4)}^3 ${g.toFixed(2).padStart(6)} GFLOP/s`);
    tf.dispose([a, b]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
function benchNative() {
  if (opts.native === 'none') return null;
  const only = configs.map((c) => c.id).concat(wanted('gemm') ? ['gemm', 'peak'] : []).join(',');
  const p = spawnSync(opts.native, ['--configs', join(root, 'bench/configs.json'), '--window',
    String(opts.window), '--windows', String(opts.windows), '--warmup', String(opts.warmup), '--only', only],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (p.status !== 0) throw new Error(`${opts.native} failed (${p.error ?? `exit ${p.status}`})`);
  const j = JSON.parse(p.stdout);
  return { configs: Object.fromEntries(j.configs.map((c) => [c.id, c])), gemm: j.gemm, simd128PeakGflops: j.simd128PeakGflops, clockGhz: j.clockGhz };
}

function table(res) {
  const fmt = (v) => (v === undefined || v === null ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '-');
  const lines = [`Rates per CPU second, median of ${opts.windows} windows of >= ${opts.window} s; load average ${res.machine.loadavg.map((v) => v.toFixed(1)).join(' ')} at the start.`, ''];
  lines.push('| config | ours wasm | ours native | tfjs-wasm | tfjs-wasm autodiff-style | tfjs-cpu | ours / tfjs-wasm | ours / tfjs autodiff-style | ours / tfjs-cpu | wasm / native |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of configs) {
    const o = res.ours?.[c.id]?.perSecond, n = res.native?.configs?.[c.id]?.perSecond;
    const tw = res.tfjs?.wasm?.[c.id]?.perSecond, tc = res.tfjs?.cpu?.[c.id]?.perSecond;
    const ta = res.tfjs?.['wasm-autodiff']?.[c.id]?.perSecond;
    const unit = c.mode === 'stats' ? 'layerStats/s' : 'steps/s';
    lines.push(`| ${c.id}: ${c.label} (${unit}) | ${fmt(o)} | ${fmt(n)} | ${fmt(tw)} | ${fmt(ta)} | ${fmt(tc)} | ${ratio(o, tw)} | ${ratio(o, ta)} | ${ratio(o, tc)} | ${(o && n ? (o / n).toFixed(2) : '-')} |`);
  }
  if (res.gemmWasm || res.native?.gemm?.length) {
    lines.push('');
    lines.push('| GEMM GFLOP/s | ours wasm nt / tn / nn | ours native nt / tn / nn | tf.matMul wasm | tf.matMul cpu |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const n of GEMM_SIZES) {
      const pick = (list) => (list ? KINDS.map((k) => fmt(list.find((g) => g.n === n && g.kind === k)?.gflops)).join(' / ') : '-');
      const tfg = (b) => fmt(res.tfjsMatMul?.[b]?.find((g) => g.n === n)?.gflops);
      lines.push(`| ${n}^3 | ${pick(res.gemmWasm?.gemm)} | ${pick(res.native?.gemm)} | ${tfg('wasm')} | ${tfg('cpu')} |`);
    }
    const pw = res.gemmWasm?.simd128PeakGflops, pn = res.native?.simd128PeakGflops, ghz = res.native?.clockGhz;
    // 12 flops per cycle: see bench/README.md ("The SIMD128 peak").
    const theory = ghz ? 12 * ghz : null;
    lines.push('');
    lines.push(`SIMD128 peak without FMA: 12 flops/cycle x ${ghz ? ghz.toFixed(2) : '?'} GHz = ${fmt(theory)} GFLOP/s; ` +
      `measured multiply + add mix: wasm ${fmt(pw)}, native ${fmt(pn)} GFLOP/s.`);
    const g256 = res.gemmWasm?.gemm?.filter((g) => g.n === 256).map((g) => g.gflops);
    const peak = theory ?? pn;
    if (g256 && peak) lines.push(`wasm GEMM 256^3 (worst of nt/tn/nn) = ${(100 * Math.min(...g256) / peak).toFixed(0)}% of that peak.`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
const result = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, loadavg: os.loadavg() },
  options: { window: opts.window, windows: opts.windows, warmup: opts.warmup },
  configs,
};
log(`bench: ${configs.map((c) => c.id).join(', ')}; median of ${opts.windows} windows of >= ${opts.window} s each; load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
result.native = benchNative();
const engine = await loadEngine(opts.engine
  ? { moduleUrl: pathToFileURL(join(opts.engine, 'initscope.mjs')).href, wasmUrl: pathToFileURL(join(opts.engine, 'initscope.wasm')).href }
  : {});
result.ours = await benchOurs(engine);
result.gemmWasm = wanted('gemm') ? await benchGemmWasm() : null;
result.tfjs = {};
result.tfjsMatMul = {};
for (const b of opts.tfjs) {
  result.tfjs[b] = await benchTf(engine, b);
  if (wanted('gemm') && !b.includes('-')) result.tfjsMatMul[b] = await benchTfMatMul(b);
}
if (opts.tfjs.length) {
  result.sameWork = await sameWork(engine);
  log(`same work: loss before/after one full-batch SGD step, ours ${result.sameWork.ours.map((v) => v.toFixed(6)).join(' / ')}, ` +
    `TF.js ${result.sameWork.tfjs.map((v) => v.toFixed(6)).join(' / ')} (max relative difference ${result.sameWork.maxRelDiff.toExponential(1)})`);
}
result.table = table(result);
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
console.log(result.table);
console.log(`\nwritten: ${opts.out}`);
