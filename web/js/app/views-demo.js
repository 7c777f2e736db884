// Development page for the chart views: renders every view from synthetic model data (no engine,
// no worker), so the views can be looked at, screenshotted and tested on their own.
// URL parameters pick the scenario, e.g. views-demo.html?runs=4&depth=200&diverged=1&nasty=1
//   runs 1..4, depth (hidden layers), records, diverged 0|1, nasty 0|1 (NaN/0/Infinity/negatives),
//   nd 0|1 (N-D dataset), activation relu|tanh, logY 0|1, cursor (-1 = latest), classes 2|3,
//   empty 0|1 (runs without records), play 0|1 (grow the records at ~30 Hz),
//   theory 0|1 (mean_field runs at sigma_w^2 = 1, 1.76, 4, 2.5), jacobian ok|pending|error
//   (model.theory.jacobian; the phase grid and spectra are synthetic, shaped like the real ones).
// window.__demo exposes { views, model, makeModel, render, options } for tests.

import { LossView } from '../views/loss.js';
import { VarianceView } from '../views/variance.js';
import { GradientView } from '../views/gradient.js';
import { HistogramView } from '../views/histograms.js';
import { BoundaryView } from '../views/boundary.js';
import { BadgesView } from '../views/badges.js';
import { CorrelationView } from '../views/correlation.js';
import { PhaseView } from '../views/phase.js';
import { JacobianView } from '../views/jacobian.js';
import { runColors, labelFor } from '../theme/colors.js';

const INITS = ['he_normal', 'xavier_normal', 'zeros', 'orthogonal'];
// theory=1: mean-field runs at sigma_w^2 = 1, 1.76, 4 (ordered, critical, chaotic for tanh)
const MF = [1, 1.76, 4, 2.5];

export function parseOptions(search) {
  const q = new URLSearchParams(search);
  const num = (k, d) => (q.has(k) && q.get(k) !== '' && Number.isFinite(Number(q.get(k))) ? Number(q.get(k)) : d);
  return {
    runs: Math.max(0, Math.min(4, num('runs', 3))),
    depth: Math.max(1, Math.min(200, num('depth', 10))),
    records: Math.max(0, num('records', 50)),
    diverged: num('diverged', 0) === 1,
    nasty: num('nasty', 0) === 1,
    nd: num('nd', 0) === 1,
    activation: q.get('activation') || 'relu',
    logY: num('logY', 1) === 1,
    cursor: num('cursor', -1),
    classes: Math.max(2, Math.min(5, num('classes', 2))),
    empty: num('empty', 0) === 1,
    play: num('play', 0) === 1,
    theory: num('theory', 0) === 1,
    jacobian: q.get('jacobian') ?? 'ok',   // ok | pending | error
    activeRun: num('active', 0),
  };
}

// ---------------------------------------------------------------------------------------------
// synthetic data (shapes resemble the real thing: He flat, Xavier/LeCun halving per ReLU layer,
// zeros exactly 0 and symmetric; numbers are made up)

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalCdf(x) {
  // Abramowitz & Stegun 7.1.26
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Per-layer factor of the forward variance of each synthetic initializer. */
function profile(init, activation) {
  const tanh = activation === 'tanh';
  switch (init) {
    case 'mean_field':
    case 'he_normal': return { fwd: tanh ? 1.25 : 1.0, bwd: tanh ? 1.2 : 1.0, zero: false };
    case 'xavier_normal': return { fwd: tanh ? 0.97 : 0.5, bwd: tanh ? 0.95 : 0.5, zero: false };
    case 'orthogonal': return { fwd: tanh ? 0.99 : 0.82, bwd: 0.85, zero: false };
    default: return { fwd: 0, bwd: 0, zero: true };
  }
}

function histogramCounts(std, activation, lo, hi, bins, total, zero) {
  const out = new Uint32Array(bins);
  const w = (hi - lo) / bins;
  const zb = Math.min(bins - 1, Math.floor((0 - lo) / w));
  if (zero || !(std > 0)) { out[zb] = total; return out; }
  for (let b = 0; b < bins; b++) {
    const a = lo + b * w;
    let p;
    if (activation === 'tanh') {
      const ia = Math.atanh(Math.max(-0.999999, Math.min(0.999999, a)));
      const ib = Math.atanh(Math.max(-0.999999, Math.min(0.999999, a + w)));
      p = normalCdf(ib / std) - normalCdf(ia / std);
    } else {
      p = a + w <= 0 ? 0 : normalCdf((a + w) / std) - normalCdf(Math.max(0, a) / std);
    }
    out[b] = Math.round(p * total);
  }
  if (activation !== 'tanh') out[zb] += Math.round(total / 2);
  return out;
}

/** Synthetic chi_1 of a run: sigma_w^2 over a made-up critical value (relu 2, tanh 1 + 3.2 sigma_b^2). */
function fakeChi1(w, b, activation) {
  return w / (activation === 'tanh' ? 1 + 3.2 * b : 2);
}

function fakeWeightVar(init, r) {
  return init === 'mean_field' ? MF[r] : init === 'he_normal' ? 2 : init === 'xavier_normal' ? 1 : init === 'orthogonal' ? 1 : 0;
}

function layerStats(init, o, t, r) {
  const L = o.depth + 1;
  const { fwd, bwd, zero } = profile(init, o.activation);
  const preVar = new Float64Array(L);
  const postVar = new Float64Array(L);
  const postMean = new Float64Array(L);
  const preMean = new Float64Array(L);
  const gradVar = new Float64Array(L);
  const weightGradVar = new Float64Array(L);
  const weightVar = new Float64Array(L);
  const theoryVar = new Float64Array(L);
  const deadFraction = new Float64Array(L);
  const symmetric = new Array(L).fill(false);
  const corr = new Float64Array(L);
  const theoryCorr = new Float64Array(L);
  const theoryGradVar = new Float64Array(L);
  // correlations: from 0.3 toward 1 (ordered) or toward c* (chaotic), faster away from chi_1 = 1
  const chi = fakeChi1(fakeWeightVar(init, r), 0.05, o.activation);
  const cStar = chi <= 1 ? 1 : Math.max(0.1, 1 - 0.8 * (chi - 1));
  const tanh = o.activation === 'tanh';
  const lo = tanh ? -1 : 0;
  const hi = tanh ? 1 : 4;
  const bins = 40;
  const counts = [];
  for (let l = 0; l < L; l++) {
    const th = zero ? 0 : Math.pow(fwd, l);
    theoryVar[l] = th;
    const drift = 1 + 0.6 * t * Math.sin(1.3 * l + r) + 0.05 * (rng(l * 97 + r)() - 0.5);
    preVar[l] = zero ? 0 : th * drift;
    postVar[l] = tanh ? Math.tanh(Math.sqrt(preVar[l])) ** 2 : preVar[l] / 2;
    postMean[l] = tanh ? 0 : Math.sqrt(preVar[l] / (2 * Math.PI));
    gradVar[l] = zero ? (l === L - 1 ? 1e-2 : 0) : 1e-3 * Math.pow(bwd, L - 1 - l) * (1 + 0.3 * t);
    weightGradVar[l] = gradVar[l] * 0.5;
    weightVar[l] = zero ? 0 : fakeWeightVar(init, r) / 64;
    deadFraction[l] = zero ? 1 : l < L - 1 && !tanh ? Math.min(0.9, 0.02 + 0.3 * t * (l % 3 === 1 ? 1 : 0.2)) : 0;
    symmetric[l] = zero && l < L - 1;
    const rate = Math.min(0.9, Math.abs(Math.log(chi || 1e-9)) + 0.03);
    theoryCorr[l] = zero ? 1 : cStar - (cStar - 0.3) * Math.pow(1 - rate, l + 1);
    corr[l] = zero ? 1 : Math.min(1, theoryCorr[l] + 0.04 * Math.sin(l + r) + 0.1 * t * Math.cos(0.7 * l));
    theoryGradVar[l] = zero ? 0 : 1e-3 * Math.pow(chi || 1, L - 1 - l);
    counts.push(histogramCounts(Math.sqrt(preVar[l]), o.activation, lo, hi, bins, 2000, zero || preVar[l] === 0));
  }
  return {
    preMean, preVar, postMean, postVar, deadFraction, gradVar, weightGradVar, weightVar, theoryVar,
    corr, theoryCorr, theoryGradVar, symmetric, theoryExact: !tanh, histogram: { lo, hi, bins, counts },
  };
}

function dataset(o) {
  const rand = rng(7);
  if (o.nd) {
    const n = 200;
    return { xTrain: new Float32Array(n * 10), yTrain: new Int32Array(n), xTest: new Float32Array(n * 10), yTest: new Int32Array(n), inputDim: 10, classes: 2, bounds: null };
  }
  const k = o.classes;
  const make = (n) => {
    const x = new Float32Array(2 * n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % k;
      const s = rand();
      const r = 0.1 + 0.85 * s;
      const a = (c * 2 * Math.PI) / k + 3.2 * s + 0.25 * (rand() - 0.5);
      x[2 * i] = r * Math.cos(a) + 0.04 * (rand() - 0.5);
      x[2 * i + 1] = r * Math.sin(a) + 0.04 * (rand() - 0.5);
      y[i] = c;
    }
    return [x, y];
  };
  const [xTrain, yTrain] = make(300);
  const [xTest, yTest] = make(150);
  return { xTrain, yTrain, xTest, yTest, inputDim: 2, classes: k, bounds: [-1.1, 1.1, -1.1, 1.1] };
}

function grid(init, o, t) {
  const res = 48;
  const k = o.classes;
  const probs = new Float32Array(res * res * k);
  const { zero } = profile(init, o.activation);
  const sharp = init === 'he_normal' ? 8 * t : init === 'xavier_normal' ? 3 * t : 2 * t;
  for (let i = 0; i < res; i++) {
    for (let j = 0; j < res; j++) {
      const x0 = -1.1 + (2.2 * (j + 0.5)) / res;
      const x1 = -1.1 + (2.2 * (i + 0.5)) / res;
      const r = Math.hypot(x0, x1);
      const th = Math.atan2(x1, x0);
      const logits = [];
      let m = -Infinity;
      for (let c = 0; c < k; c++) {
        const phase = init === 'he_normal' ? th - 3.2 * ((r - 0.1) / 0.85) - (c * 2 * Math.PI) / k : th - (c * 2 * Math.PI) / k;
        const z = zero ? 0 : sharp * Math.cos(phase);
        logits.push(z);
        if (z > m) m = z;
      }
      let s = 0;
      for (let c = 0; c < k; c++) { logits[c] = Math.exp(logits[c] - m); s += logits[c]; }
      for (let c = 0; c < k; c++) probs[(i * res + j) * k + c] = logits[c] / s;
    }
  }
  return { res, classes: k, probs };
}

/** A synthetic phase diagram shaped like the real one (pale ordered left, chaotic right). */
function fakePhase(o) {
  const wMax = 4;
  const bMax = 0.5;
  const nx = 44;
  const ny = 28;
  const chi1 = new Float64Array(nx * ny);
  const xiC = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = fakeChi1((wMax * (i + 0.5)) / nx, (bMax * (j + 0.5)) / ny, o.activation);
      chi1[j * nx + i] = c;
      xiC[j * nx + i] = 1 / Math.abs(Math.log(c));
    }
  }
  const critical = [];
  for (let j = 0; j <= 4 * ny; j++) {
    const b = (bMax * j) / (4 * ny);
    critical.push([o.activation === 'tanh' ? 1 + 3.2 * b : 2, b]);
  }
  return { key: o.activation, activation: o.activation, wMax, bMax, nx, ny, chi1, xiC, critical };
}

function fakeJacobian(runs, o) {
  if (o.jacobian === 'pending') return null;
  return runs.map((run, r) => {
    if (o.jacobian === 'error') return { error: 'synthetic error' };
    const w = fakeWeightVar(run.init, r);
    const chi = fakeChi1(w, 0.05, o.activation);
    const depth = Math.max(1, o.depth - 1);
    const rand = rng(31 + r);
    const singularValues = [0, 1, 2, 3].map(() => {
      const a = new Float64Array(64);
      for (let k = 0; k < 64; k++) {
        a[k] = w === 0 ? 0 : Math.pow(chi, depth / 2) * Math.exp(Math.sqrt(depth) * 0.25 * (rand() + rand() + rand() - 1.5));
      }
      return a.sort().reverse();
    });
    let ms = 0;
    let n = 0;
    for (const a of singularValues) for (const v of a) { ms += v * v; n++; }
    return { singularValues, meanSquared: ms / n, theoryMeanSquared: w === 0 ? 0 : Math.pow(chi, depth), firstLayer: 1, lastLayer: o.depth };
  });
}

export function makeModel(o, shown = o.records) {
  const inits = o.theory ? Array(o.runs).fill('mean_field') : INITS.slice(0, o.runs);
  const colors = runColors(inits);
  const ds = dataset(o);
  const runs = inits.map((init, r) => {
    const divergeAt = o.diverged && r === inits.length - 1 ? Math.max(1, Math.floor(o.records * 0.6)) : null;
    const n = o.empty ? 0 : Math.min(shown, divergeAt != null ? divergeAt + 1 : shown);
    const { zero } = profile(init, o.activation);
    const records = [];
    for (let i = 0; i < n; i++) {
      const t = o.records > 1 ? i / (o.records - 1) : 0;
      const step = i * 20;
      const rate = init === 'he_normal' ? 4 : init === 'xavier_normal' ? 1.2 : init === 'orthogonal' ? 2.5 : 0;
      const floor = init === 'he_normal' ? 0.05 : 0.2;
      let trainLoss = zero ? Math.LN2 : floor + (Math.LN2 - floor) * Math.exp(-rate * t);
      let testLoss = trainLoss * (1.08 + 0.1 * t);
      let acc = zero ? 0.5 : 0.5 + 0.48 * (1 - Math.exp(-rate * t * 1.3));
      const rec = { step, trainLoss, testLoss, trainAccuracy: acc, testAccuracy: acc - 0.03 * t, layerStats: layerStats(init, o, t, r) };
      if (divergeAt != null && i === divergeAt) {
        rec.trainLoss = NaN; rec.testLoss = Infinity; rec.trainAccuracy = NaN; rec.testAccuracy = NaN;
        const ls = rec.layerStats;
        for (const k of ['preVar', 'postVar', 'gradVar', 'deadFraction']) ls[k].fill(NaN);
        ls.preVar[0] = Infinity;
      }
      if (divergeAt != null && i === divergeAt - 1) { rec.trainLoss = 40; rec.testLoss = 90; }
      if (o.nasty && i % 7 === 3) {
        rec.trainLoss = i % 2 ? 0 : -1; rec.testLoss = NaN;
        const ls = rec.layerStats;
        ls.preVar[0] = NaN; ls.preVar[1 % ls.preVar.length] = -2; ls.preVar[ls.preVar.length - 1] = Infinity;
        ls.gradVar[0] = -Infinity; ls.theoryVar[0] = NaN;
        ls.deadFraction[0] = NaN;
        ls.histogram.counts[0] = new Uint32Array(ls.histogram.bins);
      }
      records.push(rec);
    }
    const t = Math.min(1, (n - 1) / Math.max(1, o.records - 1));
    let g = ds.inputDim === 2 && n > 0 && divergeAt == null ? grid(init, o, t) : null;
    if (g && o.nasty && r === 0) { g.probs[0] = NaN; g.probs[5] = Infinity; g.probs[9] = -1; }
    return {
      key: `${init}-${r}`, init, color: colors[r],
      label: init === 'mean_field' ? `${labelFor(init)} σw²=${MF[r]}, σb²=0.05` : labelFor(init),
      weightVar: init === 'mean_field' ? MF[r] : null,
      biasVar: init === 'mean_field' ? 0.05 : init === 'orthogonal' ? 0 : null,
      diverged: divergeAt != null && shown > divergeAt ? divergeAt * 20 : null, records, grid: g,
    };
  });
  return {
    runs,
    theory: { phase: fakePhase(o), jacobian: fakeJacobian(runs, o) },
    cursor: o.cursor,
    activeRun: o.activeRun,
    dataset: ds,
    logY: o.logY,
    activation: o.activation,
    hidden: new Array(o.depth).fill(64),
  };
}

// ---------------------------------------------------------------------------------------------
// page

const options = parseOptions(location.search);
const $ = (id) => document.getElementById(id);
const views = {
  badges: new BadgesView($('v-badges')),
  loss: new LossView($('v-loss')),
  variance: new VarianceView($('v-variance')),
  gradient: new GradientView($('v-gradient')),
  histograms: new HistogramView($('v-histograms'), { onSelectRun: (i) => { options.activeRun = i; render(); } }),
  boundary: new BoundaryView($('v-boundary')),
  correlation: new CorrelationView($('v-correlation')),
  phase: new PhaseView($('v-phase'), {
    onSelectRun: (i) => { options.activeRun = i; render(); },
    onPickTheory: (p) => { window.__demo.picked = p; },
  }),
  jacobian: new JacobianView($('v-jacobian')),
};

let model = null;
let shown = options.play ? 1 : options.records;
let frameMs = 0;

function render(m) {
  model = m ?? makeModel(options, shown);
  window.__demo.model = model;
  const t0 = performance.now();
  for (const v of Object.values(views)) v.update(model);
  frameMs = 0.9 * frameMs + 0.1 * (performance.now() - t0);
  $('perf').textContent = `update() of all views: ${frameMs.toFixed(2)} ms/frame`;
}

window.__demo = { views, model, makeModel, render, options, parseOptions };

function bindControls() {
  for (const el of document.querySelectorAll('[data-opt]')) {
    const k = el.dataset.opt;
    if (el.type === 'checkbox') el.checked = !!options[k];
    else el.value = String(options[k]);
    el.addEventListener('change', () => {
      options[k] = el.type === 'checkbox' ? el.checked : el.tagName === 'SELECT' && k === 'activation' ? el.value : Number(el.value);
      shown = options.records;
      render();
    });
  }
  $('play').addEventListener('click', () => {
    options.play = !options.play;
    if (options.play) { shown = 1; tick(); }
  });
}

function tick() {
  if (!options.play) return;
  shown = shown >= options.records ? 1 : shown + 1;
  render();
  requestAnimationFrame(() => setTimeout(tick, 33));
}

bindControls();
render();
if (options.play) tick();
document.documentElement.dataset.ready = '1';
