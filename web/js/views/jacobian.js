// The singular values of the Jacobian d h_last / d h_first (pre-activations of the first and the
// last hidden layer) of every run at initialization, for a few probe inputs: one histogram row
// per run on a shared log axis, with the theory's root-mean-square singular value
// sqrt(theoryMeanSquared) dashed and the measured one sqrt(meanSquared) as a ▲ on the axis of
// its row. Near 1 and narrow is dynamical isometry: every direction of a gradient survives.
// reference: J. Pennington, S. Schoenholz, S. Ganguli, "Resurrecting the sigmoid in deep
// learning through dynamical isometry" (2017); Schoenholz et al. (2017), sec. 4.
//
// Input: model.theory.jacobian = per run { singularValues: [Float64Array, ...], meanSquared,
// theoryMeanSquared, firstLayer, lastLayer } or { error }, or null while it is computed.

import { withAlpha } from '../theme/colors.js';
import { cssColor } from '../theme/theme.js';
import { h, setText, fitCanvas } from './dom.js';
import { Panel } from './panel.js';
import { logRange, logSplits } from './axis.js';
import { runColor, runLabel, formatValue, formatLogTick, isFiniteNumber } from './format.js';

const PAD = { left: 12, right: 12, top: 4, bottom: 32 };
const BINS = 36;


export class JacobianView {
  constructor(container, options = {}) {
    this.options = options;
    this.panel = new Panel(container, { kind: 'jacobian', title: 'Jacobian spectrum at init', options });
    this.canvas = h('canvas', 'iv-canvas');
    this.message = h('div', 'iv-message');
    this.message.hidden = true;
    this.panel.inner.append(this.canvas, this.message);
    this.panel.onResize = () => this.draw(true);
    this.model = null;
    this.rows = [];
    this.drawn = '';
  }

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const spectra = model?.theory?.jacobian ?? null;
    this.spectra = spectra;
    this.rows = runs.map((run, i) => this.row(run, spectra?.[i]));
    const status = !runs.length ? 'no runs yet'
      : !spectra ? 'computing the Jacobian spectra…'
        : this.rows.every((r) => r.error) ? `no spectrum: ${this.rows[0].error}` : '';
    this.message.hidden = !status;
    setText(this.message, status);
    this.canvas.hidden = !!status;
    this.updateHeader(runs);
    this.draw(false);
    this.panel.summary(() => this.describe(runs));
  }

  /** One run's values, their root mean squares, and what cannot go on a log axis. */
  row(run, s) {
    if (!s) return { run, values: [], error: null };
    if (s.error) return { run, values: [], error: s.error };
    const all = [];
    for (const a of s.singularValues ?? []) for (const v of a) all.push(v);
    const values = all.filter((v) => isFiniteNumber(v) && v > 0);
    return {
      run, values, error: null, count: all.length, zeros: all.filter((v) => v === 0).length,
      rms: isFiniteNumber(s.meanSquared) && s.meanSquared >= 0 ? Math.sqrt(s.meanSquared) : null,
      theory: isFiniteNumber(s.theoryMeanSquared) && s.theoryMeanSquared >= 0 ? Math.sqrt(s.theoryMeanSquared) : null,
      first: s.firstLayer, last: s.lastLayer,
    };
  }

  updateHeader(runs) {
    const r0 = this.rows.find((r) => r.first != null);
    // the engine counts hidden layers from 0; the page's layer axes from 1
    setText(this.panel.sub, r0 ? `∂h${sub(r0.last + 1)}/∂h${sub(r0.first + 1)}` : '');
    const items = this.rows.map((r) => ({
      color: runColor(r.run), label: runLabel(r.run),
      note: r.error ? 'no spectrum' : r.rms == null ? '' : `rms ${formatValue(r.rms)}${r.theory != null ? ` (theory ${formatValue(r.theory)})` : ''}`,
    }));
    if (this.rows.some((r) => r.theory != null)) {
      items.push({ cls: 'iv-key', color: cssColor('--chart-key', '#555c6b'), dash: true, label: 'theory rms', title: '√ of the mean squared singular value mean-field theory predicts' });
      items.push({ cls: 'iv-key', color: cssColor('--chart-key', '#555c6b'), marker: '▲', label: 'measured rms' });
    }
    this.panel.setLegend(items);
    setText(this.panel.readout, this.rows.length ? `${this.rows[0].count ?? 0} singular values per run, log axis` : '');
  }

  describe(runs) {
    if (!this.rows.length) return 'Jacobian spectrum: no runs.';
    const text = this.rows.map((r) => {
      if (r.error) return `${runLabel(r.run)}: ${r.error}`;
      if (!r.values.length) return `${runLabel(r.run)}: ${r.zeros ? 'every singular value is 0' : 'no values'}`;
      const sorted = r.values.slice().sort((a, b) => a - b);
      return `${runLabel(r.run)}: singular values from ${formatValue(sorted[0])} to ${formatValue(sorted[sorted.length - 1])}, rms ${formatValue(r.rms)}, theory ${formatValue(r.theory)}`;
    });
    return `Jacobian spectrum at initialization. ${text.join('. ')}.`;
  }

  draw(force) {
    if (this.canvas.hidden) return;
    const { width, height } = this.panel.size;
    const dpr = devicePixelRatio || 1;
    const sig = JSON.stringify([width, height, dpr, this.rows.map((r) => [r.run.key, runColor(r.run), r.values.length, r.rms, r.theory, r.error])]);
    if (!force && sig === this.drawn) return;
    this.drawn = sig;
    const ctx = fitCanvas(this.canvas, width, height, dpr);
    const text = cssColor('--chart-ink', '#222222');
    const muted = cssColor('--chart-key', '#555c6b');
    const line = cssColor('--chart-frame', '#888888');

    // the shared log axis: every value and every rms, decade-snapped, always including 1
    let min = 1;
    let max = 1;
    for (const r of this.rows) {
      for (const v of r.values) { if (v < min) min = v; if (v > max) max = v; }
      for (const v of [r.rms, r.theory]) if (v > 0) { min = Math.min(min, v); max = Math.max(max, v); }
    }
    // (clamped: logRange pads a long range, and 1e308 padded is Infinity)
    const [lo, hi] = logRange(Math.max(min, 1e-200), Math.min(max, 1e200));
    const llo = Math.log10(lo);
    const lhi = Math.log10(hi);
    const x0 = PAD.left;
    const w = Math.max(10, width - PAD.left - PAD.right);
    const X = (v) => x0 + ((Math.log10(v) - llo) / (lhi - llo)) * w;
    const plotH = Math.max(10, height - PAD.top - PAD.bottom);
    const n = this.rows.length;
    const rowH = plotH / Math.max(1, n);

    // x = 1 (isometry) across every row
    ctx.strokeStyle = cssColor('--chart-grid', 'rgba(0,0,0,0.08)');
    ctx.lineWidth = 2;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(X(1), PAD.top); ctx.lineTo(X(1), PAD.top + plotH);
    ctx.stroke();

    ctx.font = '11px system-ui, sans-serif';
    this.rows.forEach((r, k) => {
      const top = PAD.top + k * rowH;
      const base = top + rowH - 3;
      const color = runColor(r.run);
      // row base line
      ctx.strokeStyle = line;
      ctx.beginPath(); ctx.moveTo(x0, base + 0.5); ctx.lineTo(x0 + w, base + 0.5); ctx.stroke();
      if (r.error || !r.values.length) {
        ctx.fillStyle = muted;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'bottom';
        const why = r.error ? 'no spectrum' : r.zeros ? 'every singular value is 0 (no signal gets through)' : 'no values';
        ctx.fillText(`${runLabel(r.run)}: ${why}`, x0 + 4, base - 2);
        return;
      }
      const counts = new Array(BINS).fill(0);
      for (const v of r.values) {
        const t = (Math.log10(Math.min(Math.max(v, lo), hi)) - llo) / (lhi - llo);
        counts[Math.min(BINS - 1, Math.max(0, Math.floor(t * BINS)))]++;
      }
      const peak = Math.max(...counts);
      const barH = Math.max(6, rowH - 16);
      const bw = w / BINS;
      ctx.fillStyle = withAlpha(color, 0.7);
      counts.forEach((cnt, i) => {
        if (!cnt) return;
        const hh = Math.max(1.5, (cnt / peak) * barH);
        ctx.fillRect(x0 + i * bw + 0.5, base - hh, Math.max(1, bw - 1), hh);
      });
      // theory rms: dashed over the row; measured rms: a triangle on the row's base
      if (r.theory > 0) {
        ctx.strokeStyle = color;
        ctx.lineWidth = 2;
        ctx.setLineDash([5, 3]);
        ctx.beginPath(); ctx.moveTo(X(r.theory), top + 2); ctx.lineTo(X(r.theory), base); ctx.stroke();
        ctx.setLineDash([]);
      }
      if (r.rms > 0) {
        const x = X(r.rms);
        ctx.fillStyle = text;
        ctx.beginPath(); ctx.moveTo(x, base - 7); ctx.lineTo(x - 5, base + 2); ctx.lineTo(x + 5, base + 2); ctx.closePath(); ctx.fill();
      }
    });

    // axis
    const axisY = PAD.top + plotH;
    ctx.strokeStyle = muted;
    ctx.fillStyle = text;
    ctx.lineWidth = 1;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of logSplits(lo, hi, Math.max(2, Math.floor(w / 45)))) {
      const x = X(t);
      ctx.beginPath(); ctx.moveTo(x, axisY); ctx.lineTo(x, axisY + 4); ctx.stroke();
      ctx.fillText(formatLogTick(t), x, axisY + 5);
    }
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('singular value (log)', x0 + w / 2, axisY + 18);
  }

  resize() { this.panel.measure(); }   // redraws via onResize, in its own task
  reset() { this.drawn = ''; }
  destroy() { this.panel.destroy(); }
}

const SUB = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉' };
function sub(n) {
  return String(n).replace(/[0-9]/g, (d) => SUB[d]);
}
