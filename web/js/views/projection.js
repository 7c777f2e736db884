// projection.js: what the decision-boundary panel shows for N-D inputs (gaussian_nd), where there
// is no input plane to colour: the test points, projected onto the two directions that separate
// the classes' means best, each dot in the colour of the class the run predicts for it, and a
// cross where that prediction is wrong. A net that learned the rule splits the cloud along x the
// way the true labels do; an untrained or stuck one paints it in one colour, or at random.
//
// The plane: u = the top eigenvector of the between-class scatter of the training set (for two
// classes, the direction between the class means: gaussian_nd's label is argmax_k <u_k, x>, so
// that is the rule's own direction); v = its second eigenvector, or with two classes (one
// between-class direction only) the training data's main remaining direction. Power iteration,
// deterministic start: the same dataset gives the same picture in every run's tile.
// Pure numbers plus one draw function on a 2-D context; no DOM.

import { CLASS_COLORS } from '../theme/colors.js';

const ITERATIONS = 40;
const MAX_ROWS = 2000;   // training rows the plane is fitted on (a big gaussian_nd set: enough)

function normalize(v) {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (!(n > 0)) return false;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return true;
}

function orthogonalize(v, u) {
  let d = 0;
  for (let i = 0; i < v.length; i++) d += v[i] * u[i];
  for (let i = 0; i < v.length; i++) v[i] -= d * u[i];
}

// The top eigenvector of the symmetric operator `apply` (v -> A v), orthogonal to `against`.
function topEigen(dim, apply, against = null) {
  let v = new Float64Array(dim);
  for (let i = 0; i < dim; i++) v[i] = 1 + i / dim;   // deterministic, not orthogonal to much
  if (against) orthogonalize(v, against);
  if (!normalize(v)) return { v: null, value: 0 };
  let value = 0;
  for (let it = 0; it < ITERATIONS; it++) {
    const w = apply(v);
    if (against) orthogonalize(w, against);
    let n = 0;
    for (const x of w) n += x * x;
    value = Math.sqrt(n);
    if (!normalize(w)) return { v, value: 0 };
    v = w;
  }
  return { v, value };
}

/** { mean, u, v } (Float64Arrays of length inputDim) for a dataset { xTrain, yTrain, inputDim, classes }, or null. */
export function projectionBasis(ds) {
  const d = ds?.inputDim;
  const x = ds?.xTrain;
  const y = ds?.yTrain;
  if (!(d >= 2) || !x || !y || !y.length || x.length < y.length * d) return null;
  const n = Math.min(y.length, MAX_ROWS);
  const K = Math.max(2, ds.classes ?? 2);
  const mean = new Float64Array(d);
  const means = Array.from({ length: K }, () => new Float64Array(d));
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const k = y[i];
    if (!(k >= 0 && k < K)) continue;
    counts[k]++;
    for (let j = 0; j < d; j++) { means[k][j] += x[i * d + j]; mean[j] += x[i * d + j]; }
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) means[k][j] = counts[k] ? means[k][j] / counts[k] - mean[j] : 0;
  // between-class scatter: v -> sum_k n_k c_k (c_k . v)
  const between = (v) => {
    const out = new Float64Array(d);
    for (let k = 0; k < K; k++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += means[k][j] * v[j];
      for (let j = 0; j < d; j++) out[j] += counts[k] * dot * means[k][j];
    }
    return out;
  };
  // the data's covariance: v -> sum_i (x_i - mean) ((x_i - mean) . v)
  const covariance = (v) => {
    const out = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += (x[i * d + j] - mean[j]) * v[j];
      for (let j = 0; j < d; j++) out[j] += dot * (x[i * d + j] - mean[j]);
    }
    return out;
  };
  const first = topEigen(d, between);
  const u = first.v ?? topEigen(d, covariance).v;
  if (!u) return null;
  let second = K > 2 ? topEigen(d, between, u) : { v: null, value: 0 };
  if (!second.v || !(second.value > 1e-9 * first.value)) second = topEigen(d, covariance, u);
  if (!second.v) return null;
  return { mean, u, v: second.v };
}

/** Float64Array [2 n]: the first n test rows (xTest order) in the basis's plane. */
export function projectTest(ds, basis, n = ds.yTest?.length ?? 0) {
  const d = ds.inputDim;
  n = Math.min(n, ds.yTest?.length ?? 0);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < d; j++) {
      const c = ds.xTest[i * d + j] - basis.mean[j];
      a += c * basis.u[j];
      b += c * basis.v[j];
    }
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

const classColor = (k) => CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];

/**
 * Draws the projected test points on a px x px canvas context (device pixels): predicted class
 * as the fill, a cross where it differs from yTest. `pred` null: the true classes, hollow
 * ("no prediction yet"). Returns { shown, wrong }.
 */
export function drawProjection(ctx, { points, yTest, pred, px, dpr, axis }) {
  const n = Math.min(yTest.length, points.length / 2);
  let m = 0;
  for (const p of points) if (Number.isFinite(p)) m = Math.max(m, Math.abs(p));
  const s = m > 0 ? (px / 2 - 6 * dpr) / m : 1;
  const cx = px / 2;
  const cy = px / 2;
  ctx.strokeStyle = axis;
  ctx.lineWidth = dpr;
  ctx.globalAlpha = 0.35;
  ctx.beginPath();
  ctx.moveTo(0, cy); ctx.lineTo(px, cy);
  ctx.moveTo(cx, 0); ctx.lineTo(cx, px);
  ctx.stroke();
  ctx.globalAlpha = 1;
  const r = Math.max(1.4, Math.min(3, px / dpr / 110)) * dpr;
  let wrong = 0;
  let shown = 0;
  for (let i = 0; i < n; i++) {
    const u = cx + points[2 * i] * s;
    const v = cy - points[2 * i + 1] * s;
    if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
    shown++;
    const k = pred ? pred[i] : yTest[i];
    const col = classColor(k);
    if (pred && pred[i] !== yTest[i]) {
      wrong++;
      ctx.strokeStyle = col;
      ctx.lineWidth = 1.4 * dpr;
      ctx.beginPath();
      ctx.moveTo(u - r, v - r); ctx.lineTo(u + r, v + r);
      ctx.moveTo(u - r, v + r); ctx.lineTo(u + r, v - r);
      ctx.stroke();
    } else {
      ctx.beginPath();
      ctx.arc(u, v, r, 0, 2 * Math.PI);
      if (pred) {
        ctx.fillStyle = col;
        ctx.fill();
      } else {
        ctx.strokeStyle = col;
        ctx.lineWidth = 1.2 * dpr;
        ctx.stroke();
      }
    }
  }
  return { shown, wrong };
}
