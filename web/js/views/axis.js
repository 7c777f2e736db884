// Axes of the views' charts: decade-snapped log ranges and their ticks, layer-axis ticks, and
// the uPlot axis and chart options every line chart shares (colours read from the theme).

import { cssColor } from '../theme/theme.js';

// ---------------------------------------------------------------------------------------------
// scale helpers

/** Decade-snapped log range covering every positive finite value; `fallback` when there are none.
 *  Snapping to decades keeps the axis still while values move inside a decade. */
export function logRange(min, max, fallback = [0.1, 10]) {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return fallback.slice();
  let lo = Math.floor(Math.log10(Math.max(min, 1e-300)));
  let hi = Math.ceil(Math.log10(Math.min(max, 1e300)));
  if (hi <= lo) { lo -= 1; hi += 1; }
  // a little headroom on long ranges so a line at the extreme does not sit on the frame
  const pad = hi - lo > 6 ? 0.03 * (hi - lo) : 0;
  return [10 ** (lo - pad), 10 ** (hi + pad)];
}

/** Decade ticks for a log axis, every 1, 2, 3, 5, 10… decades so at most maxTicks show; within a
 *  single decade, 1-2-5 mantissas. */
export function logSplits(min, max, maxTicks) {
  const kmin = Math.ceil(Math.log10(min) - 1e-9);
  const kmax = Math.floor(Math.log10(max) + 1e-9);
  const n = kmax - kmin + 1;
  const out = [];
  if (n >= 2) {
    const step = [1, 2, 3, 5, 10, 20, 25, 50, 100].find((s) => Math.ceil(n / s) <= Math.max(2, maxTicks)) ?? 100;
    const start = Math.ceil(kmin / step) * step;
    for (let k = start; k <= kmax; k += step) out.push(Number(`1e${k}`));
    if (out.length >= 2) return out;
  }
  for (let k = kmin - 1; k <= kmax; k++) {
    for (const m of [1, 2, 5]) {
      const v = m * Number(`1e${k}`);
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
    }
  }
  return out.length ? out : [min, max];
}

/** Integer ticks 1, 2, 5, 10… apart for a layer axis; always includes the last layer. */
export function layerSplits(first, last, maxTicks) {
  const span = Math.max(1, last - first);
  const step = [1, 2, 5, 10, 20, 25, 50, 100].find((s) => span / s <= Math.max(1, maxTicks)) ?? 100;
  const out = [];
  for (let v = Math.ceil(first / step) * step || step; v <= last; v += step) {
    if (v >= first) out.push(v);
  }
  if (step > 1 && out[0] !== first) out.unshift(first);
  if (out[1] != null && out[1] - out[0] < step * 0.6) out.splice(1, 1);
  const tail = out[out.length - 1];
  if (tail !== last) {
    if (last - tail < step * 0.6 && out.length > 1) out.pop();
    out.push(last);
  }
  return out;
}


// ---------------------------------------------------------------------------------------------
// uPlot options shared by the line charts

// Functions, so uPlot reads the theme's colours (css/theme.css) whenever it draws.
export const AXIS_STROKE = () => cssColor('--chart-axis', '#333');
export const GRID_STROKE = () => cssColor('--chart-grid', 'rgba(0,0,0,0.08)');
export const KEY_COLOR = () => cssColor('--chart-key', '#555');
export const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const LABEL_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** A y axis whose width follows its longest tick label (log labels vary from "1" to "10⁻¹²⁰"). */
export function yAxis(label, values, splits) {
  return {
    label, values, splits,
    // our splits are already thinned; uPlot's default log filter would drop most of their labels
    filter: splits ? (u, sp) => sp : undefined,
    stroke: AXIS_STROKE, font: FONT, labelFont: LABEL_FONT, labelSize: 18, gap: 4,
    grid: { stroke: GRID_STROKE, width: 1 }, ticks: { stroke: GRID_STROKE, width: 1, size: 4 },
    size: (u, vals) => 14 + 7 * Math.max(2, ...(vals ?? []).map((v) => String(v ?? '').length)),
  };
}

export function xAxis(label, extra = {}) {
  return {
    label, stroke: AXIS_STROKE, font: FONT, labelFont: LABEL_FONT, labelSize: 16, size: 28, gap: 3,
    grid: { stroke: GRID_STROKE, width: 1 }, ticks: { stroke: GRID_STROKE, width: 1, size: 4 },
    ...extra,
  };
}

export function baseOptions({ width, height }) {
  return {
    width: Math.max(50, width), height: Math.max(50, height),
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, focus: { prox: 16 } },
    padding: [8, 10, 0, 0],
    series: [{}],
  };
}

/** uPlot refuses sizes below its axes; keep the chart at least this big. */
export function chartSize({ width, height }) {
  return { width: Math.max(120, width), height: Math.max(90, height) };
}
