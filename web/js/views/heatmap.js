// The sweep's heatmap on a plain <canvas> (no chart library): cells, axes, the mean-field overlay
// (critical weightVar and 6 xi_c, Schoenholz et al. 2017) and the colour bar. Pure drawing: the
// sweep, its summaries and the hovered cell come in as arguments (SweepView in sweep.js owns them).

import { formatValue } from './format.js';
import { AXIS_STROKE, GRID_STROKE } from './axis.js';
import { cssColor } from '../theme/theme.js';
import { METRICS } from './sweep-form.js';

const MARGIN = { left: 58, right: 70, top: 10, bottom: 40 };
const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const DIVERGED = '#5b1a1a';
const THEORY = '#ff3b6b';
// viridis, 7 stops (matplotlib's), interpolated in sRGB
const VIRIDIS = [[68, 1, 84], [68, 57, 131], [49, 104, 142], [33, 145, 140], [53, 183, 121],
  [144, 215, 67], [253, 231, 37]];

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + (VIRIDIS[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Where the cells go in a canvas of `size` (CSS pixels). */
export function geometry({ width, height }, sweep) {
  const nx = sweep ? sweep.axes[0].values.length : 1;
  const ny = sweep && sweep.axes[1] ? sweep.axes[1].values.length : 1;
  // Room for the y labels (ids like xavier_normal are longer than numbers): about 6.2 px a
  // character in the axis font, plus the rotated field name, at most a third of the width.
  const yLabels = sweep?.axes[1]?.labels.map(shortLabel) ?? [];
  const longest = yLabels.reduce((n, t) => Math.max(n, t.length), 0);
  const left = Math.min(Math.max(MARGIN.left, 26 + Math.ceil(longest * 6.2)), Math.floor(width / 3));
  const pw = Math.max(10, width - left - MARGIN.right);
  const ph = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  return { width, height, nx, ny, left, top: MARGIN.top, pw, ph, cw: pw / nx, ch: ph / ny };
}

/** The metric's colour domain: accuracy from chance to 1, a loss over the computed values (log). */
function domain(m, sweep, summaries) {
  if (m.endsWith('Accuracy')) {
    const classes = sweep?.base.classes || 2;
    return { lo: 1 / classes, hi: 1, log: false };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of summaries) {
    const v = s?.[m];
    if (Number.isFinite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (!(lo < hi)) { lo = Number.isFinite(lo) ? lo / 2 : 0.1; hi = Number.isFinite(hi) ? hi * 2 : 10; }
  return { lo, hi, log: true };
}

function color(v, d) {
  if (!Number.isFinite(v)) return DIVERGED;
  const t = d.log ? (Math.log(v) - Math.log(d.lo)) / (Math.log(d.hi) - Math.log(d.lo)) : (v - d.lo) / (d.hi - d.lo);
  // losses: low is good, drawn bright like a high accuracy
  return viridis(d.log ? 1 - t : t);
}

/** The cell whose value paints cell (ix, iy): itself, else the nearest computed coarser one. */
function painter(summaries, ix, iy, nx) {
  if (summaries[iy * nx + ix]) return { s: summaries[iy * nx + ix], exact: true };
  for (let stride = 2; stride < 2 * Math.max(nx, summaries.length / nx); stride *= 2) {
    const c = Math.floor(iy / stride) * stride * nx + Math.floor(ix / stride) * stride;
    if (summaries[c]) return { s: summaries[c], exact: false };
  }
  return null;
}

/**
 * Paints the heatmap of `sweep` into `canvas` (sized to `size`, CSS pixels): cells coloured by
 * `metric` (a coarser computed cell stands in, faded, for one not computed yet), the hovered cell
 * outlined, axes, the mean-field `overlay` (or null) and the colour bar.
 */
export function drawHeatmap(canvas, size, { sweep, summaries, metric, hover, overlay }) {
  const g = geometry(size, sweep);
  const dpr = window.devicePixelRatio || 1;
  const c = canvas;
  const W = Math.round(g.width * dpr);
  const H = Math.round(g.height * dpr);
  if (c.width !== W || c.height !== H) {
    c.width = W;
    c.height = H;
    c.style.width = `${g.width}px`;
    c.style.height = `${g.height}px`;
  }
  const ctx = c.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, g.width, g.height);
  if (!sweep) return;
  const [xa, ya] = sweep.axes;
  const d = domain(metric, sweep, summaries);
  // cells; y grows upwards (depth up, as in the papers' phase diagrams)
  for (let iy = 0; iy < g.ny; iy++) {
    for (let ix = 0; ix < g.nx; ix++) {
      const p = painter(summaries, ix, iy, g.nx);
      const x0 = g.left + ix * g.cw;
      const y0 = g.top + (g.ny - 1 - iy) * g.ch;
      if (!p) {
        ctx.fillStyle = GRID_STROKE();   // not computed yet: an empty cell, outlined below
      } else {
        ctx.globalAlpha = p.exact ? 1 : 0.45;
        ctx.fillStyle = p.s.diverged === sweep.seeds ? DIVERGED : color(p.s[metric], d);
      }
      ctx.fillRect(x0, y0, Math.ceil(g.cw), Math.ceil(g.ch));
      ctx.globalAlpha = 1;
      if (!p) {
        ctx.strokeStyle = cssColor('--chart-frame', '#888888');
        ctx.lineWidth = 0.5;
        ctx.strokeRect(x0 + 0.5, y0 + 0.5, g.cw - 1, g.ch - 1);
      }
      const s = summaries[iy * g.nx + ix];
      if (s && s.diverged > 0 && s.diverged < sweep.seeds) {   // some seeds diverged: a corner mark
        ctx.fillStyle = '#e0443e';
        ctx.fillRect(x0 + g.cw - 5, y0 + 1, 4, 4);
      }
    }
  }
  if (hover >= 0) {
    const ix = hover % g.nx;
    const iy = Math.floor(hover / g.nx);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.strokeRect(g.left + ix * g.cw + 1, g.top + (g.ny - 1 - iy) * g.ch + 1, g.cw - 2, g.ch - 2);
  }
  drawAxes(ctx, g, xa, ya);
  drawOverlay(ctx, g, xa, ya, overlay);
  drawColorbar(ctx, g, d, metricLabel(metric));
}

export const metricLabel = (metric) => METRICS.find(([m]) => m === metric)[1];

function drawAxes(ctx, g, xa, ya) {
  ctx.font = FONT;
  ctx.fillStyle = AXIS_STROKE();
  ctx.strokeStyle = AXIS_STROKE();
  ctx.lineWidth = 1;
  ctx.strokeRect(g.left + 0.5, g.top + 0.5, g.pw - 1, g.ph - 1);
  const every = (n, px) => Math.max(1, Math.ceil(n / Math.max(1, Math.floor(px))));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xStep = every(g.nx, g.pw / 48);
  for (let i = 0; i < g.nx; i += xStep) ctx.fillText(shortLabel(xa.labels[i]), g.left + (i + 0.5) * g.cw, g.top + g.ph + 4);
  ctx.fillText(xa.field, g.left + g.pw / 2, g.top + g.ph + 22);
  if (ya) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const yStep = every(g.ny, g.ph / 18);
    for (let i = 0; i < g.ny; i += yStep) ctx.fillText(shortLabel(ya.labels[i]), g.left - 4, g.top + (g.ny - 0.5 - i) * g.ch);
    ctx.save();
    ctx.translate(12, g.top + g.ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(ya.field, 0, 0);
    ctx.restore();
  }
}

// Axis value -> pixel, by linear interpolation between the cells' centres (the values of a
// list need not be evenly spaced); null outside the axis.
function toPixel(values, v, start, size) {
  const n = values.length;
  if (n === 1) return values[0] === v ? start + size / 2 : null;
  const asc = values[n - 1] >= values[0];
  for (let i = 0; i < n - 1; i++) {
    const a = values[i];
    const b = values[i + 1];
    if ((asc && v >= a && v <= b) || (!asc && v <= a && v >= b)) {
      const f = b === a ? 0 : (v - a) / (b - a);
      return start + (i + 0.5 + f) * size;
    }
  }
  return null;
}

function drawOverlay(ctx, g, xa, ya, o) {
  if (!o || !ya) return;
  const px = (w) => toPixel(xa.values, w, g.left, g.cw);
  // y cells are drawn bottom-up: index i has its centre at top + ph - (i + 0.5) ch
  const py = (depth) => {
    const p = toPixel(ya.values, depth, 0, g.ch);
    if (p !== null) return g.top + g.ph - p;
    // beyond the last/first centre: extrapolate a little so the curve reaches the edges
    const n = ya.values.length;
    const lo = ya.values[0];
    const hi = ya.values[n - 1];
    const per = n > 1 ? (hi - lo) / (n - 1) : 1;
    const idx = (depth - lo) / per;
    if (idx < -0.5 || idx > n - 0.5) return null;
    return g.top + g.ph - (idx + 0.5) * g.ch;
  };
  ctx.save();
  ctx.beginPath();
  ctx.rect(g.left, g.top, g.pw, g.ph);
  ctx.clip();
  ctx.strokeStyle = THEORY;
  ctx.lineWidth = 2;
  ctx.setLineDash([]);
  ctx.beginPath();
  let pen = false;
  o.weightVars.forEach((w, i) => {
    const xi = o.xiC[i];
    const x = px(w);
    const y = xi === null || x === null ? null : py(6 * xi);
    if (y === null || x === null) {
      // off the top: draw to the top edge and lift the pen
      if (pen && xi !== null && x !== null && 6 * xi > ya.values[ya.values.length - 1]) ctx.lineTo(x, g.top);
      pen = false;
      return;
    }
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
  });
  ctx.stroke();
  if (o.critical !== null) {
    const x = px(o.critical);
    if (x !== null) {
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(x, g.top);
      ctx.lineTo(x, g.top + g.ph);
      ctx.stroke();
    }
  }
  ctx.restore();
  ctx.font = FONT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  // on a veil of the chart's background: the curve often runs through this corner
  const key = '— 6·ξc   ┆ critical σw²';
  ctx.fillStyle = cssColor('--chart-veil', 'rgba(255,255,255,0.7)');
  ctx.fillRect(g.left + 3, g.top + 2, ctx.measureText(key).width + 6, 15);
  ctx.fillStyle = THEORY;
  ctx.fillText(key, g.left + 6, g.top + 4);
}

function drawColorbar(ctx, g, d, label) {
  const x = g.left + g.pw + 12;
  const w = 12;
  for (let i = 0; i < g.ph; i++) {
    const t = 1 - i / g.ph;
    const v = d.log ? Math.exp(Math.log(d.lo) + t * (Math.log(d.hi) - Math.log(d.lo))) : d.lo + t * (d.hi - d.lo);
    ctx.fillStyle = color(v, d);
    ctx.fillRect(x, g.top + i, w, 1.5);
  }
  ctx.fillStyle = AXIS_STROKE();
  ctx.font = FONT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(formatValue(d.hi), x + w + 3, g.top + 5);
  ctx.fillText(formatValue(d.lo), x + w + 3, g.top + g.ph - 5);
  ctx.fillStyle = DIVERGED;
  ctx.fillRect(x, g.top + g.ph + 8, w, 10);
  ctx.fillStyle = AXIS_STROKE();
  ctx.fillText('diverged', x - 2, g.top + g.ph + 28);
  ctx.save();
  ctx.translate(x + w + 12, g.top + g.ph / 2);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(label, 0, 0);
  ctx.restore();
}

function shortLabel(text) {
  const v = Number(text);
  return Number.isFinite(v) && text.length > 6 ? formatValue(v) : text;
}
