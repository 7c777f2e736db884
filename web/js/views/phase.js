// The mean-field phase diagram of the current activation: the (sigma_w^2, sigma_b^2) plane shaded
// by chi_1 (ordered where chi_1 < 1, chaotic where chi_1 > 1), the critical line chi_1 = 1,
// contours of the correlation depth xi_c (how many layers two inputs stay distinguishable), and
// every run as a dot at its effective sigma_w^2 = fan_in * Var[w] (He: 2, LeCun: 1; measured from
// the weights at step 0, so every initializer has a place) and its sigma_b^2.
// Clicking the plane (or arrows + Enter on the focused plane) asks the page to move the selected
// run there as a mean_field run (options.onPickTheory).
// reference: B. Poole et al. (2016), fig. 2; S. Schoenholz et al., "Deep information propagation"
// (2017), fig. 1 and eq. 9 (xi_c = -1 / ln chi_c).
//
// Input: model.theory.phase = { wMax, bMax, nx, ny, chi1, xiC (row-major, y = sigma_b^2 rows,
// cell centres), critical: [[sigma_w^2, sigma_b^2], ...] } or { pending } or { error }.

import { withAlpha } from '../theme/colors.js';
import { cssColor } from '../theme/theme.js';
import { h, setText, fitCanvas } from './dom.js';
import { Panel } from './panel.js';
import { runColor, runLabel, formatValue, isFiniteNumber } from './format.js';

const PAD = { left: 46, right: 12, top: 8, bottom: 34 };
const XI_LEVELS = [3, 10, 30];
const ORDERED_RGB = [66, 133, 200];   // shading only, paler than any run colour
const CHAOTIC_RGB = [232, 128, 40];
const KEY_STEPS = 40;                  // an arrow key moves 1/40 of the axis (Shift: 1/8)


/** Effective sigma_w^2 of a run: its own weightVar (mean_field), else fan_in * Var[w] of the
 *  step-0 weights averaged over the hidden layers after the first (whose fan_in is the input). */
export function effectiveWeightVar(run, model) {
  if (isFiniteNumber(run.weightVar)) return run.weightVar;
  const ls = run.records?.[0]?.layerStats;
  const hidden = model?.hidden ?? [];
  if (!ls?.weightVar || !hidden.length) return null;
  let sum = 0;
  let n = 0;
  const from = hidden.length > 1 ? 1 : 0;
  for (let l = from; l < hidden.length; l++) {
    const fanIn = l === 0 ? model?.dataset?.inputDim : hidden[l - 1];
    const v = ls.weightVar[l];
    if (isFiniteNumber(v) && fanIn > 0) { sum += v * fanIn; n++; }
  }
  return n ? sum / n : null;
}

/** sigma_b^2 of a run: its own biasVar (mean_field, orthogonal); PyTorch's default draws biases
 *  from U(+-1/sqrt(fan_in)), variance 1/(3 fan_in); every other initializer's biases are 0. */
export function effectiveBiasVar(run, model) {
  if (isFiniteNumber(run.biasVar)) return run.biasVar;
  const hidden = model?.hidden ?? [];
  if (run.init === 'pytorch_default' && hidden.length) return 1 / (3 * hidden[0]);
  return 0;
}

export class PhaseView {
  constructor(container, options = {}) {
    this.options = options;
    this.panel = new Panel(container, { kind: 'phase', title: 'Phase diagram (mean field, at init)', options });
    // The plane is the control here: it takes focus, so it must not sit under aria-hidden.
    this.panel.plot.removeAttribute('aria-hidden');
    this.panel.readout.removeAttribute('aria-hidden');
    this.panel.readout.setAttribute('aria-live', 'polite');
    this.canvas = h('canvas', 'iv-canvas iv-phase-canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'phase plane');
    this.canvas.setAttribute('aria-label', 'Phase plane of weight variance σw² (left to right) and bias variance σb² (bottom to top). '
      + 'Arrow keys move the cursor (Shift: faster), c jumps to the critical line, Enter moves the selected run there.');
    this.message = h('div', 'iv-message');
    this.message.hidden = true;
    this.panel.inner.append(this.canvas, this.message);
    this.panel.onResize = () => this.draw(true);
    this.picker = null;
    if (typeof options.onSelectRun === 'function') {
      this.picker = h('div', 'iv-picker');
      this.picker.setAttribute('role', 'group');
      this.picker.setAttribute('aria-label', 'run that a click on the plane moves');
      this.panel.head.append(this.picker);
    }
    this.model = null;
    this.phase = null;
    this.dots = [];
    this.cursor = null;      // { w, b } from the keyboard or the mouse
    this.drawn = '';
    this.wire();
  }

  wire() {
    const c = this.canvas;
    c.addEventListener('mousemove', (e) => {
      const p = this.fromEvent(e);
      this.cursor = p;
      this.updateReadout();
      this.draw(false);
    });
    c.addEventListener('mouseleave', () => {
      if (document.activeElement !== c) { this.cursor = null; this.updateReadout(); this.draw(false); }
    });
    c.addEventListener('click', (e) => {
      const p = this.fromEvent(e);
      if (p) this.pick(p);
    });
    c.addEventListener('focus', () => {
      if (!this.cursor && this.phase?.chi1) {
        const d = this.dots[this.activeIndex()];
        this.cursor = d && d.w != null ? this.clamp({ w: d.w, b: d.b }) : { w: this.phase.wMax / 2, b: 0 };
      }
      this.updateReadout();
      this.draw(false);
    });
    c.addEventListener('keydown', (e) => this.onKey(e));
  }

  onKey(e) {
    const ph = this.phase;
    if (!ph?.chi1) return;
    const cur = this.cursor ?? { w: ph.wMax / 2, b: 0 };
    const f = e.shiftKey ? 5 : 1;
    const dw = (f * ph.wMax) / KEY_STEPS;
    const db = (f * ph.bMax) / KEY_STEPS;
    let next = null;
    if (e.key === 'ArrowRight') next = { w: cur.w + dw, b: cur.b };
    else if (e.key === 'ArrowLeft') next = { w: cur.w - dw, b: cur.b };
    else if (e.key === 'ArrowUp') next = { w: cur.w, b: cur.b + db };
    else if (e.key === 'ArrowDown') next = { w: cur.w, b: cur.b - db };
    else if (e.key === 'c' || e.key === 'C') {
      const w = this.criticalAt(cur.b);
      if (w != null) next = { w, b: cur.b };
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();   // space here picks; it does not play/pause
      this.pick(cur);
      return;
    } else {
      return;
    }
    e.preventDefault();
    if (next) {
      this.cursor = this.clamp(next);
      this.updateReadout();
      this.draw(false);
    }
  }

  clamp({ w, b }) {
    const ph = this.phase;
    return { w: Math.min(ph.wMax, Math.max(ph.wMax / 200, w)), b: Math.min(ph.bMax, Math.max(0, b)) };
  }

  pick(p) {
    const w = Math.max(0.01, Math.round(p.w * 100) / 100);
    const b = Math.max(0, Math.round(p.b * 1000) / 1000);
    this.options.onPickTheory?.({ weightVar: w, biasVar: b });
  }

  activeIndex() {
    const n = this.model?.runs?.length ?? 0;
    return Math.min(Math.max(0, this.model?.activeRun ?? 0), Math.max(0, n - 1));
  }

  // ---------------------------------------------------------------------------------------------
  // geometry

  box() {
    const { width, height } = this.panel.size;
    return { x0: PAD.left, y0: PAD.top, w: Math.max(10, width - PAD.left - PAD.right), h: Math.max(10, height - PAD.top - PAD.bottom) };
  }
  px(w) { const b = this.box(); return b.x0 + (w / this.phase.wMax) * b.w; }
  py(v) { const b = this.box(); return b.y0 + b.h - (v / this.phase.bMax) * b.h; }

  fromEvent(e) {
    if (!this.phase?.chi1) return null;
    const r = this.canvas.getBoundingClientRect();
    const b = this.box();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    if (x < b.x0 - 4 || x > b.x0 + b.w + 4 || y < b.y0 - 4 || y > b.y0 + b.h + 4) return null;
    return this.clamp({ w: ((x - b.x0) / b.w) * this.phase.wMax, b: ((b.y0 + b.h - y) / b.h) * this.phase.bMax });
  }

  /** Grid value (chi1 or xiC) at a point: the nearest cell. */
  valueAt(field, w, v) {
    const ph = this.phase;
    const i = Math.min(ph.nx - 1, Math.max(0, Math.floor((w / ph.wMax) * ph.nx)));
    const j = Math.min(ph.ny - 1, Math.max(0, Math.floor((v / ph.bMax) * ph.ny)));
    return ph[field][j * ph.nx + i];
  }

  /** sigma_w^2 on the critical line at sigma_b^2 = b (linear between its points), or null. */
  criticalAt(b) {
    const pts = (this.phase?.critical ?? []).filter(([w]) => Number.isFinite(w));
    for (let k = 1; k < pts.length; k++) {
      const [w0, b0] = pts[k - 1];
      const [w1, b1] = pts[k];
      if (b >= b0 && b <= b1) return b1 > b0 ? w0 + ((b - b0) / (b1 - b0)) * (w1 - w0) : w0;
    }
    return pts.length ? pts[pts.length - 1][0] : null;
  }

  // ---------------------------------------------------------------------------------------------
  // update

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const ph = model?.theory?.phase ?? null;
    this.phase = ph && ph.chi1 ? ph : null;
    this.dots = runs.map((run) => ({
      w: effectiveWeightVar(run, model),
      b: effectiveBiasVar(run, model),
      color: runColor(run),
      label: runLabel(run),
    }));
    this.updatePicker(runs);
    const status = !ph ? 'the phase diagram appears when the runs are ready'
      : ph.error ? `no phase diagram: ${ph.error}`
        : ph.pending ? 'computing the phase diagram…' : '';
    this.message.hidden = !status;
    setText(this.message, status);
    this.canvas.hidden = !!status;
    this.updateHeader(runs);
    this.updateReadout();
    this.draw(false);
    this.panel.summary(() => this.describe());
  }

  updatePicker(runs) {
    if (!this.picker) return;
    const ai = this.activeIndex();
    const key = runs.map((r, i) => `${r.key}|${runColor(r)}|${runLabel(r)}|${this.dots[i]?.w?.toFixed(2)}`).join(',');
    if (key !== this.pickerKey) {
      this.pickerKey = key;
      this.picker.replaceChildren(...runs.map((run, i) => {
        const d = this.dots[i];
        const b = h('button', 'iv-pick', run.weightVar == null && d?.w != null ? `${runLabel(run)} · σw² ${formatValue(d.w, 2)}` : runLabel(run));
        b.type = 'button';
        b.title = `Select ${runLabel(run)}: a click on the plane moves it there`;
        b.style.setProperty('--run', runColor(run));
        b.addEventListener('click', () => this.options.onSelectRun(i));
        return b;
      }));
    }
    [...this.picker.children].forEach((b, i) => b.setAttribute('aria-pressed', String(i === ai)));
  }

  updateHeader(runs) {
    setText(this.panel.sub, this.model?.activation ? String(this.model.activation).replace('_', ' ') : '');
    // the runs are the picker's buttons (in their colours); the legend keys the lines
    const items = this.picker ? [] : runs.map((run, i) => {
      const d = this.dots[i];
      const note = d.w == null ? 'no weights yet' : `σw² ${formatValue(d.w, 3)}${d.b ? `, σb² ${formatValue(d.b, 2)}` : ''}`;
      return { color: runColor(run), label: runLabel(run), note, cls: 'iv-wrap' };
    });
    items.push({ cls: 'iv-key', marker: '●', label: 'runs (ring: selected)' });
    items.push({ cls: 'iv-key', color: cssColor('--chart-ink', '#222222'), label: 'critical χ₁ = 1' });
    items.push({ cls: 'iv-key', color: cssColor('--chart-key', '#555c6b'), dash: true, label: 'ξc (layers)', title: 'correlation depth: two inputs stay distinguishable for about ξc layers' });
    this.panel.setLegend(items);
  }

  updateReadout() {
    const ph = this.phase;
    if (!ph) { setText(this.panel.readout, ''); return; }
    const p = this.cursor;
    const run = this.model?.runs?.[this.activeIndex()];
    if (!p) {
      setText(this.panel.readout, `click the plane to move ${run ? `run ${this.activeIndex() + 1}` : 'a run'} there`);
      return;
    }
    const chi = this.valueAt('chi1', p.w, p.b);
    const xi = this.valueAt('xiC', p.w, p.b);
    const phaseName = !isFiniteNumber(chi) ? '' : Math.abs(chi - 1) < 0.02 ? 'critical' : chi < 1 ? 'ordered' : 'chaotic';
    const text = `σw² ${formatValue(p.w, 3)} · σb² ${formatValue(p.b, 2)} · χ₁ ${formatValue(chi, 3)} ${phaseName} · ξc ${xi > 1e4 ? '∞' : formatValue(xi, 2)}`
      + ` · Enter/click: run ${this.activeIndex() + 1} here`;
    setText(this.panel.readout, text);
  }

  describe() {
    const ph = this.phase;
    if (!ph) return 'Phase diagram: not computed yet.';
    const crit = (ph.critical ?? []).filter(([w]) => Number.isFinite(w));
    const line = crit.length
      ? `The critical line runs from σw² ${formatValue(crit[0][0])} at σb² ${formatValue(crit[0][1])} to σw² ${formatValue(crit[crit.length - 1][0])} at σb² ${formatValue(crit[crit.length - 1][1])}.`
      : 'No critical line in this range.';
    const runs = (this.model?.runs ?? []).map((run, i) => {
      const d = this.dots[i];
      if (d.w == null) return `${runLabel(run)}: not placed`;
      const chi = this.valueAt('chi1', Math.min(d.w, ph.wMax), Math.min(d.b, ph.bMax));
      return `${runLabel(run)} at σw² ${formatValue(d.w)}, σb² ${formatValue(d.b)} (${chi < 1 ? 'ordered' : 'chaotic'}, χ₁ ${formatValue(chi)})`;
    });
    return `Phase diagram for ${this.model?.activation}. ${line} ${runs.join('. ')}.`;
  }

  // ---------------------------------------------------------------------------------------------
  // drawing

  draw(force) {
    const ph = this.phase;
    if (!ph || this.canvas.hidden) return;
    const { width, height } = this.panel.size;
    const dpr = devicePixelRatio || 1;
    const sig = JSON.stringify([ph.key, ph.wMax, ph.bMax, width, height, dpr, this.dots, this.activeIndex(), this.cursor,
      document.activeElement === this.canvas]);
    if (!force && sig === this.drawn) return;
    this.drawn = sig;
    const ctx = fitCanvas(this.canvas, width, height, dpr);
    const text = cssColor('--chart-ink', '#222222');
    const muted = cssColor('--chart-key', '#555c6b');
    const panelBg = cssColor('--chart-bg', '#ffffff');
    const b = this.box();

    this.drawCells(ctx, b);
    this.drawContours(ctx, b, muted, panelBg);
    this.drawCritical(ctx, b, text, panelBg);
    this.drawAxes(ctx, b, text, muted);
    this.drawRegionLabels(ctx, b, text);
    const dots = this.drawDots(ctx, b, text, panelBg);
    if (this.cursor) this.drawCursor(ctx, b, text);
    // what was drawn, in CSS pixels of the canvas (for tests and the curious)
    this.canvas.dataset.drawn = JSON.stringify({ critical: this.criticalDrawn ?? [], dots, box: b, wMax: ph.wMax, bMax: ph.bMax });
  }

  /** One pixel per grid cell on a small canvas, scaled up with smoothing: no seams between cells. */
  drawCells(ctx, b) {
    const ph = this.phase;
    if (this.cellsKey !== ph.key || !this.cells) {
      this.cellsKey = ph.key;
      const small = document.createElement('canvas');
      small.width = ph.nx;
      small.height = ph.ny;
      const sctx = small.getContext('2d');
      const img = sctx.createImageData(ph.nx, ph.ny);
      for (let j = 0; j < ph.ny; j++) {
        for (let i = 0; i < ph.nx; i++) {
          const chi = ph.chi1[j * ph.nx + i];
          const o = ((ph.ny - 1 - j) * ph.nx + i) * 4;   // row 0 of the image is the top (largest sigma_b^2)
          if (!(chi > 0)) continue;
          // strength by |ln chi_1|, saturating at a factor 4 either way
          const s = Math.min(1, Math.abs(Math.log(chi)) / Math.log(4));
          const rgb = chi < 1 ? ORDERED_RGB : CHAOTIC_RGB;
          img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2];
          img.data[o + 3] = Math.round(255 * (0.12 + 0.4 * s));
        }
      }
      sctx.putImageData(img, 0, 0);
      this.cells = small;
    }
    ctx.save();
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.cells, b.x0, b.y0, b.w, b.h);
    ctx.restore();
  }

  /** Marching squares over the cell centres, on log xi_c; one label per level. */
  drawContours(ctx, b, muted, panelBg) {
    const ph = this.phase;
    const { nx, ny } = ph;
    const val = (i, j) => {
      const v = ph.xiC[j * nx + i];
      return Number.isNaN(v) ? NaN : Math.log(Math.min(Math.max(v, 1e-6), 1e6));
    };
    const X = (i) => b.x0 + ((i + 0.5) / nx) * b.w;
    const Y = (j) => b.y0 + b.h - ((j + 0.5) / ny) * b.h;
    ctx.save();
    ctx.strokeStyle = muted;
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    ctx.font = '10px system-ui, sans-serif';
    const labels = [];
    for (const level of XI_LEVELS) {
      const L = Math.log(level);
      let best = null;
      ctx.beginPath();
      for (let j = 0; j < ny - 1; j++) {
        for (let i = 0; i < nx - 1; i++) {
          const a = val(i, j); const b1 = val(i + 1, j); const c = val(i + 1, j + 1); const d = val(i, j + 1);
          if ([a, b1, c, d].some(Number.isNaN)) continue;
          const pts = [];
          const edge = (v0, v1, x0, y0, x1, y1) => {
            if ((v0 < L) !== (v1 < L)) {
              const t = (L - v0) / (v1 - v0);
              pts.push([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]);
            }
          };
          edge(a, b1, X(i), Y(j), X(i + 1), Y(j));
          edge(b1, c, X(i + 1), Y(j), X(i + 1), Y(j + 1));
          edge(c, d, X(i + 1), Y(j + 1), X(i), Y(j + 1));
          edge(d, a, X(i), Y(j + 1), X(i), Y(j));
          for (let k = 0; k + 1 < pts.length; k += 2) {
            ctx.moveTo(pts[k][0], pts[k][1]);
            ctx.lineTo(pts[k + 1][0], pts[k + 1][1]);
            // label where the contour is furthest from the critical line's side, near the top
            const score = -pts[k][1];
            if (!best || score > best.score) best = { score, x: pts[k][0], y: pts[k][1] };
          }
        }
      }
      ctx.stroke();
      if (best) labels.push({ text: `ξc ${level}`, x: best.x, y: best.y });
    }
    ctx.setLineDash([]);
    // labels after the lines, on a panel-coloured backing, skipping any that would collide with
    // another or with the region labels in the top-left and bottom-right corners
    const placed = this.regionBoxes(b);
    const overlaps = (r) => placed.some((p) => r.x < p.x + p.w && p.x < r.x + r.w && r.y < p.y + p.h && p.y < r.y + r.h);
    for (const l of labels) {
      const w = ctx.measureText(l.text).width + 4;
      const x = Math.min(b.x0 + b.w - w, Math.max(b.x0, l.x - w / 2));
      const y = Math.max(b.y0 + 10, l.y + 12);
      const box = { x, y: y - 9, w, h: 12 };
      if (overlaps(box)) continue;
      placed.push(box);
      ctx.fillStyle = withAlpha(panelBg, 0.8);
      ctx.fillRect(x, y - 9, w, 12);
      ctx.fillStyle = muted;
      ctx.fillText(l.text, x + 2, y);
    }
    ctx.restore();
  }

  drawCritical(ctx, b, text, panelBg) {
    this.criticalDrawn = [];
    const pts = (this.phase.critical ?? []).filter(([w, v]) => Number.isFinite(w) && w <= this.phase.wMax && v <= this.phase.bMax);
    this.criticalDrawn = pts.map(([w, v]) => [this.px(w), this.py(v)]);
    if (!pts.length) return;
    ctx.save();
    ctx.lineJoin = 'round';
    ctx.strokeStyle = panelBg;   // a halo so the line reads over any shade
    ctx.lineWidth = 5;
    const path = () => {
      ctx.beginPath();
      pts.forEach(([w, v], k) => (k ? ctx.lineTo(this.px(w), this.py(v)) : ctx.moveTo(this.px(w), this.py(v))));
    };
    path(); ctx.stroke();
    ctx.strokeStyle = text;
    ctx.lineWidth = 2.25;
    path(); ctx.stroke();
    ctx.restore();
  }

  drawAxes(ctx, b, text, muted) {
    const ph = this.phase;
    ctx.save();
    ctx.strokeStyle = muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(b.x0 + 0.5, b.y0 + 0.5, b.w, b.h);
    ctx.fillStyle = text;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xt = niceTicks(ph.wMax, Math.max(2, Math.floor(b.w / 50)));
    for (const t of xt) {
      const x = this.px(t);
      ctx.beginPath(); ctx.moveTo(x, b.y0 + b.h); ctx.lineTo(x, b.y0 + b.h + 4); ctx.stroke();
      ctx.fillText(formatValue(t, 3), x, b.y0 + b.h + 5);
    }
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('σw² = fan_in · Var[w]', b.x0 + b.w / 2, b.y0 + b.h + 19);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const yt = niceTicks(ph.bMax, Math.max(2, Math.floor(b.h / 30)));
    for (const t of yt) {
      const y = this.py(t);
      ctx.beginPath(); ctx.moveTo(b.x0 - 4, y); ctx.lineTo(b.x0, y); ctx.stroke();
      ctx.fillText(formatValue(t, 3), b.x0 - 6, y);
    }
    ctx.translate(11, b.y0 + b.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('σb² = Var[b]', 0, 0);
    ctx.restore();
  }

  /** Where drawRegionLabels writes (an estimate: 12px bold text, ~105px wide). */
  regionBoxes(b) {
    const ph = this.phase;
    const out = [];
    if (ph.chi1[(ph.ny - 1) * ph.nx] < 1) out.push({ x: b.x0 + 4, y: b.y0 + 3, w: 110, h: 17 });
    if (ph.chi1[ph.nx - 1] > 1) out.push({ x: b.x0 + b.w - 114, y: b.y0 + b.h - 20, w: 110, h: 17 });
    return out;
  }

  drawRegionLabels(ctx, b, text) {
    const ph = this.phase;
    ctx.save();
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.fillStyle = text;
    ctx.textBaseline = 'top';
    const topLeft = ph.chi1[(ph.ny - 1) * ph.nx];
    const bottomRight = ph.chi1[ph.nx - 1];
    if (topLeft < 1) { ctx.textAlign = 'left'; ctx.fillText('ordered  χ₁ < 1', b.x0 + 6, b.y0 + 5); }
    if (bottomRight > 1) {
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText('chaotic  χ₁ > 1', b.x0 + b.w - 6, b.y0 + b.h - 5);
    }
    ctx.restore();
  }

  drawDots(ctx, b, text, panelBg) {
    const ph = this.phase;
    const ai = this.activeIndex();
    const drawn = [];
    ctx.save();
    this.dots.forEach((d, i) => {
      if (d.w == null) return;
      const out = d.w > ph.wMax || d.b > ph.bMax;
      const x = this.px(Math.min(d.w, ph.wMax));
      const y = this.py(Math.min(d.b, ph.bMax));
      // runs at the same place fan out a little so each stays visible
      const same = this.dots.slice(0, i).filter((o) => o.w != null && Math.abs(this.px(Math.min(o.w, ph.wMax)) - x) < 6 && Math.abs(this.py(Math.min(o.b, ph.bMax)) - y) < 6).length;
      const dx = same * 7;
      const r = i === ai ? 7 : 5.5;
      drawn.push({ run: i, x: x + dx, y, out });
      ctx.beginPath();
      if (out) {
        // off the plane: a triangle on the edge, pointing out
        ctx.moveTo(x + dx - r, y - r); ctx.lineTo(x + dx + r, y); ctx.lineTo(x + dx - r, y + r); ctx.closePath();
      } else {
        ctx.arc(x + dx, y, r, 0, 2 * Math.PI);
      }
      ctx.fillStyle = d.color;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = panelBg;
      ctx.stroke();
      if (i === ai) {
        ctx.beginPath();
        ctx.arc(x + dx, y, r + 3, 0, 2 * Math.PI);
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = text;
        ctx.stroke();
      }
    });
    ctx.restore();
    return drawn;
  }

  drawCursor(ctx, b, text) {
    const x = this.px(this.cursor.w);
    const y = this.py(this.cursor.b);
    ctx.save();
    ctx.strokeStyle = text;
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 2]);
    ctx.beginPath();
    ctx.moveTo(x, b.y0); ctx.lineTo(x, b.y0 + b.h);
    ctx.moveTo(b.x0, y); ctx.lineTo(b.x0 + b.w, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeRect(x - 4, y - 4, 8, 8);
    ctx.restore();
  }

  resize() { this.panel.measure(); }   // redraws via onResize, in its own task
  reset() { this.drawn = ''; }
  destroy() { this.panel.destroy(); }
}

/** 0 and round steps (1, 2, 2.5, 5 x 10^k) up to max, at most n of them. */
function niceTicks(max, n) {
  const raw = max / Math.max(1, n);
  const k = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * k).find((s) => s >= raw) ?? 10 * k;
  const out = [];
  for (let v = 0; v <= max * (1 + 1e-9); v += step) out.push(Number(v.toPrecision(6)));
  return out;
}
