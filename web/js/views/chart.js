// The chart base: UPlotView (a Panel holding one uPlot instance and its lifecycle) and the
// per-layer profile chart that the variance, gradient and correlation views all are.

import uPlot from '../../vendor/uPlot.esm.js';
import { baseOptions, logRange, logSplits, layerSplits, KEY_COLOR, yAxis, xAxis, chartSize } from './axis.js';
import { setText } from './dom.js';
import { runColor, runLabel, recordAt, cursorStep, logSafe, linSafe, formatValue, formatLogTick, sampleIndices, overflowText } from './format.js';
import { Panel } from './panel.js';

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
 * `cfg.residual` overrides the words (title, xLabel, yLabel, quantity, theoryLabel, theoryTitle,
 * measuredLabel) for `model.architecture === 'residual'`, whose points are the stem, each block's
 * stream and the logits. There `cfg.residual.measure(layerStats)` may replace `field` (the
 * stream's mean square), and `cfg.residual.branch = { measure, label, title }` adds a second,
 * dotted line per run at the blocks only (each branch's output, or its weights' gradient).
 */
export class LayerProfileChart extends UPlotView {
  constructor(container, options, cfg) {
    super(container, options, { kind: cfg.kind, title: cfg.title });
    this.baseCfg = cfg;
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
    this.applyWording();
    const { field, theoryField } = this.cfg;

    // gather the selected record of every run
    const picks = runs.map((run) => recordAt(run, model.cursor));
    let layers = 0;
    const measure = this.cfg.measure ?? ((ls) => ls[field] ?? null);
    this.raw = picks.map((p) => (p?.record?.layerStats ? measure(p.record.layerStats) : null));
    // The blocks' second line: null at the stem and the logits, which have no branch.
    const branch = this.cfg.branch;
    this.branch = picks.map((p) => {
      const a = branch && p?.record?.layerStats ? branch.measure(p.record.layerStats) : null;
      return a ? Array.from(a, (v, i) => (i === 0 || i === a.length - 1 ? null : v)) : null;
    });
    this.theory = picks.map((p) => (theoryField ? p?.record?.layerStats?.[theoryField] ?? null : null));
    for (const a of this.raw) if (a) layers = Math.max(layers, a.length);
    for (const a of this.theory) if (a) layers = Math.max(layers, a.length);
    this.layers = layers;

    const hasTheory = this.theory.some((a) => a && a.length);
    // the axis labels live in uPlot's options: a change of architecture rebuilds it
    const hasBranch = this.branch.some((a) => a);
    const sig = runs.map((r) => `${r.key}|${runColor(r)}`).join(',') + `|${hasTheory}|${hasBranch}|${this.residual}`;
    if (sig !== this.signature) this.build(runs, hasTheory, sig, hasBranch);

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
      if (this.hasBranch) push(this.branch[r]);
    });
    [this.yMin, this.yMax] = this.cfg.linear ? this.cfg.linear.range(min, max) : logRange(min, max);
    this.data = cols;
    this.uplot.setData(cols);

    this.updateHeader(runs, picks);
    this.updateReadout();
    this.panel.summary(() => this.describe(runs, picks));
  }

  build(runs, hasTheory, sig, hasBranch = false) {
    this.uplot?.destroy();
    this.signature = sig;
    this.hasTheory = hasTheory;
    this.hasBranch = hasBranch;
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
      if (hasBranch) {
        series.push({
          label: `${runLabel(run)} ${this.cfg.branch.label}`, stroke: color, width: 1.5, dash: [1.5, 3], spanGaps: false,
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
          values: (u, splits) => splits.map((v) => this.tick(v - 1)),
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

  /** A residual net's points are the stem (0), its blocks' stream (1..B) and the logits. */
  get residual() { return this.model?.architecture === 'residual'; }

  /** The plain words, or cfg.residual's for a residual net; the panel's title follows. */
  applyWording() {
    const base = this.baseCfg;
    const cfg = this.residual && base.residual ? { ...base, ...base.residual } : base;
    if (cfg === this.cfg) return;
    this.cfg = cfg;
    if (this.options?.title == null) setText(this.panel.title, cfg.title);
  }

  tick(i) {
    if (this.layers > 1 && this.isOutput(i)) return 'out';
    if (this.residual) return i === 0 ? 'stem' : String(i);
    return String(i + 1);
  }

  layerName(i) {
    if (this.isOutput(i)) return 'output layer';
    if (this.residual) return i === 0 ? 'the stem' : `block ${i}`;
    return `layer ${i + 1}`;
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
      if (run.diverged != null) {
        note = p?.clamped ? `diverged, last at step ${p.record.step}` : 'diverged';
        const of = overflowText(run, this.residual);
        if (of) note += ` (${of})`;
      }
      else if (!p) note = 'no data';
      return { color: runColor(run), label: runLabel(run), note };
    });
    if (this.hasTheory) {
      const approx = picks.some((p) => p?.record?.layerStats && p.record.layerStats.theoryExact === false);
      items.push({ cls: 'iv-key', color: KEY_COLOR(), label: this.cfg.measuredLabel ?? 'measured', title: this.cfg.measuredTitle });
      if (this.cfg.theoryLabel) {
        items.push({ cls: 'iv-key', color: KEY_COLOR(), dash: true, label: this.cfg.theoryLabel, title: this.cfg.theoryTitle });
      } else {
        items.push({ cls: 'iv-key', color: KEY_COLOR(), dash: true, label: approx ? 'theory at init (approximate)' : 'theory at init',
          title: approx ? `Linearised prediction: not exact for ${this.model?.activation ?? 'this activation'}` : 'Var[y_l] = Var[y_l-1] · n · Var[w] · c (He et al. 2015)' });
      }
    }
    if (this.hasBranch) {
      items.push({ cls: 'iv-key', color: KEY_COLOR(), dot: true, label: this.cfg.branch.label, title: this.cfg.branch.title });
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
      const b = this.branch?.[r]?.[i];
      return `${runLabel(run)} ${v == null ? '\u2013' : formatValue(v)}${this.hasTheory && t != null ? ` (theory ${formatValue(t)})` : ''}` +
        `${this.hasBranch && b != null ? `, ${this.cfg.branch.label} ${formatValue(b)}` : ''}`;
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
      const vals = show.map((i) => `${formatValue(arr[i])} at ${this.isOutput(i) ? 'the output layer' : this.layerName(i)}`);
      const of = overflowText(run, this.residual);
      return `${runLabel(run)}${run.diverged != null ? ` (diverged at step ${run.diverged}${of ? `, ${of}` : ''})` : ''}: ${this.cfg.quantity} ${vals.join(', ')}`;
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
