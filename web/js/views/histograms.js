// Activation histograms per layer for one run (model.activeRun) at the scrubber's record, as a
// ridgeline: one row per layer, first hidden layer on top, like Glorot & Bengio (2010, fig. 3/6)
// so a collapse toward 0 (tanh, small init) or a widening reads top to bottom. Bins are the
// core's edges, fixed at step 0 so frames are comparable: tanh [-1, 1] and sigmoid [0, 1] for every
// layer; unbounded activations get each layer's own range from its step-0 values (lo and hi are
// then per-layer arrays), and values that later leave it are counted (below / above) and shown
// as "N% out" at the row's end rather than piled into an end bin. Deep nets show ~10 evenly spaced layers,
// first and last included, and the legend names them.
//
// Each row is scaled to its own tallest bin, so shapes compare, not counts. A spike in the bin
// holding 0 (ReLU sends half the units there) would flatten the rest, so when it dwarfs the other
// bins it is clipped and labelled with its share instead.
//
// A residual net (model.architecture 'residual') histograms its stream instead: the stem's
// output and each block's output x (the core's `hist` points), the logits left out as above.

import { withAlpha } from '../theme/colors.js';
import { h, setText, fitCanvas } from './dom.js';
import { Panel } from './panel.js';
import { KEY_COLOR } from './axis.js';
import { runColor, runLabel, recordAt, formatValue, sampleIndices, overflowText } from './format.js';
import { cssColor } from '../theme/theme.js';

const MAX_ROWS = 10;

// A layer's bin edges: the core sends per-layer arrays (scalars from older records / the demo).
export function layerEdges(hist, layer) {
  const pick = (v) => (typeof v === 'number' ? v : v?.[layer]);
  return { lo: pick(hist.lo), hi: pick(hist.hi) };
}
// Values of a layer outside its edges.
function outside(hist, layer) {
  return (hist.below?.[layer] ?? 0) + (hist.above?.[layer] ?? 0);
}
const EMPTY = new Uint32Array(0);
const PAD = { left: 50, right: 58, top: 6, bottom: 30 };

export class HistogramView {
  constructor(container, options = {}) {
    this.options = options;
    this.panel = new Panel(container, { kind: 'histograms', title: 'Activation histograms', options });
    this.canvas = h('canvas', 'iv-canvas');
    this.panel.inner.append(this.canvas);
    this.panel.onResize = () => { this.updateHeader(); this.draw(true); };
    this.picker = null;
    if (typeof options.onSelectRun === 'function') {
      this.picker = h('div', 'iv-picker');
      this.picker.setAttribute('role', 'group');
      this.picker.setAttribute('aria-label', 'run whose histograms are shown');
      this.panel.head.append(this.picker);
    }
    this.model = null;
    this.drawn = null;
  }

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const ai = Math.min(Math.max(0, model?.activeRun ?? 0), Math.max(0, runs.length - 1));
    this.run = runs[ai] ?? null;
    this.runIndex = ai;
    this.pick = this.run ? recordAt(this.run, model.cursor) : null;
    this.hist = this.pick?.record?.layerStats?.histogram ?? null;
    this.updatePicker(runs, ai);
    this.updateHeader();
    this.draw(false);
    this.panel.summary(() => this.describe());
  }

  updatePicker(runs, ai) {
    if (!this.picker) return;
    const key = runs.map((r) => `${r.key}|${runColor(r)}|${runLabel(r)}`).join(',');
    if (key !== this.pickerKey) {
      this.pickerKey = key;
      this.picker.replaceChildren(...runs.map((run, i) => {
        const b = h('button', 'iv-pick', runLabel(run));
        b.type = 'button';
        b.style.setProperty('--run', runColor(run));
        b.addEventListener('click', () => this.options.onSelectRun(i));
        return b;
      }));
    }
    [...this.picker.children].forEach((b, i) => b.setAttribute('aria-pressed', String(i === ai)));
  }

  /**
   * Hidden layers only: the output layer is linear (logits), so the activation's fixed bins (ReLU:
   * [0, 3]) would pile every negative logit into the first bin and misread as "dead".
   */
  layerCount() {
    const L = this.hist?.counts?.length ?? 0;
    const hidden = this.model?.hidden;
    if (this.residual) return Array.isArray(hidden) && hidden.length + 2 === L ? L - 1 : L;
    return Array.isArray(hidden) && hidden.length + 1 === L ? L - 1 : L;
  }

  /** Points are the stem (0), each block's stream (1..B) and the logits. */
  get residual() { return this.model?.architecture === 'residual'; }

  /** Which layers get a row: all when few, else ~10 evenly spaced including first and last. */
  rows() {
    const L = this.layerCount();
    // ~10 rows, fewer when the panel is short: a row needs ~13px for its label
    const avail = this.panel.size.height - PAD.top - PAD.bottom;
    const fit = Math.max(3, Math.min(MAX_ROWS, Math.floor(avail / 13)));
    return sampleIndices(L, L <= fit + (fit === MAX_ROWS ? 2 : 0) ? L : fit);
  }

  layerName(i) {
    const L = this.hist?.counts?.length ?? 0;
    const hidden = this.model?.hidden;
    if (this.residual) {
      if (L > 1 && i === L - 1 && (!Array.isArray(hidden) || hidden.length + 2 === L)) return 'out';
      return i === 0 ? 'stem' : String(i);
    }
    const isOut = L > 1 && i === L - 1 && (!Array.isArray(hidden) || hidden.length + 1 === L);
    return isOut ? 'out' : String(i + 1);
  }

  rowLabel(i) {
    const name = this.layerName(i);
    if (name === 'out' || name === 'stem') return name;
    return this.residual ? `block ${name}` : `layer ${name}`;
  }

  /** What the rows show: post-activations, or a residual net's stream. */
  get title() { return this.residual ? 'Residual stream histograms' : 'Activation histograms'; }

  updateHeader() {
    if (this.options.title == null && this.panel.title.textContent !== this.title) setText(this.panel.title, this.title);
    const run = this.run;
    const step = this.pick?.record?.step;
    // with a picker the pressed button names the run; without one the subtitle does
    const name = run && !this.picker ? `${runLabel(run)} \u00B7 ` : '';
    setText(this.panel.sub, run ? `${name}${step != null ? `step ${step}` : ''}` : '');
    this.panel.sub.style.color = run && !this.picker ? runColor(run) : '';
    const items = [];
    const L = this.layerCount();
    if (run && L) {
      const rows = this.rows();
      const names = rows.map((i) => this.layerName(i));
      let label;
      if (this.residual) {
        const blocks = names.filter((n) => n !== 'stem');
        label = rows.length < L ? `stem, blocks ${blocks.join(', ')} (${rows.length} of ${L} stream points)`
          : `the stem and all ${L - 1} blocks' stream`;
      } else {
        label = rows.length < L ? `layers ${names.join(', ')} (${rows.length} of ${L} hidden)` : `all ${L} hidden layers`;
      }
      items.push({ cls: 'iv-key iv-wrap', color: runColor(run), label });
      items.push({ cls: 'iv-key', label: 'rows scaled to their tallest bin' });
    } else if (run) {
      const of = overflowText(run, this.residual);
      items.push({ color: runColor(run), label: runLabel(run), note: run.diverged != null ? `diverged at step ${run.diverged}${of ? `, ${of}` : ''}` : 'no histogram yet' });
    }
    this.panel.setLegend(items);
    const hg = this.hist;
    let readout = '';
    if (hg && L) {
      const rows = this.rows();
      const first = layerEdges(hg, rows[0]);
      const same = rows.every((l) => { const e = layerEdges(hg, l); return e.lo === first.lo && e.hi === first.hi; });
      const what = this.residual ? 'residual stream x' : 'post-activation';
      readout = same
        ? `x: ${what}, ${hg.bins} bins on [${formatValue(first.lo)}, ${formatValue(first.hi)}]`
        : `x: ${what}, ${hg.bins} bins on each ${this.residual ? 'point' : 'layer'}'s step-0 range (axis: ${this.rowLabel(rows[0])})`;
    }
    setText(this.panel.readout, readout);
  }

  draw(force) {
    const { width, height } = this.panel.size;
    const dpr = devicePixelRatio || 1;
    const hist = this.hist;
    const state = { hist, runIndex: this.runIndex, width, height, dpr, color: this.run ? runColor(this.run) : '' };
    const d = this.drawn;
    if (!force && d && d.hist === state.hist && d.runIndex === state.runIndex && d.width === width
      && d.height === height && d.dpr === dpr && d.color === state.color) return;
    this.drawn = state;

    const ctx = fitCanvas(this.canvas, width, height, dpr);
    ctx.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

    const counts = hist?.counts;
    if (!hist || !counts?.length || !(hist.bins > 0)) {
      ctx.fillStyle = KEY_COLOR();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const run = this.run;
      ctx.fillText(!run ? 'no runs' : run.diverged != null && !hist ? `${runLabel(run)} diverged at step ${run.diverged}` : 'no histogram yet', width / 2, height / 2);
      return;
    }

    const color = state.color;
    const rows = this.rows();
    const { bins } = hist;
    // The axis shows the first row's edges; rows with other edges are drawn on their own.
    const { lo, hi } = layerEdges(hist, rows[0]);
    let labelW = 0;
    for (const l of rows) labelW = Math.max(labelW, ctx.measureText(this.rowLabel(l)).width);
    const x0 = Math.max(PAD.left, Math.ceil(labelW) + 10);
    const x1 = Math.max(x0 + 10, width - PAD.right);
    const avail = Math.max(10, height - PAD.top - PAD.bottom);
    const overlap = rows.length <= 3 ? 0.9 : 1.7;
    const spacing = avail / (rows.length - 1 + overlap);
    const ridgeH = spacing * overlap;
    const xOf = (v) => x0 + ((v - lo) / (hi - lo)) * (x1 - x0);
    const zeroBinOf = (a, b) => (a <= 0 && 0 < b ? Math.min(bins - 1, Math.floor(((0 - a) / (b - a)) * bins)) : -1);
    const zeroBin = zeroBinOf(lo, hi);

    // x axis
    const axisY = PAD.top + avail + 4;
    ctx.strokeStyle = cssColor('--chart-frame', '#999');
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x0, axisY + 0.5);
    ctx.lineTo(x1, axisY + 0.5);
    ctx.stroke();
    ctx.fillStyle = cssColor('--chart-ink', '#333');
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(lo, hi, Math.max(2, Math.floor((x1 - x0) / 60)))) {
      const x = Math.round(xOf(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, axisY);
      ctx.lineTo(x, axisY + 4);
      ctx.stroke();
      ctx.fillText(formatValue(t, 3), x, axisY + 6);
    }
    if (zeroBin >= 0) {
      ctx.strokeStyle = cssColor('--chart-grid', 'rgba(0,0,0,0.12)');
      const xz = Math.round(xOf(0)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(xz, PAD.top);
      ctx.lineTo(xz, axisY);
      ctx.stroke();
    }

    // ridges, top (first layer) to bottom, each painted over the one above it
    const fill = withAlpha(color, 0.28);
    rows.forEach((layer, r) => {
      const base = PAD.top + ridgeH + r * spacing;
      const cnt = counts[layer] ?? EMPTY;
      const e = layerEdges(hist, layer);
      if (!(e.hi > e.lo)) return;
      const zeroBin = zeroBinOf(e.lo, e.hi);
      let total = 0;
      let max = 0;
      let maxOther = 0;
      const n = Math.min(bins, cnt?.length ?? 0);
      for (let b = 0; b < n; b++) {
        const v = cnt[b];
        total += v;
        if (v > max) max = v;
        if (b !== zeroBin && v > maxOther) maxOther = v;
      }
      const clipZero = zeroBin >= 0 && maxOther > 0 && cnt[zeroBin] > 2.5 * maxOther;
      const scale = clipZero ? maxOther * 1.25 : max;

      const path = new Path2D();
      path.moveTo(x0, base);
      for (let b = 0; b < n; b++) {
        const hgt = scale > 0 ? Math.min(1, cnt[b] / scale) * ridgeH : 0;
        const xa = x0 + (b / bins) * (x1 - x0);
        const xb = x0 + ((b + 1) / bins) * (x1 - x0);
        path.lineTo(xa, base - hgt);
        path.lineTo(xb, base - hgt);
      }
      path.lineTo(x1, base);
      path.closePath();
      ctx.fillStyle = cssColor('--chart-bg', '#fff');
      ctx.fill(path);
      ctx.fillStyle = fill;
      ctx.fill(path);
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.25;
      ctx.stroke(path);
      ctx.strokeStyle = cssColor('--chart-frame', 'rgba(0,0,0,0.25)');
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x0, Math.round(base) + 0.5);
      ctx.lineTo(x1, Math.round(base) + 0.5);
      ctx.stroke();

      ctx.fillStyle = cssColor('--chart-ink', '#333');
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(this.rowLabel(layer), x0 - 6, base - Math.min(6, spacing / 2));
      const out = outside(hist, layer);
      if (out > 0) {
        // Left the step-0 range since: say how much, never hide it in an end bin.
        ctx.textAlign = 'left';
        ctx.fillStyle = '#a33';
        ctx.fillText(`${Math.max(1, Math.round((out / (total + out)) * 100))}% out`, x1 + 4, base - Math.min(6, spacing / 2));
      } else if (clipZero && total > 0) {
        ctx.textAlign = 'left';
        ctx.fillStyle = cssColor('--chart-ink', '#333');
        ctx.fillText(`${Math.round((cnt[zeroBin] / total) * 100)}% at 0`, x1 + 4, base - Math.min(6, spacing / 2));
      } else if (total === 0) {
        ctx.textAlign = 'left';
        ctx.fillStyle = KEY_COLOR();
        ctx.fillText('empty', x1 + 4, base - Math.min(6, spacing / 2));
      }
    });
    ctx.fillStyle = cssColor('--chart-ink', '#333');
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
  }

  describe() {
    const run = this.run;
    if (!run) return `${this.title}: no runs.`;
    const hist = this.hist;
    if (!hist?.counts?.length) return `${this.title} of ${runLabel(run)}: no data yet.`;
    const { bins } = hist;
    const { lo, hi } = layerEdges(hist, this.rows()[0]);
    const parts = this.rows().map((layer) => {
      const cnt = hist.counts[layer] ?? EMPTY;
      const { lo, hi } = layerEdges(hist, layer);
      let total = 0;
      let s1 = 0;
      let s2 = 0;
      for (let b = 0; b < Math.min(bins, cnt?.length ?? 0); b++) {
        const mid = lo + ((b + 0.5) * (hi - lo)) / bins;
        total += cnt[b];
        s1 += cnt[b] * mid;
        s2 += cnt[b] * mid * mid;
      }
      const mean = total ? s1 / total : NaN;
      const sd = total ? Math.sqrt(Math.max(0, s2 / total - mean * mean)) : NaN;
      const name = this.layerName(layer);
      return `${name === 'out' ? 'output layer' : this.rowLabel(layer)} spread ${formatValue(sd, 2)}`;
    });
    return `${this.title} of ${runLabel(run)} at step ${this.pick?.record?.step}, values from ${formatValue(lo)} to ${formatValue(hi)}: ${parts.join(', ')}.`;
  }

  resize() { this.panel.measure(); }   // redraws via onResize, in its own task

  reset() { this.drawn = null; }

  destroy() { this.panel.destroy(); }
}

/** Round-number ticks covering [lo, hi], at most about maxTicks of them. */
export function niceTicks(lo, hi, maxTicks) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / maxTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= maxTicks) ?? 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  return out;
}
