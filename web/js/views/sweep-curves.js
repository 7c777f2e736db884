// The sweep's curves on a plain <canvas>: a metric (final training loss by default) against the
// x axis (log2 of learningRate when x is the learning rate), one curve per value of the y axis
// (e.g. one per width, colours in the legend), each curve's minimum marked, and one panel per
// value of the split (sp beside mup in the mup_transfer preset) over the same x and y ranges, so
// the panels compare by eye (Tensor Programs V's learning-rate transfer figure).
//
// A cell whose seeds all diverged has no value: it is drawn as a cross on the panel's top edge,
// never as a point of the curve; a cell where some seeds diverged is drawn (the mean over the
// others) with a ring around it. Values above the panel's range (a loss past twice the
// classes' chance level) sit on the top edge as open triangles. Pure drawing, like heatmap.js:
// SweepView (sweep.js) owns the sweep, its summaries and the toggle.

import { AXIS_STROKE, GRID_STROKE, KEY_COLOR, FONT } from './axis.js';
import { formatValue } from './format.js';
import { cssColor, themedRunColor } from '../theme/theme.js';
import { PALETTE } from '../theme/colors.js';

const MARGIN = { left: 48, right: 10, top: 22, bottom: 64 };
const GAP = 28;   // room for the x labels at the panels' facing ends

/** Whether the curves display applies: a numeric x axis (the view offers it for learningRate). */
export const hasCurves = (sweep) => !!sweep && sweep.axes[0].numeric;

/** x coordinate of value i: log2 for the learning rate (the sweep's log2 grid), else the value. */
function xValue(axis, i) {
  const v = axis.values[i];
  return axis.field === 'learningRate' && v > 0 ? Math.log2(v) : v;
}

/**
 * The curves of a sweep as data: panels[iz].curves[iy] = { label, points: [{ i, x, v, diverged,
 * partial }], best } (best: the point with the lowest metric, or the highest for an accuracy;
 * null while none is computed). Exported for tests and the view's summary.
 */
export function sweepCurves(sweep, summaries, metric) {
  const [xa, ya, za] = sweep.axes;
  const nx = xa.values.length;
  const ny = ya ? ya.values.length : 1;
  const nz = za ? za.values.length : 1;
  const better = metric.endsWith('Accuracy') ? (a, b) => a > b : (a, b) => a < b;
  const panels = [];
  for (let iz = 0; iz < nz; iz++) {
    const curves = [];
    for (let iy = 0; iy < ny; iy++) {
      const points = [];
      let best = null;
      for (let ix = 0; ix < nx; ix++) {
        const cell = (iz * ny + iy) * nx + ix;
        const s = summaries[cell];
        if (!s) continue;
        const v = s[metric];
        const p = { i: ix, cell, x: xValue(xa, ix), v, diverged: s.diverged === sweep.seeds || !Number.isFinite(v), partial: s.diverged > 0 && s.diverged < sweep.seeds };
        points.push(p);
        if (!p.diverged && (!best || better(v, best.v))) best = p;
      }
      curves.push({ label: ya ? ya.labels[iy] : '', points, best, vertex: vertexOf(points, best) });
    }
    panels.push({ label: za ? panelLabel(za, iz) : '', curves });
  }
  return panels;
}

// residualScale's words as the branch scale they stand for (spec/residual.md), so a panel of the
// depth_transfer preset says which alpha it draws: "residualScale = inv_sqrt_depth (α = 1/√B)".
const ALPHA = { one: '1', inv_sqrt_depth: '1/√B', inv_sqrt_2depth: '1/√(2B)', inv_depth: '1/B' };
function panelLabel(axis, i) {
  const label = axis.labels[i];
  const alpha = axis.field === 'residualScale' ? ALPHA[label] : undefined;
  return `${axis.field} = ${label}${alpha ? ` (α = ${alpha})` : ''}`;
}

/**
 * The best x between grid points: the vertex of the parabola through the best point and its two
 * neighbours (tests/native/test_presets.cpp reads the preset's claim the same way), or the best
 * point's x at an end of the grid or beside a missing or diverged cell; null with no best.
 */
function vertexOf(points, best) {
  if (!best) return null;
  const at = (i) => points.find((q) => q.i === i && !q.diverged);
  const l = at(best.i - 1);
  const r = at(best.i + 1);
  if (!l || !r) return best.x;
  const curvature = l.v - 2 * best.v + r.v;
  if (curvature === 0 || !Number.isFinite(curvature)) return best.x;  // a flat run of three
  const step = r.x - best.x;
  return best.x + (step * 0.5 * (l.v - r.v)) / curvature;
}

/** y range shared by every panel: the computed values, capped at twice the chance loss. */
function yRange(sweep, panels, metric) {
  if (metric.endsWith('Accuracy')) return { lo: 0, hi: 1 };
  const cap = 2 * Math.log(sweep.base.classes || 2);
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of panels) {
    for (const c of p.curves) {
      for (const q of c.points) {
        if (q.diverged) continue;
        lo = Math.min(lo, q.v);
        hi = Math.max(hi, Math.min(q.v, cap));
      }
    }
  }
  if (!(lo < hi)) return { lo: 0, hi: cap };
  const pad = (hi - lo) * 0.06;
  return { lo: Math.max(0, lo - pad), hi: hi + pad };
}

function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Panel rectangles (CSS pixels): side by side, or stacked when a panel would be under 120 px. */
export function curvesGeometry({ width, height }, sweep) {
  const nz = sweep?.axes[2] ? sweep.axes[2].values.length : 1;
  const across = width - MARGIN.left - MARGIN.right - GAP * (nz - 1);
  // Side by side down to 120 px a panel (a phone: 2 x ~150 px); stacked they would be too short.
  const stacked = nz > 1 && across / nz < 120;
  const rects = [];
  for (let iz = 0; iz < nz; iz++) {
    if (stacked) {
      const ph = (height - MARGIN.bottom - (MARGIN.top + GAP) * nz) / nz;
      rects.push({ left: MARGIN.left, top: MARGIN.top + iz * (ph + MARGIN.top + GAP), pw: width - MARGIN.left - MARGIN.right, ph: Math.max(20, ph) });
    } else {
      const pw = across / nz;
      rects.push({ left: MARGIN.left + iz * (pw + GAP), top: MARGIN.top, pw: Math.max(20, pw), ph: Math.max(20, height - MARGIN.top - MARGIN.bottom) });
    }
  }
  return { width, height, rects, stacked };
}

export const seriesColor = (i) => themedRunColor(PALETTE[i % PALETTE.length]);

/** The x and y of a panel's points in CSS pixels, as drawCurves places them. */
function scales(g, sweep, panels, metric) {
  const xa = sweep.axes[0];
  const xs = xa.values.map((_, i) => xValue(xa, i));
  const xlo = Math.min(...xs);
  const xspan = Math.max(...xs) - xlo || 1;
  const yr = yRange(sweep, panels, metric);
  return {
    xs, yr,
    px: (r, x) => r.left + ((x - xlo) / xspan) * r.pw,
    py: (r, v) => r.top + r.ph - ((Math.min(v, yr.hi) - yr.lo) / (yr.hi - yr.lo)) * r.ph,
  };
}

/**
 * The cell of the computed point nearest to (mx, my) (CSS pixels in the canvas) within
 * `radius`, or -1: what the tooltip and a click read. A point off the range (diverged, or above
 * it) is where it is drawn, on the panel's top edge.
 */
export function curveCellAt(size, { sweep, summaries, metric }, mx, my, radius = 12) {
  if (!sweep) return -1;
  const g = curvesGeometry(size, sweep);
  const panels = sweepCurves(sweep, summaries, metric);
  const s = scales(g, sweep, panels, metric);
  let best = -1;
  let bestD = radius * radius;
  panels.forEach((panel, iz) => {
    const r = g.rects[iz];
    for (const c of panel.curves) {
      for (const p of c.points) {
        const dx = s.px(r, p.x) - mx;
        const dy = s.py(r, p.diverged ? s.yr.hi : p.v) - my;
        const d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = p.cell; }
      }
    }
  });
  return best;
}

/** Paints the curves of `sweep` into `canvas` (sized to `size`, CSS pixels). */
export function drawCurves(canvas, size, { sweep, summaries, metric, metricName }) {
  const dpr = window.devicePixelRatio || 1;
  const W = Math.round(size.width * dpr);
  const H = Math.round(size.height * dpr);
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
    canvas.style.width = `${size.width}px`;
    canvas.style.height = `${size.height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, size.width, size.height);
  if (!sweep) return;
  const g = curvesGeometry(size, sweep);
  const panels = sweepCurves(sweep, summaries, metric);
  const xa = sweep.axes[0];
  const sc = scales(g, sweep, panels, metric);
  const { xs, yr } = sc;
  const axis = AXIS_STROKE();
  ctx.font = FONT;
  panels.forEach((panel, iz) => {
    const r = g.rects[iz];
    const px = (x) => sc.px(r, x);
    const py = (v) => sc.py(r, v);
    // grid and frame
    ctx.strokeStyle = GRID_STROKE();
    ctx.lineWidth = 1;
    const yt = niceTicks(yr.lo, yr.hi, Math.max(2, Math.floor(r.ph / 40)));
    for (const v of yt) { ctx.beginPath(); ctx.moveTo(r.left, py(v) + 0.5); ctx.lineTo(r.left + r.pw, py(v) + 0.5); ctx.stroke(); }
    ctx.strokeStyle = axis;
    ctx.strokeRect(r.left + 0.5, r.top + 0.5, r.pw - 1, r.ph - 1);
    ctx.fillStyle = axis;
    // x ticks: every value when they fit, else every other
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const every = Math.max(1, Math.ceil(xs.length / Math.max(1, Math.floor(r.pw / 28))));
    xs.forEach((x, i) => { if (i % every === 0) ctx.fillText(formatValue(x, 3), px(x), r.top + r.ph + 4); });
    if (!g.stacked || iz === panels.length - 1) {
      ctx.fillText(xa.field === 'learningRate' ? 'log2 learningRate' : xa.field, r.left + r.pw / 2, r.top + r.ph + 20);
    }
    if (iz === 0 || g.stacked) {
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (const v of yt) ctx.fillText(formatValue(v, 3), r.left - 4, py(v));
    }
    if (panel.label) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'bottom';
      ctx.font = `bold ${FONT}`;
      ctx.fillText(panel.label, r.left + 2, r.top - 4);
      ctx.font = FONT;
    }
    // curves: a line through consecutive computed, finite, in-range points
    panel.curves.forEach((c, iy) => {
      const col = seriesColor(iy);
      ctx.strokeStyle = col;
      ctx.fillStyle = col;
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      let open = false;
      let prev = -2;
      for (const q of c.points) {
        if (q.diverged || q.v > yr.hi) { open = false; prev = q.i; continue; }
        if (open && q.i === prev + 1) ctx.lineTo(px(q.x), py(q.v));
        else ctx.moveTo(px(q.x), py(q.v));
        open = true;
        prev = q.i;
      }
      ctx.stroke();
      for (const q of c.points) {
        const x = px(q.x);
        if (q.diverged) {   // a cross on the top edge: every seed diverged
          const y = r.top + 5 + iy * 3;
          ctx.lineWidth = 1.5;
          ctx.beginPath(); ctx.moveTo(x - 3.5, y - 3.5); ctx.lineTo(x + 3.5, y + 3.5); ctx.moveTo(x + 3.5, y - 3.5); ctx.lineTo(x - 3.5, y + 3.5); ctx.stroke();
          continue;
        }
        if (q.v > yr.hi) {  // off the top: an open triangle on the edge
          const y = r.top + 2;
          ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x - 3.5, y + 6); ctx.lineTo(x + 3.5, y + 6); ctx.closePath(); ctx.stroke();
          continue;
        }
        const y = py(q.v);
        ctx.beginPath(); ctx.arc(x, y, 2, 0, 2 * Math.PI); ctx.fill();
        if (q.partial) { ctx.lineWidth = 1; ctx.beginPath(); ctx.arc(x, y, 4.5, 0, 2 * Math.PI); ctx.stroke(); }
      }
      if (c.vertex !== null && c.best) {   // the vertex: a tick on the panel's floor
        ctx.lineWidth = 2;
        ctx.beginPath(); ctx.moveTo(px(c.vertex), r.top + r.ph); ctx.lineTo(px(c.vertex), r.top + r.ph - 8); ctx.stroke();
      }
      if (c.best) {         // the minimum: a large disc ringed in the background colour
        const x = px(c.best.x);
        const y = py(c.best.v);
        ctx.beginPath(); ctx.arc(x, y, 5.5, 0, 2 * Math.PI); ctx.fill();
        ctx.strokeStyle = cssColor('--chart-bg', '#ffffff');
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
    });
  });
  // legend: one entry per curve (the y axis), along the bottom, wrapped onto a second line
  const ya = sweep.axes[1];
  if (ya) {
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const entries = [{ text: `${ya.field}:` }, ...ya.labels.map((label, iy) => ({ text: label, color: seriesColor(iy) })),
      { text: `● best  | vertex  × diverged  (${metricName})` }];
    let x = MARGIN.left;
    let y = size.height - 22;
    for (const e of entries) {
      const w = (e.color ? 17 : 0) + ctx.measureText(e.text).width;
      if (x + w > size.width - MARGIN.right && x > MARGIN.left) { x = MARGIN.left; y += 14; }
      if (e.color) {
        ctx.fillStyle = e.color;
        ctx.fillRect(x, y - 1.5, 14, 3);
        x += 17;
      }
      ctx.fillStyle = KEY_COLOR();
      ctx.fillText(e.text, x, y);
      x += ctx.measureText(e.text).width + 10;
    }
  }
}

/** The best x label per curve per panel, e.g. for the view's text summary. */
export function bestLabels(sweep, summaries, metric) {
  return sweepCurves(sweep, summaries, metric).map((p) => ({
    panel: p.label,
    best: p.curves.map((c) => ({ curve: c.label, x: c.best ? xValue(sweep.axes[0], c.best.i) : null, vertex: c.vertex, value: c.best?.v ?? null })),
  }));
}
