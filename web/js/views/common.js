// Helpers shared by the chart views: the panel scaffold (title, legend, plot area, hidden text
// summary, resize observation), number and log-axis formatting, sanitising values for log scales,
// and the per-layer profile chart that the variance and gradient views both are.
//
// Views receive the page's `model` (see main.js) on every frame, up to ~30 times a second, so
// everything here is allocation-light and never reads layout inside update().

import uPlot from '../../vendor/uPlot.esm.js';
import { colorFor, labelFor } from '../theme/colors.js';
import { cssColor } from '../theme/theme.js';

// ---------------------------------------------------------------------------------------------
// runs and records

export const runColor = (run) => run?.color || colorFor(run?.init);
export const runLabel = (run) => run?.label || labelFor(run?.init);

/** The record the page's scrubber selects for one run: `cursor` -1 = latest; a diverged run has
 *  fewer records, so its index is clamped (and `clamped` says so). */
export function recordAt(run, cursor) {
  const recs = run?.records;
  if (!recs || recs.length === 0) return null;
  const last = recs.length - 1;
  const want = cursor == null || cursor < 0 ? last : cursor;
  const index = Math.min(want, last);
  return { record: recs[index], index, clamped: want > last };
}

/** Step shown at the scrubber: that of the longest run's selected record. */
export function cursorStep(model) {
  let best = null;
  for (const run of model?.runs ?? []) {
    const at = recordAt(run, model.cursor);
    if (at && !at.clamped && (best == null || at.index > best.index)) best = at;
  }
  return best ? best.record.step : null;
}

export const isFiniteNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** A value drawable on a log axis, or null (gap). */
export const logSafe = (v) => (isFiniteNumber(v) && v > 0 ? v : null);
export const linSafe = (v) => (isFiniteNumber(v) ? v : null);

// ---------------------------------------------------------------------------------------------
// number formatting

const SUP = { '-': '\u207B', 0: '\u2070', 1: '\u00B9', 2: '\u00B2', 3: '\u00B3', 4: '\u2074',
  5: '\u2075', 6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };
export const superscript = (n) => String(n).replace(/[-0-9]/g, (c) => SUP[c]);

/** 3 significant digits; scientific as "1.93×10⁻⁵" outside [1e-3, 1e4). */
export function formatValue(v, digits = 3) {
  if (v == null || Number.isNaN(v)) return '\u2014';  // no value (a diverged run's loss): a dash, not "NaN"
  if (v === Infinity) return '\u221E';
  if (v === -Infinity) return '\u2212\u221E';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(digits))).replace('-', '\u2212');
  const [m, e] = v.toExponential(digits - 1).split('e');
  const mant = trimZeros(m);
  const pow = `10${superscript(Number(e))}`;
  return (mant === '1' ? pow : mant === '-1' ? `\u2212${pow}` : `${mant}\u00D7${pow}`).replace('-', '\u2212');
}

function trimZeros(s) {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

export function formatPercent(v) {
  if (!isFiniteNumber(v)) return '\u2013';
  return `${Math.round(v * 100)}%`;
}

/** A log-axis tick: plain numbers near 1 (0.01 … 1000), 10ᵏ beyond. */
export function formatLogTick(v) {
  if (!(v > 0)) return '';
  const k = Math.round(Math.log10(v));
  if (Math.abs(v - Number(`1e${k}`)) <= v * 1e-9) {
    if (k >= -2 && k <= 3) return String(Number(`1e${k}`));
    return `10${superscript(k)}`;
  }
  return formatValue(v, 2);
}

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
// DOM scaffold

export function h(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text != null) el.textContent = text;
  return el;
}

/** Sets textContent only when it changed (no style invalidation on unchanged frames). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

let uid = 0;

/**
 * The frame every view lives in:
 *   header (title, subtitle), legend, plot area (absolutely positioned content so the chart's own
 *   size never feeds back into layout), readout line, and a visually hidden summary that screen
 *   readers get instead of the canvas, refreshed at most once a second.
 */
export class Panel {
  constructor(container, { kind, title, options = {} }) {
    this.container = container;
    const id = `iv-${kind}-${++uid}`;
    this.root = h('section', `iv-view iv-${kind}`);
    this.root.setAttribute('aria-labelledby', `${id}-title`);
    this.root.setAttribute('aria-describedby', `${id}-sr`);
    this.head = h('div', 'iv-head');
    this.title = h('h3', 'iv-title', options.title === false ? '' : options.title ?? title);
    this.title.id = `${id}-title`;
    if (options.title === false) this.title.classList.add('iv-sr');
    this.sub = h('span', 'iv-sub');
    this.head.append(this.title, this.sub);
    this.legend = h('ul', 'iv-legend');
    this.plot = h('div', 'iv-plot');
    this.plot.setAttribute('aria-hidden', 'true');
    this.inner = h('div', 'iv-plot-inner');
    this.plot.append(this.inner);
    this.readout = h('div', 'iv-readout');
    this.readout.setAttribute('aria-hidden', 'true');
    this.sr = h('p', 'iv-sr');
    this.sr.id = `${id}-sr`;
    this.root.append(this.head, this.legend, this.plot, this.readout, this.sr);
    container.append(this.root);

    this.size = { width: this.plot.clientWidth || 300, height: this.plot.clientHeight || 160 };
    this.onResize = null;
    this.ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      const width = Math.max(0, Math.floor(r.width));
      const height = Math.max(0, Math.floor(r.height));
      if (width === this.size.width && height === this.size.height) return;
      this.size = { width, height };
      this.#deliver();
    });
    this.ro.observe(this.plot);
    this.resizeTimer = 0;

    this.summaryFn = null;
    this.summaryAt = -Infinity;
    this.summaryTimer = 0;
  }

  /** Re-measures (for the page's explicit resize() calls, e.g. after un-hiding a panel). */
  measure() {
    const width = this.plot.clientWidth;
    const height = this.plot.clientHeight;
    if (width > 0 && height > 0) this.size = { width, height };
    this.#deliver();
  }

  // A resize redraws the view at its new size, in a task of its own and once however many
  // observers reported it: when the run strip grows by a line every chart of the grid resizes at
  // once, and redrawing them all inside the one layout task took 113 ms at depth 200
  // (bench/longtask-bench.mjs); one task per panel keeps each well under the 50 ms of a long task.
  #deliver() {
    if (this.resizeTimer) return;
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = 0;
      this.onResize?.(this.size);
    }, 0);
  }

  /** Schedules the hidden text summary; `fn` is only called when the text is due. */
  summary(fn) {
    this.summaryFn = fn;
    const now = performance.now();
    const due = this.summaryAt + 1000 - now;
    if (due <= 0) this.flushSummary();
    else if (!this.summaryTimer) this.summaryTimer = setTimeout(() => this.flushSummary(), due);
  }

  flushSummary() {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = 0;
    this.summaryAt = performance.now();
    if (this.summaryFn) setText(this.sr, this.summaryFn());
  }

  /** Legend items from [{ color, label, dash, marker, note, title }]; rebuilt only when changed. */
  setLegend(items) {
    // Most frames only change the values (notes): update those text nodes in place.
    const shape = JSON.stringify(items.map((it) => ({ ...it, note: it.note ? 1 : 0 })));
    if (shape === this.legendShape) {
      items.forEach((it, i) => {
        const note = this.legend.children[i]?.querySelector('.iv-legend-note');
        if (note) setText(note, it.note);
      });
      return;
    }
    this.legendShape = shape;
    this.legend.replaceChildren(...items.map(legendItem));
  }

  destroy() {
    this.ro.disconnect();
    clearTimeout(this.summaryTimer);
    clearTimeout(this.resizeTimer);
    this.root.remove();
  }
}

function legendItem({ color, label, dash, marker, note, title, cls }) {
  const li = h('li', `iv-legend-item${cls ? ` ${cls}` : ''}`);
  if (title) li.title = title;
  if (marker) {
    const m = h('span', 'iv-marker', marker);
    if (color) m.style.color = color;
    li.append(m);
  } else if (color) {
    const sw = h('span', `iv-swatch${dash ? ' iv-swatch-dash' : ''}`);
    sw.style.color = color;
    li.append(sw);
  }
  if (label) li.append(h('span', 'iv-legend-label', label));
  if (note) li.append(h('span', 'iv-legend-note', note));
  return li;
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

// ---------------------------------------------------------------------------------------------
// per-layer profile chart (activation variance, gradient variance)

/**
 * What every uPlot-backed view shares: a Panel, one uPlot instance kept across updates (rebuilt
 * only when `signature` changes), and the resize / reset / destroy lifecycle.
 */
export class UPlotView {
  constructor(container, options, panelOptions) {
    this.options = options;
    this.panel = new Panel(container, { ...panelOptions, options });
    this.panel.onResize = (size) => this.uplot?.setSize(chartSize(size));
    this.uplot = null;
    this.signature = '';
    this.model = null;
    this.hoverIdx = null;
  }

  resize() { this.panel.measure(); }

  reset() {
    this.uplot?.destroy();
    this.uplot = null;
    this.signature = '';
  }

  destroy() {
    this.uplot?.destroy();
    this.uplot = null;
    this.panel.destroy();
  }
}

/**
 * Plots, for every run, one per-layer quantity (`field` of the selected record's layerStats)
 * against layer index on a log y axis, optionally with `theoryField` dashed in the same colour.
 * With `cfg.linear = { range(min, max) -> [lo, hi] }` the y axis is linear instead (correlations);
 * `cfg.theoryLabel` / `cfg.theoryTitle` name the dashed lines in the legend.
 * Values that are exactly 0 cannot sit on a log axis: they are drawn as ▼ on the floor, because
 * "exactly zero" (zero init) is itself the lesson. NaN, ±Infinity and negatives are gaps.
 */
export class LayerProfileChart extends UPlotView {
  constructor(container, options, cfg) {
    super(container, options, { kind: cfg.kind, title: cfg.title });
    this.cfg = cfg;
    this.data = null;
    this.raw = [];       // per run: the unsanitised value array (for ▼ markers and the readout)
    this.theory = [];
    this.layers = 0;
    this.yMin = NaN; this.yMax = NaN;
  }

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const { field, theoryField } = this.cfg;

    // gather the selected record of every run
    const picks = runs.map((run) => recordAt(run, model.cursor));
    let layers = 0;
    this.raw = picks.map((p) => p?.record?.layerStats?.[field] ?? null);
    this.theory = picks.map((p) => (theoryField ? p?.record?.layerStats?.[theoryField] ?? null : null));
    for (const a of this.raw) if (a) layers = Math.max(layers, a.length);
    for (const a of this.theory) if (a) layers = Math.max(layers, a.length);
    this.layers = layers;

    const hasTheory = this.theory.some((a) => a && a.length);
    const sig = runs.map((r) => `${r.key}|${runColor(r)}`).join(',') + `|${hasTheory}`;
    if (sig !== this.signature) this.build(runs, hasTheory, sig);

    // columns: x, then per run measured (and theory)
    const xs = new Array(layers);
    for (let i = 0; i < layers; i++) xs[i] = i + 1;
    const cols = [xs];
    let min = Infinity;
    let max = -Infinity;
    const push = (arr) => {
      const col = new Array(layers).fill(null);
      if (arr) {
        for (let i = 0; i < arr.length; i++) {
          const v = this.cfg.linear ? linSafe(arr[i]) : logSafe(arr[i]);
          col[i] = v;
          if (v != null) { if (v < min) min = v; if (v > max) max = v; }
        }
      }
      cols.push(col);
    };
    runs.forEach((_, r) => {
      push(this.raw[r]);
      if (this.hasTheory) push(this.theory[r]);
    });
    [this.yMin, this.yMax] = this.cfg.linear ? this.cfg.linear.range(min, max) : logRange(min, max);
    this.data = cols;
    this.uplot.setData(cols);

    this.updateHeader(runs, picks);
    this.updateReadout();
    this.panel.summary(() => this.describe(runs, picks));
  }

  build(runs, hasTheory, sig) {
    this.uplot?.destroy();
    this.signature = sig;
    this.hasTheory = hasTheory;
    const series = [{}];
    for (const run of runs) {
      const color = runColor(run);
      series.push({
        label: runLabel(run), stroke: color, width: 2, spanGaps: false,
        // every point when few layers; else only isolated values, which no line segment shows
        points: { show: () => this.layers <= 40, filter: isolatedPoints, size: 5, fill: color, stroke: color },
      });
      if (hasTheory) {
        series.push({
          label: `${runLabel(run)} theory`, stroke: color, width: 1.25, dash: [6, 4], spanGaps: false,
          points: { show: false },
        });
      }
    }
    const opts = {
      ...baseOptions(chartSize(this.panel.size)),
      series,
      scales: {
        x: { time: false, range: () => [0.5, Math.max(1, this.layers) + 0.5] },
        y: this.cfg.linear ? { range: () => [this.yMin, this.yMax] } : { distr: 3, log: 10, range: () => [this.yMin, this.yMax] },
      },
      axes: [
        xAxis(this.cfg.xLabel, {
          space: 28,
          splits: (u) => layerSplits(1, Math.max(1, this.layers), Math.floor(u.bbox.width / devicePixelRatio / 34)),
          values: (u, splits) => splits.map((v) => (this.layers > 1 && this.isOutput(v - 1) ? 'out' : String(v))),
        }),
        this.cfg.linear
          ? yAxis(this.cfg.yLabel, (u, splits) => splits.map((v) => formatValue(v, 2)))
          : yAxis(this.cfg.yLabel, (u, splits) => splits.map(formatLogTick),
            (u) => logSplits(this.yMin, this.yMax, Math.floor(u.bbox.height / devicePixelRatio / 22))),
      ],
      hooks: {
        draw: [(u) => this.drawZeroMarkers(u)],
        setCursor: [(u) => { this.hoverIdx = u.cursor.idx ?? null; this.updateReadout(); }],
      },
    };
    this.uplot = new uPlot(opts, series.map(() => []), this.panel.inner);
  }

  /** Whether layer index i (0-based) is the output layer: layerStats end with it. */
  isOutput(i) {
    return i === this.layers - 1;
  }

  layerName(i) {
    return this.isOutput(i) ? 'output layer' : `layer ${i + 1}`;
  }

  /** ▼ markers on the floor for exact zeros, stacked per run so they stay distinguishable. */
  drawZeroMarkers(u) {
    if (this.cfg.linear) return;  // 0 is on a linear axis
    const ctx = u.ctx;
    const dpr = devicePixelRatio;
    const bottom = u.bbox.top + u.bbox.height;
    const runs = this.model?.runs ?? [];
    ctx.save();
    let any = false;
    const spacing = this.layers > 1 ? Math.abs(u.valToPos(2, 'x') - u.valToPos(1, 'x')) : 20;
    const markerSize = Math.max(1.5, Math.min(4, spacing * 0.45));
    runs.forEach((run, r) => {
      const arr = this.raw[r];
      if (!arr) return;
      ctx.fillStyle = runColor(run);
      for (let i = 0; i < arr.length; i++) {
        if (arr[i] !== 0) continue;
        any = true;
        const x = u.valToPos(i + 1, 'x', true);
        const y = bottom - (2 + r * (markerSize * 1.4 + 2)) * dpr;
        const s = markerSize * dpr;
        ctx.beginPath();
        ctx.moveTo(x - s, y - s * 1.4);
        ctx.lineTo(x + s, y - s * 1.4);
        ctx.lineTo(x, y);
        ctx.closePath();
        ctx.fill();
      }
    });
    ctx.restore();
    this.zeroShown = any;
  }

  updateHeader(runs, picks) {
    const step = cursorStep(this.model);
    setText(this.panel.sub, step == null ? '' : `step ${step}${this.model.cursor >= 0 ? ' (scrubbed)' : ''}`);
    const items = runs.map((run, r) => {
      const p = picks[r];
      let note = '';
      if (run.diverged != null) note = p?.clamped ? `diverged, last at step ${p.record.step}` : 'diverged';
      else if (!p) note = 'no data';
      return { color: runColor(run), label: runLabel(run), note };
    });
    if (this.hasTheory) {
      const approx = picks.some((p) => p?.record?.layerStats && p.record.layerStats.theoryExact === false);
      items.push({ cls: 'iv-key', color: KEY_COLOR(), label: 'measured' });
      if (this.cfg.theoryLabel) {
        items.push({ cls: 'iv-key', color: KEY_COLOR(), dash: true, label: this.cfg.theoryLabel, title: this.cfg.theoryTitle });
      } else {
        items.push({ cls: 'iv-key', color: KEY_COLOR(), dash: true, label: approx ? 'theory at init (approximate)' : 'theory at init',
          title: approx ? `Linearised prediction: not exact for ${this.model?.activation ?? 'this activation'}` : 'Var[y_l] = Var[y_l-1] · n · Var[w] · c (He et al. 2015)' });
      }
    }
    if (!this.cfg.linear && this.raw.some((a) => a && Array.prototype.some.call(a, (v) => v === 0))) {
      items.push({ cls: 'iv-key', color: KEY_COLOR(), marker: '\u25BC', label: 'exactly 0 (off the log scale)' });
    }
    this.panel.setLegend(items);
  }

  updateReadout() {
    const i = this.hoverIdx;
    const runs = this.model?.runs ?? [];
    if (i == null || i < 0 || i >= this.layers) {
      setText(this.panel.readout, this.layers ? 'hover a layer for values' : 'no data yet');
      return;
    }
    const name = this.layerName(i);
    const parts = runs.map((run, r) => {
      const v = this.raw[r]?.[i];
      const t = this.theory[r]?.[i];
      return `${runLabel(run)} ${v == null ? '\u2013' : formatValue(v)}${this.hasTheory && t != null ? ` (theory ${formatValue(t)})` : ''}`;
    });
    const text = `${name}: ${parts.join(' \u00B7 ')}`;
    setText(this.panel.readout, text);
    this.panel.readout.title = text;
  }

  describe(runs, picks) {
    if (!runs.length || !this.layers) return `${this.cfg.title}: no data yet.`;
    const step = cursorStep(this.model);
    const show = sampleIndices(this.layers, 4);
    const text = runs.map((run, r) => {
      const arr = this.raw[r];
      if (!arr) return `${runLabel(run)}: no data`;
      const vals = show.map((i) => `${formatValue(arr[i])} at ${this.isOutput(i) ? 'the output layer' : `layer ${i + 1}`}`);
      return `${runLabel(run)}${run.diverged != null ? ` (diverged at step ${run.diverged})` : ''}: ${this.cfg.quantity} ${vals.join(', ')}`;
    });
    return `${this.cfg.title}${step != null ? ` at step ${step}` : ''}. ${text.join('. ')}.`;
  }
}

/** uPlot points filter: indices of values with no non-null neighbour (null = none or all shown). */
function isolatedPoints(u, seriesIdx, show) {
  if (show) return null;
  const d = u.data[seriesIdx];
  const out = [];
  for (let i = 0; i < d.length; i++) {
    if (d[i] != null && d[i - 1] == null && d[i + 1] == null) out.push(i);
  }
  return out.length ? out : null;
}

/** n indices evenly spread over 0..count-1, first and last included, no repeats. */
export function sampleIndices(count, n) {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  const out = [];
  for (let k = 0; k < n; k++) {
    const i = Math.round((k * (count - 1)) / (n - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}
