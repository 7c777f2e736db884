// Sweep view: a heatmap of one number (accuracy or loss after K updates) over a grid of
// configurations, one or two fields varied around the page's current experiment (the base is
// the first compared run's config). Cells are computed in a pool of Web Workers (sweep-pool.js),
// coarse to fine, so the picture sharpens while it fills: a cell not computed yet is painted,
// faded, with the nearest computed cell of a coarser level.
//
// Hover shows a cell's numbers; a click opens its configuration as runs (options.onOpenCell).
// For weightVar x depth with mean_field init the mean-field overlay is drawn: the critical
// weightVar (chi_1 = 1) and 6 xi_c over weightVar (Schoenholz et al. 2017, trainable where
// depth < ~6 xi_c), from the engine's theory module; without it (options.theory returns null)
// there is no overlay. Exports: the grid as CSV/JSON in the CLI's formats, the heatmap as PNG.
//
// Plain <canvas>, no chart library. The grid module (sweep-grid.js) has no DOM and is tested
// in Node against the CLI.

import {
  NUMERIC_FIELDS, CATEGORICAL_FIELDS, taskCount, taskConfig, cellCount,
  cellConfig, axisIndex, summarize, progressiveOrder, sweepCSV, sweepJSON, cliCommand,
} from '../sweep-grid.js';
import { SweepPool, defaultPoolSize } from '../sweep-pool.js';
import { buildSweep, previewSweep } from '../sweep-preview.js';
import { Panel, h, setText, formatValue, AXIS_STROKE, GRID_STROKE } from './common.js';
import { cssColor } from '../theme.js';

const METRICS = [
  ['testAccuracy', 'test accuracy'], ['trainAccuracy', 'train accuracy'],
  ['trainLoss', 'train loss'], ['testLoss', 'test loss'],
];
const MARGIN = { left: 58, right: 70, top: 10, bottom: 40 };
const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const DIVERGED = '#5b1a1a';
const THEORY = '#ff3b6b';
// viridis, 7 stops (matplotlib's), interpolated in sRGB
const VIRIDIS = [[68, 1, 84], [68, 57, 131], [49, 104, 142], [33, 145, 140], [53, 183, 121],
  [144, 215, 67], [253, 231, 37]];

const DEFAULT_SETTINGS = {
  xField: 'learningRate', xSpec: '0.003,0.01,0.03,0.1,0.3,1',
  yField: 'depth', ySpec: '2:20:10',
  steps: 200, seeds: 1, metric: 'testAccuracy',
};

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + (VIRIDIS[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function option(value, label = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function formatDuration(ms) {
  if (!Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export class SweepView {
  /**
   * options: getBase() -> the engine config the sweep varies; onOpenCell(config); notify(text);
   * embedded (true: one worker); save(blob, name); theory(query) -> Promise<overlay | null>
   * (defaults to the pool's engine, see sweep-worker.js).
   */
  constructor(container, options = {}) {
    this.options = options;
    this.container = container;
    this.settings = { ...DEFAULT_SETTINGS };
    this.pool = null;
    this.job = null;
    this.sweep = null;        // the sweep shown: { base, axes, steps, seeds }
    this.results = [];        // by task
    this.summaries = [];      // by cell, once all its seeds are in
    this.done = 0;
    this.startedAt = 0;
    this.finishedAt = 0;
    this.hover = -1;
    this.overlay = null;      // { critical, weightVars, xiC } in data units
    this.preview = null;      // the sweep the settings describe, drawn empty before start()
    this.overlays = new Map(); // overlay query -> { latest, promise }: computed once, a preview's reused by start()
    this.drawPending = false;

    this.form = this.#buildForm();
    container.append(this.form);
    this.panel = new Panel(container, { kind: 'sweep', title: 'Sweep' });
    this.canvas = h('canvas', 'iv-sweep-canvas');
    this.tip = h('div', 'iv-sweep-tip');
    this.tip.hidden = true;
    this.panel.inner.append(this.canvas, this.tip);
    this.panel.onResize = () => this.#scheduleDraw();
    this.canvas.addEventListener('mousemove', (e) => this.#onHover(e));
    this.canvas.addEventListener('mouseleave', () => { this.hover = -1; this.tip.hidden = true; this.#scheduleDraw(); });
    this.canvas.addEventListener('click', (e) => this.#onClick(e));
    this.#renderIdle();
  }

  // -------------------------------------------------------------------------------------------
  // the settings row

  #buildForm() {
    const form = h('form', 'sweep-form');
    form.noValidate = true;
    form.autocomplete = 'off';
    const fields = [...NUMERIC_FIELDS, ...CATEGORICAL_FIELDS];
    const axisRow = (name, label, allowNone) => {
      const wrap = h('div', 'sweep-axis');
      const l = h('label', null, label);
      const select = document.createElement('select');
      select.id = `sweep-${name}-field`;
      select.setAttribute('aria-label', `${label} field`);
      if (allowNone) select.append(option('', 'none'));
      for (const f of fields) select.append(option(f));
      const input = document.createElement('input');
      input.id = `sweep-${name}-spec`;
      input.spellcheck = false;
      input.setAttribute('aria-label', `${label} values: START:STOP:COUNT or A,B,C`);
      input.title = 'START:STOP:COUNT (inclusive, evenly spaced) or a list A,B,C';
      l.htmlFor = select.id;
      wrap.append(l, select, h('span', 'sweep-eq', '='), input);
      return { wrap, select, input };
    };
    this.x = axisRow('x', 'x', false);
    this.y = axisRow('y', 'y', true);
    const num = (id, label, title) => {
      const wrap = h('div', 'sweep-num');
      const l = h('label', null, label);
      const input = document.createElement('input');
      input.id = id;
      input.inputMode = 'numeric';
      input.title = title;
      l.htmlFor = id;
      wrap.append(l, input);
      return { wrap, input };
    };
    this.steps = num('sweep-steps', 'Steps', 'updates per cell, 0..100000');
    this.seeds = num('sweep-seeds', 'Seeds', 'runs per cell (seed, seed + 1, ...), 1..100');
    const metricWrap = h('div', 'sweep-num');
    const ml = h('label', null, 'Colour');
    this.metric = document.createElement('select');
    this.metric.id = 'sweep-metric';
    ml.htmlFor = this.metric.id;
    for (const [v, l] of METRICS) this.metric.append(option(v, l));
    metricWrap.append(ml, this.metric);
    this.metric.addEventListener('change', () => { this.settings.metric = this.metric.value; this.#scheduleDraw(); this.options.onSettings?.(); });

    this.startButton = h('button', 'primary', 'Start sweep');
    this.startButton.type = 'submit';
    this.startButton.id = 'b-sweep-start';
    this.cancelButton = h('button', null, 'Cancel');
    this.cancelButton.type = 'button';
    this.cancelButton.id = 'b-sweep-cancel';
    this.cancelButton.disabled = true;
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.progress = document.createElement('progress');
    this.progress.id = 'sweep-progress';
    this.progress.max = 1;
    this.progress.value = 0;
    this.status = h('output', 'sweep-status', '');
    this.status.id = 'sweep-status';
    this.error = h('p', 'error sweep-error', '');

    const exportWrap = h('div', 'sweep-export');
    for (const [what, label] of [['csv', 'CSV'], ['json', 'JSON'], ['png', 'PNG']]) {
      const b = h('button', 'small', label);
      b.type = 'button';
      b.id = `b-sweep-${what}`;
      b.title = what === 'png' ? 'Save the heatmap as a PNG image' : `Save the grid as ${label} (the CLI's format)`;
      b.addEventListener('click', () => this.export(what));
      exportWrap.append(b);
    }
    this.command = h('code', 'sweep-command', '');
    this.command.title = 'The same sweep with the native CLI (same numbers, all cores)';

    const row1 = h('div', 'sweep-row');
    row1.append(this.x.wrap, this.y.wrap, this.steps.wrap, this.seeds.wrap, metricWrap);
    const row2 = h('div', 'sweep-row');
    row2.append(this.startButton, this.cancelButton, this.progress, this.status, h('span', 'spacer'), exportWrap);
    form.append(row1, row2, this.error, this.command);
    form.addEventListener('change', () => this.refreshPreview());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.start();
    });
    this.#writeForm();
    return form;
  }

  #writeForm() {
    const s = this.settings;
    this.x.select.value = s.xField;
    this.x.input.value = s.xSpec;
    this.y.select.value = s.yField;
    this.y.input.value = s.ySpec;
    this.y.input.disabled = !s.yField;
    this.steps.input.value = String(s.steps);
    this.seeds.input.value = String(s.seeds);
    this.metric.value = s.metric;
    this.y.select.onchange = () => { this.y.input.disabled = !this.y.select.value; };
  }

  #readForm() {
    const intIn = (input, field, lo, hi) => {
      const t = input.value.trim();
      const v = Number(t);
      if (t === '' || !Number.isInteger(v) || v < lo || v > hi) throw new Error(`invalid ${field} = ${JSON.stringify(t)}: expected an integer in ${lo}..${hi}`);
      return v;
    };
    return {
      xField: this.x.select.value, xSpec: this.x.input.value.trim(),
      yField: this.y.select.value, ySpec: this.y.input.value.trim(),
      steps: intIn(this.steps.input, 'steps', 0, 100000),
      seeds: intIn(this.seeds.input, 'seeds', 1, 100),
      metric: this.metric.value,
    };
  }

  /** Sets the axes etc. (a preset); `start` begins computing at once. */
  configure(settings, { start = false } = {}) {
    // `fixed`: config fields the sweep sets on top of the page's experiment (a preset's biasVar)
    this.settings = { ...this.settings, fixed: {}, ...settings };
    this.#writeForm();
    if (start) this.start();
    else this.refreshPreview();
  }

  /** Until a sweep is started: draw the one the settings describe (axes, empty cells, overlay). */
  refreshPreview() {
    if (this.sweep) return;
    let settings = null;
    try {
      settings = { ...this.#readForm(), fixed: this.settings.fixed ?? {} };
    } catch {
      settings = null;
    }
    const preview = settings && previewSweep(settings, this.options.getBase());
    this.preview = preview;
    setText(this.command, preview ? `$ ${cliCommand(preview)}` : '');
    if (preview) {
      if (!this.pool) this.pool = new SweepPool({ size: defaultPoolSize(!!this.options.embedded) });
      this.overlay = null;
      this.#requestOverlay(preview);
    }
    this.#scheduleDraw();
    this.options.onSettings?.();
  }

  /** What the view shows, for the page's intro (intro.js), or null before any valid settings. */
  describe() {
    const sweep = this.sweep ?? this.preview;
    if (!sweep) return null;
    const [x, y] = sweep.axes;
    return {
      axes: sweep.axes.map((a) => ({ field: a.field, labels: a.labels })), cells: cellCount(sweep),
      steps: sweep.steps, seeds: sweep.seeds,
      metric: METRICS.find(([m]) => m === this.settings.metric)?.[1] ?? this.settings.metric,
      activation: sweep.base.activation, init: sweep.base.init,
      overlay: x.field === 'weightVar' && y?.field === 'depth' && sweep.base.init === 'mean_field',
      started: !!this.sweep,
    };
  }

  // -------------------------------------------------------------------------------------------
  // computing

  start() {
    setText(this.error, '');
    let sweep;
    try {
      const s = { ...this.#readForm(), fixed: this.settings.fixed ?? {} };
      this.settings = s;
      sweep = buildSweep(s, this.options.getBase());
    } catch (e) {
      setText(this.error, e.message);
      return false;
    }
    this.cancel();
    if (!this.pool) this.pool = new SweepPool({ size: defaultPoolSize(!!this.options.embedded) });
    this.sweep = sweep;
    this.results = new Array(taskCount(sweep)).fill(null);
    this.summaries = new Array(cellCount(sweep)).fill(null);
    this.done = 0;
    this.startedAt = performance.now();
    this.finishedAt = 0;
    this.overlay = null;
    this.running = true;
    this.#requestOverlay(sweep);
    const nx = sweep.axes[0].values.length;
    const ny = sweep.axes[1] ? sweep.axes[1].values.length : 1;
    const tasks = [];
    for (const cell of progressiveOrder(nx, ny)) for (let s = 0; s < sweep.seeds; s++) tasks.push(cell * sweep.seeds + s);
    this.job = this.pool.start({
      tasks,
      taskConfig: (t) => taskConfig(sweep, t),
      steps: sweep.steps,
      onResult: (t, r) => this.#onResult(sweep, t, r),
      onDone: () => this.#finish(sweep),
      onError: (e) => {
        setText(this.error, e.message);
        this.#stopped();
      },
    });
    setText(this.command, `$ ${cliCommand(sweep)}`);
    this.startButton.textContent = 'Restart';
    this.cancelButton.disabled = false;
    this.container.dataset.state = 'running';
    this.#scheduleDraw();
    this.options.onSettings?.();
    return true;
  }

  cancel() {
    if (!this.job) return;
    this.job.cancel();
    this.job = null;
    this.#stopped();
    if (this.sweep) this.container.dataset.state = 'cancelled';
    this.#scheduleDraw();
  }

  #stopped() {
    this.running = false;
    this.cancelButton.disabled = true;
    this.#status();
  }

  #onResult(sweep, task, result) {
    if (sweep !== this.sweep) return;
    this.results[task] = result;
    this.done++;
    const cell = Math.floor(task / sweep.seeds);
    const runs = this.results.slice(cell * sweep.seeds, (cell + 1) * sweep.seeds);
    if (runs.every(Boolean)) this.summaries[cell] = summarize(runs);
    this.container.dataset.done = String(this.done);
    this.#scheduleDraw();
  }

  #finish(sweep) {
    if (sweep !== this.sweep) return;
    this.job = null;
    this.finishedAt = performance.now();
    this.#stopped();
    this.container.dataset.state = 'done';
    this.#scheduleDraw();
  }

  #status() {
    const sweep = this.sweep;
    if (!sweep) return;
    const total = this.results.length;
    this.progress.max = total;
    this.progress.value = this.done;
    const cells = cellCount(sweep);
    const cellsDone = this.summaries.filter(Boolean).length;
    let text = `${cellsDone} / ${cells} cells`;
    if (this.running && this.done > 0) {
      const elapsed = performance.now() - this.startedAt;
      text += ` · about ${formatDuration((elapsed / this.done) * (total - this.done))} left`;
    } else if (this.finishedAt) {
      const secs = (this.finishedAt - this.startedAt) / 1000;
      text += ` · ${formatDuration(this.finishedAt - this.startedAt)} (${(cells / Math.max(secs, 1e-3)).toFixed(1)} cells/s, ${this.pool.size} workers)`;
    } else if (!this.running) {
      text += ' · cancelled';
    }
    setText(this.status, text);
  }

  async #requestOverlay(sweep) {
    const [x, y] = sweep.axes;
    if (!(x.field === 'weightVar' && y && y.field === 'depth' && sweep.base.init === 'mean_field')) return;
    // the axis values and two points between each pair: the curve bends where the cells change
    const weightVars = [];
    x.values.forEach((w, i) => {
      weightVars.push(w);
      const next = x.values[i + 1];
      if (next !== undefined) weightVars.push(w + (next - w) / 3, w + (2 * (next - w)) / 3);
    });
    const query = { activation: sweep.base.activation, leakySlope: sweep.base.leakySlope ?? 0.01, biasVar: sweep.base.biasVar ?? 0, weightVars };
    // One computation per query: a preview's overlay (asked for when a preset opens) goes on
    // serving the sweep started from it, finished or still arriving point by point.
    const key = JSON.stringify(query);
    sweep.overlayKey = key;
    const shown = () => (this.sweep ?? this.preview)?.overlayKey === key;
    const show = (o) => {
      if (!shown()) return;
      this.overlay = o;
      this.container.dataset.overlay = o ? 'shown' : 'none';
      this.#scheduleDraw();
    };
    let entry = this.options.theory ? null : this.overlays.get(key);
    if (!entry) {
      entry = { latest: null, promise: null };
      const partial = (o) => {
        entry.latest = { ...o, xiC: o.xiC.slice() };
        show(entry.latest);
      };
      const source = this.options.theory ?? ((q) => this.pool.theory(q, partial));
      entry.promise = Promise.resolve().then(() => source(query)).catch(() => null);
      if (!this.options.theory) this.overlays.set(key, entry);
    } else if (entry.latest) {
      show(entry.latest);
    }
    const overlay = await entry.promise;
    if (!overlay && this.overlays.get(key) === entry) this.overlays.delete(key);   // none, or abandoned
    show(overlay);
  }

  // -------------------------------------------------------------------------------------------
  // drawing (at most once per animation frame, however many results arrive)

  #scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  #renderIdle() {
    setText(this.panel.sub, 'press Start sweep');
    this.#scheduleDraw();
  }

  #geometry() {
    const { width, height } = this.panel.size;
    const sweep = this.sweep ?? this.preview;
    const nx = sweep ? sweep.axes[0].values.length : 1;
    const ny = sweep && sweep.axes[1] ? sweep.axes[1].values.length : 1;
    const pw = Math.max(10, width - MARGIN.left - MARGIN.right);
    const ph = Math.max(10, height - MARGIN.top - MARGIN.bottom);
    return { width, height, nx, ny, left: MARGIN.left, top: MARGIN.top, pw, ph, cw: pw / nx, ch: ph / ny };
  }

  /** The metric's colour domain: accuracy from chance to 1, a loss over the computed values (log). */
  #domain() {
    const m = this.settings.metric;
    if (m.endsWith('Accuracy')) {
      const classes = (this.sweep ?? this.preview)?.base.classes || 2;
      return { lo: 1 / classes, hi: 1, log: false };
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.summaries) {
      const v = s?.[m];
      if (Number.isFinite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    if (!(lo < hi)) { lo = Number.isFinite(lo) ? lo / 2 : 0.1; hi = Number.isFinite(hi) ? hi * 2 : 10; }
    return { lo, hi, log: true };
  }

  #color(v, d) {
    if (!Number.isFinite(v)) return DIVERGED;
    const t = d.log ? (Math.log(v) - Math.log(d.lo)) / (Math.log(d.hi) - Math.log(d.lo)) : (v - d.lo) / (d.hi - d.lo);
    // losses: low is good, drawn bright like a high accuracy
    return viridis(d.log ? 1 - t : t);
  }

  /** The cell whose value paints cell (ix, iy): itself, else the nearest computed coarser one. */
  #painter(ix, iy, nx) {
    if (this.summaries[iy * nx + ix]) return { s: this.summaries[iy * nx + ix], exact: true };
    for (let stride = 2; stride < 2 * Math.max(nx, this.summaries.length / nx); stride *= 2) {
      const c = Math.floor(iy / stride) * stride * nx + Math.floor(ix / stride) * stride;
      if (this.summaries[c]) return { s: this.summaries[c], exact: false };
    }
    return null;
  }

  draw() {
    const g = this.#geometry();
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
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
    this.#status();
    const sweep = this.sweep ?? this.preview;
    if (!sweep) return;
    const [xa, ya] = sweep.axes;
    const metricLabel = METRICS.find(([m]) => m === this.settings.metric)[1];
    setText(this.panel.title, `Sweep: ${metricLabel} after ${sweep.steps} updates`);
    setText(this.panel.sub, `${sweep.base.activation} · ${sweep.base.init} · ${sweep.seeds} seed${sweep.seeds > 1 ? 's' : ''}` +
      (sweep === this.preview ? ` · ${cellCount(sweep)} cells, press Start sweep` : ''));
    const d = this.#domain();

    // cells; y grows upwards (depth up, as in the papers' phase diagrams)
    for (let iy = 0; iy < g.ny; iy++) {
      for (let ix = 0; ix < g.nx; ix++) {
        const p = this.#painter(ix, iy, g.nx);
        const x0 = g.left + ix * g.cw;
        const y0 = g.top + (g.ny - 1 - iy) * g.ch;
        if (!p) {
          ctx.fillStyle = GRID_STROKE();   // not computed yet: an empty cell, outlined below
        } else {
          ctx.globalAlpha = p.exact ? 1 : 0.45;
          ctx.fillStyle = p.s.diverged === sweep.seeds ? DIVERGED : this.#color(p.s[this.settings.metric], d);
        }
        ctx.fillRect(x0, y0, Math.ceil(g.cw), Math.ceil(g.ch));
        ctx.globalAlpha = 1;
        if (!p) {
          ctx.strokeStyle = cssColor('--chart-frame', '#888888');
          ctx.lineWidth = 0.5;
          ctx.strokeRect(x0 + 0.5, y0 + 0.5, g.cw - 1, g.ch - 1);
        }
        const s = this.summaries[iy * g.nx + ix];
        if (s && s.diverged > 0 && s.diverged < sweep.seeds) {   // some seeds diverged: a corner mark
          ctx.fillStyle = '#e0443e';
          ctx.fillRect(x0 + g.cw - 5, y0 + 1, 4, 4);
        }
      }
    }
    if (this.hover >= 0) {
      const ix = this.hover % g.nx;
      const iy = Math.floor(this.hover / g.nx);
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 2;
      ctx.strokeRect(g.left + ix * g.cw + 1, g.top + (g.ny - 1 - iy) * g.ch + 1, g.cw - 2, g.ch - 2);
    }
    this.#drawAxes(ctx, g, xa, ya);
    this.#drawOverlay(ctx, g, xa, ya);
    this.#drawColorbar(ctx, g, d, metricLabel);
    this.panel.summary(() => this.#summaryText());
  }

  #drawAxes(ctx, g, xa, ya) {
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
  static #toPixel(values, v, start, size) {
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

  #drawOverlay(ctx, g, xa, ya) {
    const o = this.overlay;
    if (!o || !ya) return;
    const px = (w) => SweepView.#toPixel(xa.values, w, g.left, g.cw);
    // y cells are drawn bottom-up: index i has its centre at top + ph - (i + 0.5) ch
    const py = (depth) => {
      const p = SweepView.#toPixel(ya.values, depth, 0, g.ch);
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

  #drawColorbar(ctx, g, d, label) {
    const x = g.left + g.pw + 12;
    const w = 12;
    for (let i = 0; i < g.ph; i++) {
      const t = 1 - i / g.ph;
      const v = d.log ? Math.exp(Math.log(d.lo) + t * (Math.log(d.hi) - Math.log(d.lo))) : d.lo + t * (d.hi - d.lo);
      ctx.fillStyle = this.#color(v, d);
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

  #summaryText() {
    const sweep = this.sweep ?? this.preview;
    if (!sweep) return '';
    const m = this.settings.metric;
    const cells = this.summaries.filter(Boolean);
    const best = cells.reduce((a, s) => (Number.isFinite(s[m]) && (!a || (m.endsWith('Accuracy') ? s[m] > a[m] : s[m] < a[m])) ? s : a), null);
    return `Sweep of ${sweep.axes.map((a) => a.field).join(' by ')}: ${cells.length} of ${cellCount(sweep)} cells computed` +
      (best ? `, best ${m} ${formatValue(best[m])}` : '') + '.';
  }

  // -------------------------------------------------------------------------------------------
  // hover and click

  #cellAt(e) {
    if (!this.sweep) return -1;
    const g = this.#geometry();
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left - g.left;
    const y = e.clientY - r.top - g.top;
    if (x < 0 || y < 0 || x >= g.pw || y >= g.ph) return -1;
    const ix = Math.floor(x / g.cw);
    const iy = g.ny - 1 - Math.floor(y / g.ch);
    return iy * g.nx + ix;
  }

  #onHover(e) {
    const cell = this.#cellAt(e);
    if (cell !== this.hover) {
      this.hover = cell;
      this.#scheduleDraw();
    }
    if (cell < 0) {
      this.tip.hidden = true;
      return;
    }
    const sweep = this.sweep;
    const lines = sweep.axes.map((a, i) => `${a.field} = ${a.labels[axisIndex(sweep, cell, i)]}`);
    const s = this.summaries[cell];
    if (!s) {
      lines.push('not computed yet');
    } else {
      lines.push(`test accuracy ${formatValue(s.testAccuracy)} · train ${formatValue(s.trainAccuracy)}`);
      lines.push(`test loss ${formatValue(s.testLoss)} · train ${formatValue(s.trainLoss)}`);
      if (s.diverged) {
        const at = this.results.slice(cell * sweep.seeds, (cell + 1) * sweep.seeds).map((r) => r.diverged).filter((v) => v !== null);
        lines.push(`${s.diverged} of ${sweep.seeds} seed${sweep.seeds > 1 ? 's' : ''} diverged (step ${at.join(', ')})`);
      }
      lines.push('click: open as runs');
    }
    this.tip.textContent = lines.join('\n');
    this.tip.hidden = false;
    const r = this.canvas.getBoundingClientRect();
    const left = e.clientX - r.left + 14;
    this.tip.style.left = `${Math.min(left, r.width - 230)}px`;
    this.tip.style.top = `${Math.max(0, e.clientY - r.top - 10)}px`;
  }

  #onClick(e) {
    const cell = this.#cellAt(e);
    if (cell < 0 || !this.sweep) return;
    this.options.onOpenCell?.(cellConfig(this.sweep, cell));
  }

  // -------------------------------------------------------------------------------------------
  // exports

  async export(what) {
    const sweep = this.sweep;
    if (!sweep) return this.options.notify?.('nothing to save yet: start a sweep');
    const name = `initscope-sweep-${sweep.axes.map((a) => a.field).join('-')}-seed${sweep.base.seed}`;
    if (what === 'png') {
      const { panelPNG } = await import('../picture.js');
      const blob = await panelPNG(this.panel.root, { footer: cliCommand(sweep) });
      return this.options.save?.(blob, `${name}.png`);
    }
    if (this.results.some((r) => r === null)) return this.options.notify?.('the sweep is not finished: its numbers can be saved when every cell is in');
    const text = what === 'csv' ? sweepCSV(sweep, this.results) : sweepJSON(sweep, this.results);
    this.options.save?.(new Blob([text], { type: what === 'csv' ? 'text/csv' : 'application/json' }), `${name}.${what}`);
  }

  // -------------------------------------------------------------------------------------------
  // the page's view protocol

  update() {}
  resize() { this.panel.measure(); }

  /** For tests and the page's window.initscope: what is on screen, as plain data. */
  info() {
    return {
      running: !!this.running,
      done: this.done,
      tasks: this.results.length,
      cells: this.sweep ? cellCount(this.sweep) : 0,
      cellsDone: this.summaries.filter(Boolean).length,
      overlay: this.overlay,
      workers: SweepPool.live,
      poolSize: this.pool?.size ?? 0,
      pool: this.pool?.state() ?? null,
      axes: this.sweep?.axes.map((a) => ({ field: a.field, labels: a.labels })) ?? [],
      // before start: the sweep drawn empty (its cells and axes), or null
      preview: !this.sweep && this.preview ? { cells: cellCount(this.preview), axes: this.preview.axes.map((a) => ({ field: a.field, labels: a.labels })) } : null,
    };
  }

  /** Replaces where the overlay comes from (tests; a page with its own theory): fn(query) ->
   *  { critical, weightVars, xiC } | null; null restores the pool's engine. */
  setTheorySource(fn) { this.options.theory = fn ?? undefined; }

  /** The pool engine's answer for a query (null while the engine has no theory module). */
  engineTheory(query) {
    if (!this.pool) this.pool = new SweepPool({ size: defaultPoolSize(!!this.options.embedded) });
    return this.pool.theory(query);
  }

  csv() { return this.sweep && !this.results.some((r) => r === null) ? sweepCSV(this.sweep, this.results) : null; }
  memory() { return this.pool ? this.pool.memory() : Promise.resolve([]); }
}

function shortLabel(text) {
  const v = Number(text);
  return Number.isFinite(v) && text.length > 6 ? formatValue(v) : text;
}
