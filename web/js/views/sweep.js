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
// The settings row is sweep-form.js, the drawing heatmap.js (plain <canvas>, no chart library).
// The grid module (sweep/sweep-grid.js) has no DOM and is tested in Node against the CLI.

import {
  taskCount, taskConfig, cellCount, cellConfig, axisIndex, summarize, progressiveOrder,
  sweepCSV, sweepJSON, cliCommand,
} from '../sweep/sweep-grid.js';
import { SweepPool, defaultPoolSize } from '../sweep/sweep-pool.js';
import { readSweepFile } from '../sweep/sweep-file.js';
import { buildSweep, previewSweep } from '../sweep/sweep-preview.js';
import { h, setText } from './dom.js';
import { Panel } from './panel.js';
import { formatValue } from './format.js';
import { SweepForm, DEFAULT_SETTINGS } from './sweep-form.js';
import { drawHeatmap, geometry, metricLabel } from './heatmap.js';
import { drawCurves, hasCurves, bestLabels, curveCellAt } from './sweep-curves.js';

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

    this.ui = new SweepForm(this.settings, {
      start: () => this.start(),
      cancel: () => this.cancel(),
      export: (what) => this.export(what),
      metric: (m) => { this.settings.metric = m; this.#scheduleDraw(); this.options.onSettings?.(); },
      change: () => this.refreshPreview(),
      open: (file) => this.openFile(file),
    });
    this.form = this.ui.form;
    container.append(this.form);
    this.panel = new Panel(container, { kind: 'sweep', title: 'Sweep' });
    this.canvas = h('canvas', 'iv-sweep-canvas');
    this.tip = h('div', 'iv-sweep-tip');
    this.tip.hidden = true;
    this.panel.inner.append(this.canvas, this.tip);
    // Heatmap or curves (sweep-curves.js: the metric against log2 learningRate, one curve per y
    // value, the split's panels side by side). Offered when x is the learning rate; a sweep with
    // a split opens on its curves (the heatmap shows the split's first panel).
    this.display = 'heatmap';
    this.displayButton = h('button', 'iv-sweep-display', 'Curves');
    this.displayButton.type = 'button';
    this.displayButton.hidden = true;
    this.displayButton.addEventListener('click', () => this.setDisplay(this.#curvesShown(this.sweep ?? this.preview) ? 'heatmap' : 'curves'));
    this.panel.head.append(this.displayButton);
    this.panel.onResize = () => this.#scheduleDraw();
    this.canvas.addEventListener('mousemove', (e) => this.#onHover(e));
    this.canvas.addEventListener('mouseleave', () => { this.hover = -1; this.tip.hidden = true; this.#scheduleDraw(); });
    this.canvas.addEventListener('click', (e) => this.#onClick(e));
    this.#renderIdle();
  }

  /** Sets the axes etc. (a preset); `start` begins computing at once. */
  configure(settings, { start = false } = {}) {
    // `fixed`: config fields the sweep sets on top of the page's experiment (a preset's biasVar)
    // `split`: a third axis (FIELD=A,B), the grid once per value, panels side by side
    this.settings = { ...this.settings, fixed: {}, split: '', ...settings };
    this.display = this.settings.split ? 'auto' : this.display;
    this.ui.write(this.settings);
    if (start) this.start();
    else this.refreshPreview();
  }

  /** Until a sweep is started: draw the one the settings describe (axes, empty cells, overlay). */
  refreshPreview() {
    if (this.sweep) return;
    let settings = null;
    try {
      settings = { ...this.ui.read(), fixed: this.settings.fixed ?? {}, split: this.settings.split ?? '' };
    } catch {
      settings = null;
    }
    const preview = settings && previewSweep(settings, this.options.getBase());
    this.preview = preview;
    setText(this.ui.command, preview ? `$ ${cliCommand(preview)}` : '');
    if (preview) {
      if (!this.pool) this.pool = new SweepPool({ size: defaultPoolSize(!!this.options.embedded) });
      this.overlay = null;
      this.#requestOverlay(preview);
    }
    this.#scheduleDraw();
    this.options.onSettings?.();
  }

  /** What the view shows, for the page's intro (app/intro.js), or null before any valid settings. */
  describe() {
    const sweep = this.sweep ?? this.preview;
    if (!sweep) return null;
    const [x, y] = sweep.axes;
    return {
      axes: sweep.axes.map((a) => ({ field: a.field, labels: a.labels })), cells: cellCount(sweep),
      steps: sweep.steps, seeds: sweep.seeds,
      metric: metricLabel(this.settings.metric),
      activation: sweep.base.activation, init: sweep.base.init,
      overlay: x.field === 'weightVar' && y?.field === 'depth' && sweep.base.init === 'mean_field',
      started: !!this.sweep,
    };
  }

  // -------------------------------------------------------------------------------------------
  // computing

  start() {
    setText(this.ui.error, '');
    let sweep;
    try {
      const s = { ...this.ui.read(), fixed: this.settings.fixed ?? {}, split: this.settings.split ?? '' };
      this.settings = s;
      sweep = buildSweep(s, this.options.getBase());
    } catch (e) {
      setText(this.ui.error, e.message);
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
    const nz = sweep.axes[2] ? sweep.axes[2].values.length : 1;
    // With a split, each coarse-to-fine level is taken in every panel before the next level.
    for (const cell of progressiveOrder(nx, ny)) {
      for (let z = 0; z < nz; z++) for (let s = 0; s < sweep.seeds; s++) tasks.push((z * nx * ny + cell) * sweep.seeds + s);
    }
    this.job = this.pool.start({
      tasks,
      taskConfig: (t) => taskConfig(sweep, t),
      steps: sweep.steps,
      onResult: (t, r) => this.#onResult(sweep, t, r),
      onDone: () => this.#finish(sweep),
      onError: (e) => {
        setText(this.ui.error, e.message);
        this.#stopped();
      },
    });
    setText(this.ui.command, `$ ${cliCommand(sweep)}`);
    this.ui.startButton.textContent = 'Restart';
    this.ui.cancelButton.disabled = false;
    this.container.dataset.state = 'running';
    this.#scheduleDraw();
    this.options.onSettings?.();
    return true;
  }

  /**
   * Shows a sweep file (the CLI's JSON, e.g. merged from a cluster's shards) instead of a
   * computed sweep. A file that cannot be read leaves the view as it was and says why.
   */
  async openFile(file) {
    setText(this.ui.error, '');
    let loaded;
    try {
      loaded = readSweepFile(await file.text());
    } catch (e) {
      setText(this.ui.error, `${file.name}: ${e.message}`);
      this.container.dataset.fileError = e.message;
      return false;
    }
    this.cancel();
    const { sweep, results } = loaded;
    sweep.file = file.name;
    this.sweep = sweep;
    this.results = results;
    this.summaries = [];
    for (let c = 0; c < cellCount(sweep); c++) this.summaries.push(summarize(results.slice(c * sweep.seeds, (c + 1) * sweep.seeds)));
    this.done = results.length;
    this.startedAt = 0;
    this.finishedAt = 0;
    this.overlay = null;
    delete this.container.dataset.fileError;
    this.container.dataset.state = 'file';
    this.container.dataset.done = String(this.done);
    this.ui.startButton.textContent = 'Start sweep';
    // The form shows the file's axes, steps and seeds: Start sweep then computes that grid in
    // the page, around the page's experiment.
    const [x, y] = sweep.axes;
    this.settings = { ...this.settings, xField: x.field, xSpec: x.labels.join(','), yField: y?.field ?? '',
      ySpec: y ? y.labels.join(',') : '', steps: sweep.steps, seeds: sweep.seeds, fixed: {},
      split: sweep.axes[2] ? `${sweep.axes[2].field}=${sweep.axes[2].labels.join(',')}` : '' };
    this.ui.write(this.settings);
    setText(this.ui.command, `$ ${cliCommand(sweep)}`);
    if (!this.pool) this.pool = new SweepPool({ size: defaultPoolSize(!!this.options.embedded) });
    this.#requestOverlay(sweep);
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
    this.ui.cancelButton.disabled = true;
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
    this.ui.progress.max = total;
    this.ui.progress.value = this.done;
    const cells = cellCount(sweep);
    const cellsDone = this.summaries.filter(Boolean).length;
    let text = `${cellsDone} / ${cells} cells`;
    if (sweep.file) {
      text += ` · from ${sweep.file}`;
    } else if (this.running && this.done > 0) {
      const elapsed = performance.now() - this.startedAt;
      text += ` · about ${formatDuration((elapsed / this.done) * (total - this.done))} left`;
    } else if (this.finishedAt) {
      const secs = (this.finishedAt - this.startedAt) / 1000;
      text += ` · ${formatDuration(this.finishedAt - this.startedAt)} (${(cells / Math.max(secs, 1e-3)).toFixed(1)} cells/s, ${this.pool.size} workers)`;
    } else if (!this.running) {
      text += ' · cancelled';
    }
    setText(this.ui.status, text);
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

  draw() {
    this.#status();
    const sweep = this.sweep ?? this.preview;
    if (sweep) {
      setText(this.panel.title, `Sweep: ${metricLabel(this.settings.metric)} after ${sweep.steps} updates`);
      setText(this.panel.sub, `${sweep.base.activation} · ${sweep.base.init} · ${sweep.seeds} seed${sweep.seeds > 1 ? 's' : ''}` +
        (sweep === this.preview ? ` · ${cellCount(sweep)} cells, press Start sweep` : '') +
        (sweep.file ? ` · from the file ${sweep.file}; Start sweep computes the form's sweep instead` : ''));
    }
    const curves = this.#curvesShown(sweep);
    this.displayButton.hidden = !(sweep && sweep.axes[0].field === 'learningRate' && hasCurves(sweep));
    this.displayButton.textContent = curves ? 'Heatmap' : 'Curves';
    this.container.dataset.display = curves ? 'curves' : 'heatmap';
    if (curves) {
      drawCurves(this.canvas, this.panel.size, {
        sweep, summaries: this.summaries, metric: this.settings.metric, metricName: metricLabel(this.settings.metric),
      });
    } else {
      drawHeatmap(this.canvas, this.panel.size, {
        sweep, summaries: this.summaries, metric: this.settings.metric, hover: this.hover, overlay: this.overlay,
      });
    }
    if (sweep) this.panel.summary(() => this.#summaryText());
  }

  /** 'heatmap' or 'curves' (a sweep with a learningRate x axis; a split sweep starts on curves). */
  setDisplay(display) {
    this.display = display;
    this.hover = -1;
    this.tip.hidden = true;
    this.#scheduleDraw();
  }

  #curvesShown(sweep) {
    if (!sweep || sweep.axes[0].field !== 'learningRate' || !hasCurves(sweep)) return false;
    return this.display === 'curves' || (this.display === 'auto' && !!sweep.axes[2]);
  }

  #summaryText() {
    const sweep = this.sweep ?? this.preview;
    if (!sweep) return '';
    if (this.#curvesShown(sweep)) {
      const m = this.settings.metric;
      const parts = bestLabels(sweep, this.summaries, m).map((p) => `${p.panel ? `${p.panel}: ` : ''}` +
        p.best.map((b) => `${sweep.axes[1]?.field ?? ''} ${b.curve} best at log2 learningRate ${b.x ?? 'not computed'}` +
          (b.vertex !== null && b.vertex !== b.x ? ` (vertex ${formatValue(b.vertex, 3)})` : '')).join(', '));
      return `Curves of ${m} against log2 learningRate. ${parts.join('; ')}.`;
    }
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
    const r = this.canvas.getBoundingClientRect();
    if (this.#curvesShown(this.sweep)) {
      return curveCellAt(this.panel.size, { sweep: this.sweep, summaries: this.summaries, metric: this.settings.metric },
        e.clientX - r.left, e.clientY - r.top);
    }
    const g = geometry(this.panel.size, this.sweep);
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
      const { panelPNG } = await import('../export/picture.js');
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
      file: this.sweep?.file ?? null,  // the name of the sweep file shown (openFile), or null
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
