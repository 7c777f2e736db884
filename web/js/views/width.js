// Width view (the page's Width tab): the coordinate check of spec/parametrizations.md, mup's
// coord_check.py. For each parametrization compared (default sp vs mup), width and seed a
// network trains a few updates on one fixed batch; each layer's mean |pre-activation| (size) or
// its mean |pre(t) − pre(0)| (change) is drawn as log2 of the mean over seeds against log2
// width, one line per layer, one small panel per (parametrization, step): parametrizations side
// by side, steps down (or the other way round when that fits the space better). Each panel lists
// every layer's fitted slope (the core's least-squares fit, the CLI's `slopes`): flat (0) means
// the layer's coordinates keep their size as the net widens.
//
// The tasks run in width/width-pool.js's workers; the picture fills as they come in; the slopes
// come at the end. Downloads are width/coordcheck-doc.js's, the bytes of `initscope coordcheck`.

import { PALETTE } from '../theme/colors.js';
import { cssColor, currentTheme, themedRunColor } from '../theme/theme.js';
import { WidthPool } from '../width/width-pool.js';
import {
  PAGE_DEFAULTS, pageSpec, readWidths, coordcheckJSON, coordcheckCSV, coordcheckCommand, rowsPerTask,
} from '../width/coordcheck-doc.js';
import { h, setText, fitCanvas } from './dom.js';
import { Panel } from './panel.js';
import { superscript } from './format.js';

const PARAMETRIZATIONS = [['sp', 'SP'], ['ntk', 'NTK'], ['mup', 'μP']];
const MEASURES = [['change', 'change |pre(t) − pre(0)|'], ['size', 'size |pre(t)|']];
// Hidden layers take the palette in order (black last: the dark theme turns it to text colour);
// the logits always vermillion, the line a reader looks for first.
const LOGIT_COLOR = '#D55E00';
// On the dark panel the deep blue is the dimmest line: there sky blue goes first instead.
const HIDDEN_COLORS = PALETTE.filter((c) => c !== LOGIT_COLOR);
const HIDDEN_DARK = ['#56B4E9', ...HIDDEN_COLORS.filter((c) => c !== '#56B4E9')];
const layerColor = (l, layers) => {
  const hidden = currentTheme() === 'dark' ? HIDDEN_DARK : HIDDEN_COLORS;
  return themedRunColor(l === layers - 1 ? LOGIT_COLOR : hidden[l % hidden.length]);
};
const layerName = (l, layers) => (l === layers - 1 ? 'logits' : `layer ${l + 1}`);
const layerShort = (l, layers) => (l === layers - 1 ? 'logits' : `L${l + 1}`);
const PAD = { left: 34, right: 8, top: 6, bottom: 28 };
const CELL_MIN_HEIGHT = 190;   // a panel's least height on a phone (canvas + caption + slopes)
const STACKED = matchMedia('(max-width: 899px)');   // css/main.css's phone layout

const IDLE = 'Press Run check: each parametrization, width and seed trains a few updates on one fixed batch.';
const pLabel = (id) => (PARAMETRIZATIONS.find(([p]) => p === id) ?? [id, id])[1];
const formatSlope = (v) => (Number.isFinite(v) ? (Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2).replace('-', '\u2212')) : '\u2014');

function formatDuration(ms) {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

export class WidthView {
  /** options: save(blob, name), notify(text), poolSize, onSettings() (the settings changed). */
  constructor(container, options = {}) {
    this.options = options;
    this.container = container;
    this.settings = { ...PAGE_DEFAULTS, parametrizations: PAGE_DEFAULTS.parametrizations.slice(), widths: PAGE_DEFAULTS.widths.slice() };
    this.pool = null;
    this.job = null;
    this.defaults = null;     // engine.coordcheckDefaults(), for the command line
    this.asked = false;       // whether a worker was asked for them
    this.run = null;          // the check shown: { spec, plan, sums, counts, result, startedAt, finishedAt }
    this.#buildForm();
    this.panel = new Panel(container, { kind: 'width', title: 'Coordinate check' });
    this.grid = h('div', 'iv-width-grid');
    this.message = h('div', 'iv-message iv-width-message', IDLE);
    this.panel.inner.append(this.grid, this.message);
    this.panel.onResize = () => this.draw();
    this.cells = [];
    this.write(this.settings);
    this.#refreshCommand();
  }

  // -------------------------------------------------------------------------------------------
  // the settings row

  #buildForm() {
    const form = h('form', 'width-form sweep-form');
    form.noValidate = true;
    form.autocomplete = 'off';
    const field = (id, label, input, title) => {
      const wrap = h('div', 'sweep-num');
      const l = h('label', null, label);
      input.id = id;
      if (title) input.title = title;
      l.htmlFor = id;
      wrap.append(l, input);
      return wrap;
    };
    const text = (inputMode) => {
      const i = document.createElement('input');
      i.spellcheck = false;
      if (inputMode) i.inputMode = inputMode;
      return i;
    };
    const select = (items) => {
      const s = document.createElement('select');
      for (const [v, l] of items) {
        const o = document.createElement('option');
        o.value = v;
        o.textContent = l;
        s.append(o);
      }
      return s;
    };
    const compare = h('fieldset', 'width-compare');
    compare.append(h('legend', null, 'Compare'));
    this.pBoxes = PARAMETRIZATIONS.map(([id, label]) => {
      const l = h('label', 'toggle');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `width-p-${id}`;
      box.value = id;
      l.append(box, ` ${label}`);
      l.title = { sp: 'standard parametrization (today\u2019s default)', ntk: 'NTK parametrization: lazy training at large width', mup: 'maximal update parametrization (Yang & Hu 2021)' }[id];
      compare.append(l);
      return box;
    });
    this.measure = select(MEASURES);
    this.widths = text();
    this.depth = text('numeric');
    this.steps = text('numeric');
    this.seeds = text('numeric');
    this.activation = select(['relu', 'leaky_relu', 'tanh', 'gelu', 'selu', 'sigmoid', 'linear'].map((a) => [a, a]));
    this.optimizer = select(['sgd', 'momentum', 'adam'].map((a) => [a, a]));
    this.lr = text('decimal');
    this.seed = text('numeric');
    this.runButton = h('button', 'primary', 'Run check');
    this.runButton.type = 'submit';
    this.runButton.id = 'b-width-run';
    this.cancelButton = h('button', null, 'Cancel');
    this.cancelButton.type = 'button';
    this.cancelButton.id = 'b-width-cancel';
    this.cancelButton.disabled = true;
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.progress = document.createElement('progress');
    this.progress.id = 'width-progress';
    this.progress.max = 1;
    this.progress.value = 0;
    this.progress.setAttribute('aria-label', 'Coordinate check progress');
    this.status = h('output', 'sweep-status', '');
    this.status.id = 'width-status';
    this.status.setAttribute('aria-live', 'polite');
    this.error = h('p', 'error sweep-error', '');
    this.error.id = 'width-error';
    this.error.setAttribute('role', 'alert');
    const exportWrap = h('div', 'sweep-export');
    this.exportButtons = [['json', 'JSON'], ['csv', 'CSV']].map(([what, label]) => {
      const b = h('button', 'small', label);
      b.type = 'button';
      b.id = `b-width-${what}`;
      b.title = `Save every row as ${label}: the bytes of the command below with --format ${what}`;
      b.disabled = true;
      b.addEventListener('click', () => this.export(what));
      exportWrap.append(b);
      return b;
    });
    this.command = h('code', 'sweep-command', '');
    this.command.id = 'width-command';
    this.command.title = 'The same check with the native CLI (the same bytes; widths up to 8192)';

    const row1 = h('div', 'sweep-row');
    row1.append(compare,
      field('width-measure', 'Plot', this.measure, 'change: how far each layer moved from step 0; size: how large it is'),
      field('width-widths', 'Widths', this.widths, 'increasing hidden widths, up to 2048 (and 4,194,304 parameters)'),
      field('width-depth', 'Hidden layers', this.depth, 'hidden layers of each width, 1..8'),
      field('width-steps', 'Steps', this.steps, 'updates on the fixed batch, 1..20'),
      field('width-seeds', 'Seeds', this.seeds, 'runs per width (seed, seed + 1, ...), 1..20'));
    const row2 = h('div', 'sweep-row');
    row2.append(
      field('width-activation', 'Activation', this.activation),
      field('width-optimizer', 'Optimizer', this.optimizer),
      field('width-lr', 'Learning rate', this.lr, 'a number in (0, 10]'),
      field('width-seed', 'Seed', this.seed, 'an integer in 0..4294967295'));
    const row3 = h('div', 'sweep-row');
    row3.append(this.runButton, this.cancelButton, this.progress, this.status, h('span', 'spacer'), exportWrap);
    form.append(row1, row2, row3, this.error, this.command);
    form.addEventListener('change', (e) => {
      if (e.target === this.measure) {
        this.settings.measure = this.measure.value;
        this.draw();
      }
      this.#refreshCommand();
      this.options.onSettings?.();
    });
    form.addEventListener('input', () => this.#refreshCommand());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.start();
    });
    this.form = form;
    this.container.append(form);
  }

  /** Shows settings in the fields (a preset's, or the defaults). */
  write(s) {
    for (const box of this.pBoxes) box.checked = s.parametrizations.includes(box.value);
    this.measure.value = s.measure;
    this.widths.value = s.widths.join(',');
    this.depth.value = String(s.depth);
    this.steps.value = String(s.steps);
    this.seeds.value = String(s.seeds);
    this.activation.value = s.activation;
    this.optimizer.value = s.optimizer;
    this.lr.value = String(s.learningRate);
    this.seed.value = String(s.seed);
  }

  /** The settings the fields hold; throws naming the field when one is not allowed. */
  read() {
    const int = (input, name, lo, hi) => {
      const t = input.value.trim();
      const v = Number(t);
      if (t === '' || !Number.isInteger(v) || v < lo || v > hi) throw new Error(`invalid ${name} = ${JSON.stringify(t)}: expected an integer in ${lo}..${hi}`);
      return v;
    };
    const parametrizations = this.pBoxes.filter((b) => b.checked).map((b) => b.value);
    if (!parametrizations.length) throw new Error('invalid parametrizations = none: expected at least one of sp, ntk, mup');
    const lrText = this.lr.value.trim();
    const learningRate = Number(lrText);
    if (lrText === '' || !Number.isFinite(learningRate) || !(learningRate > 0) || learningRate > 10) throw new Error(`invalid learningRate = ${JSON.stringify(lrText)}: expected a number in (0, 10]`);
    return {
      parametrizations, measure: this.measure.value, widths: readWidths(this.widths.value),
      depth: int(this.depth, 'depth', 1, 8), steps: int(this.steps, 'steps', 1, 20), seeds: int(this.seeds, 'seeds', 1, 20),
      activation: this.activation.value, optimizer: this.optimizer.value, learningRate,
      seed: int(this.seed, 'seed', 0, 4294967295),
    };
  }

  /** Sets the fields (a preset) and, with start, runs the check at once. */
  configure(settings, { start = false } = {}) {
    this.settings = { ...PAGE_DEFAULTS, ...settings };
    this.write(this.settings);
    this.#refreshCommand();
    if (start) this.start();
  }

  #ensurePool() {
    if (!this.pool) this.pool = new WidthPool({ size: this.options.poolSize ?? 2 });
    if (!this.defaults && !this.asked) {
      this.asked = true;
      this.pool.defaults().then((d) => { this.defaults = d; this.#refreshCommand(); }, () => { this.asked = false; });
    }
  }

  #refreshCommand() {
    let settings = null;
    try {
      settings = this.read();
    } catch {
      settings = null;
    }
    const spec = settings && pageSpec(settings);
    setText(this.command, spec && this.defaults ? `$ ${coordcheckCommand(spec, this.defaults)}` : '');
  }

  /** The page calls this when the tab is first shown: start the workers (and learn the CLI defaults). */
  shown() {
    this.#ensurePool();
    this.resize();
  }

  // -------------------------------------------------------------------------------------------
  // computing

  start() {
    setText(this.error, '');
    let settings;
    try {
      settings = this.read();
    } catch (e) {
      setText(this.error, e.message);
      return false;
    }
    this.cancel({ quiet: true });
    this.settings = settings;
    this.#ensurePool();
    const spec = pageSpec(settings);
    const run = { spec, settings, plan: null, sums: null, counts: null, result: null, startedAt: performance.now(), finishedAt: 0 };
    this.run = run;
    this.#busy(true);
    setText(this.status, 'starting…');
    this.progress.value = 0;
    this.job = this.pool.run(spec, {
      onPlan: (plan) => {
        run.plan = plan;
        const n = plan.parametrizations.length * plan.widths.length * (plan.steps + 1) * plan.layers;
        run.sums = { size: new Float64Array(n), change: new Float64Array(n) };
        run.counts = new Uint16Array(plan.parametrizations.length * plan.widths.length);
        this.progress.max = plan.tasks.length;
        this.draw();
      },
      onProgress: (done, total, t, r) => {
        this.progress.value = done;
        setText(this.status, `${done} / ${total} runs · ${formatDuration(performance.now() - run.startedAt)}`);
        if (r) this.#accumulate(run, t, r);
        this.#scheduleDraw();
      },
      onDone: (result) => {
        run.result = result;
        run.finishedAt = performance.now();
        this.job = null;
        this.#busy(false);
        setText(this.status, `${result.plan.tasks.length} runs in ${formatDuration(run.finishedAt - run.startedAt)}`);
        for (const b of this.exportButtons) b.disabled = false;
        this.draw();
        this.options.onSettings?.();
      },
      onError: (e) => {
        this.job = null;
        this.#busy(false);
        if (this.run === run) this.run = null;
        setText(this.status, '');
        setText(this.error, e.message);
        this.draw();
      },
    });
    return true;
  }

  cancel({ quiet = false } = {}) {
    if (!this.job) return;
    this.job.cancel();
    this.job = null;
    if (this.run) this.run.cancelled = true;
    this.#busy(false);
    if (!quiet) {
      setText(this.status, `cancelled after ${this.progress.value} / ${this.progress.max} runs`);
      this.draw();
    }
  }

  #busy(on) {
    this.runButton.disabled = on;
    this.cancelButton.disabled = !on;
    if (on) for (const b of this.exportButtons) b.disabled = true;
  }

  #accumulate(run, t, r) {
    const plan = run.plan;
    const task = plan.tasks[t];
    const p = plan.parametrizations.indexOf(task.parametrization);
    const w = plan.widths.indexOf(task.width);
    const per = rowsPerTask(plan);
    const base = (p * plan.widths.length + w) * per;
    for (let i = 0; i < per; i++) {
      run.sums.size[base + i] += r.size[i];
      run.sums.change[base + i] += r.change[i];
    }
    run.counts[p * plan.widths.length + w]++;
  }

  export(what) {
    const r = this.run?.result;
    if (!r) return;
    const text = what === 'csv' ? coordcheckCSV(r.plan, r.size, r.change) : coordcheckJSON(r.plan, r.size, r.change, r.slopes);
    const name = `initscope-coordcheck-${r.plan.parametrizations.join('-')}-seed${r.plan.config.seed}.${what}`;
    this.options.save?.(new Blob([text], { type: what === 'csv' ? 'text/csv' : 'application/json' }), name);
  }

  /** What the check shows, for tests and the page's intro. */
  describe() {
    const r = this.run;
    return {
      settings: { ...this.settings },
      running: !!this.job,
      done: !!r?.result,
      slopes: r?.result?.slopes ?? null,
      cells: this.cells.map((c) => c.root.dataset.cell),
    };
  }

  // -------------------------------------------------------------------------------------------
  // drawing

  #scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  // The panels: one per (parametrization, step shown); change skips step 0 (always 0).
  #layout() {
    const run = this.run;
    const plan = run?.plan;
    if (!plan) return null;
    const measure = this.settings.measure;
    const steps = [];
    for (let s = measure === 'change' ? 1 : 0; s <= plan.steps; s++) steps.push(s);
    const P = plan.parametrizations.length;
    const S = steps.length;
    const { width, height } = this.panel.size;
    // parametrizations side by side (columns), steps down; or steps across when the panels would
    // come out closer to 3:2 that way (a wide screen)
    const aspect = (cols, rows) => (width / cols) / (height / rows);
    const across = !STACKED.matches && Math.abs(Math.log(aspect(S, P) / 1.5)) < Math.abs(Math.log(aspect(P, S) / 1.5));
    const cols = across ? S : P;
    const rows = across ? P : S;
    return { plan, measure, steps, cols, rows, across };
  }

  draw() {
    const layout = this.#layout();
    const run = this.run;
    this.message.hidden = !!layout;
    this.grid.hidden = !layout;
    if (!layout) {
      setText(this.message, run ? 'Starting the workers\u2026' : IDLE);
      this.cells.forEach((c) => c.root.remove());
      this.cells = [];
      setText(this.panel.sub, '');
      this.panel.setLegend([]);
      setText(this.panel.readout, '');
      return;
    }
    const { plan, measure, steps, cols, rows, across } = layout;
    const L = plan.layers;
    // In the stacked (phone) layout the page scrolls: the plot is as tall as its panels need.
    // (Not from the measured height: a min-height removed once it fits would shrink it again.)
    this.panel.plot.style.minHeight = STACKED.matches ? `${rows * CELL_MIN_HEIGHT}px` : '';
    setText(this.panel.sub, `log\u2082 mean ${measure === 'change' ? '|pre(t) \u2212 pre(0)|' : '|pre(t)|'} against log\u2082 width, mean over ${plan.seeds} seed${plan.seeds > 1 ? 's' : ''}`);
    this.panel.setLegend(Array.from({ length: L }, (_, l) => ({ color: layerColor(l, L), label: layerName(l, L) })));
    setText(this.panel.readout, run.result ? 'slope: 0 = flat, 1 = grows like the width'
      : run.cancelled ? 'cancelled: the means of the runs that finished, no slopes' : 'slopes when every run is in');

    // every panel on one y range, so sp and mup compare at a glance
    const values = run.result ? this.#means(run, measure) : this.#partialMeans(run, measure);
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of steps) {
      for (let p = 0; p < plan.parametrizations.length; p++) {
        for (let w = 0; w < plan.widths.length; w++) {
          for (let l = 0; l < L; l++) {
            const v = values(p, w, s, l);
            if (v > 0 && Number.isFinite(v)) {
              const y = Math.log2(v);
              lo = Math.min(lo, y);
              hi = Math.max(hi, y);
            }
          }
        }
      }
    }
    if (!(hi >= lo)) { lo = -1; hi = 1; }
    lo = Math.floor(lo - 0.25);
    hi = Math.ceil(hi + 0.25);

    const wanted = [];
    for (let p = 0; p < plan.parametrizations.length; p++) for (const s of steps) wanted.push({ p, s });
    const keys = wanted.map(({ p, s }) => `${plan.parametrizations[p]}|${s}`);
    if (this.cells.map((c) => c.key).join() !== keys.join()) {
      this.cells.forEach((c) => c.root.remove());
      this.cells = wanted.map(({ p, s }, i) => this.#cell(keys[i], plan.parametrizations[p], s));
      this.grid.append(...this.cells.map((c) => c.root));
    }
    this.grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
    this.grid.style.gridTemplateRows = `repeat(${rows}, minmax(0, 1fr))`;
    this.cells.forEach((cell, i) => {
      const { p, s } = wanted[i];
      const si = steps.indexOf(s);
      cell.root.style.gridColumn = String(across ? si + 1 : p + 1);
      cell.root.style.gridRow = String(across ? p + 1 : si + 1);
    });
    const slopes = run.result?.slopes ?? null;
    this.cells.forEach((cell, i) => {
      const { p, s } = wanted[i];
      const id = plan.parametrizations[p];
      const fits = Array.from({ length: L }, (_, l) => {
        const f = slopes?.find((x) => x.parametrization === id && x.step === s && x.layer === l + 1);
        return f ? f[measure] : null;
      });
      this.#slopeList(cell, fits, L);
      this.#drawCell(cell, plan, (w, l) => values(p, w, s, l), lo, hi);
    });
    this.panel.summary(() => this.#summary(plan, steps, slopes, measure));
  }

  #cell(key, parametrization, step) {
    const root = h('figure', 'iv-width-cell');
    root.dataset.cell = key;
    const caption = h('figcaption', 'iv-width-caption', `${pLabel(parametrization)} \u00B7 step ${step}`);
    const canvas = h('canvas', 'iv-width-canvas');
    canvas.setAttribute('aria-hidden', 'true');
    const list = h('ul', 'iv-width-slopes');
    list.setAttribute('aria-label', `${pLabel(parametrization)} step ${step}: fitted slopes`);
    root.append(caption, canvas, list);
    return { key, root, canvas, list, shape: '' };
  }

  #slopeList(cell, fits, L) {
    const text = fits.map((f) => (f == null ? '' : formatSlope(f)));
    const shape = `${text.join('|')}|${currentTheme()}`;   // the dots' colours follow the theme
    if (shape === cell.shape && cell.list.children.length === L) return;
    cell.shape = shape;
    cell.list.replaceChildren(...fits.map((f, l) => {
      const li = h('li', 'iv-width-slope');
      const dot = h('span', 'iv-dot');
      dot.style.background = layerColor(l, L);
      li.append(dot, h('span', null, `${layerShort(l, L)} `), h('b', null, f == null ? '\u2026' : formatSlope(f)));
      li.title = `${layerName(l, L)}: slope ${f == null ? 'when every run is in' : formatSlope(f)}`;
      return li;
    }));
  }

  // the mean over every seed, as the core fits it
  #means(run, measure) {
    const r = run.result;
    const plan = r.plan;
    const per = rowsPerTask(plan);
    const W = plan.widths.length;
    const a = r[measure];
    return (p, w, s, l) => {
      let sum = 0;
      for (let k = 0; k < plan.seeds; k++) sum += a[((p * W + w) * plan.seeds + k) * per + s * plan.layers + l];
      return sum / plan.seeds;
    };
  }

  // while computing: the mean over the seeds in so far
  #partialMeans(run, measure) {
    const plan = run.plan;
    const per = rowsPerTask(plan);
    const W = plan.widths.length;
    return (p, w, s, l) => {
      const n = run.counts[p * W + w];
      return n ? run.sums[measure][(p * W + w) * per + s * plan.layers + l] / n : NaN;
    };
  }

  #drawCell(cell, plan, value, lo, hi) {
    const c = cell.canvas;
    const width = Math.max(40, c.clientWidth);
    const height = Math.max(40, c.clientHeight);
    const ctx = fitCanvas(c, width, height, devicePixelRatio || 1, { keepStyle: true });
    const key = cssColor('--chart-key', '#555c6b');
    const grid = cssColor('--chart-grid', 'rgba(0,0,0,0.08)');
    const frame = cssColor('--chart-frame', '#888888');
    const xs = plan.widths.map((w) => Math.log2(w));
    const x0 = xs[0];
    const x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
    ctx.font = '10.5px system-ui, sans-serif';
    // room on the right for half of the widest width's label, which sits under the last point
    const right = Math.max(PAD.right, Math.ceil(ctx.measureText(String(plan.widths[plan.widths.length - 1])).width / 2) + 2);
    const pw = Math.max(10, width - PAD.left - right);
    const ph = Math.max(10, height - PAD.top - PAD.bottom);
    const X = (x) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * pw;
    const Y = (y) => PAD.top + (1 - (y - lo) / (hi - lo)) * ph;
    // y: integer powers of two, at most ~ph/18 of them
    const stepY = Math.max(1, Math.ceil((hi - lo) / Math.max(2, Math.floor(ph / 18))));
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let y = Math.ceil(lo / stepY) * stepY; y <= hi; y += stepY) {
      ctx.strokeStyle = grid;
      ctx.beginPath(); ctx.moveTo(PAD.left, Y(y) + 0.5); ctx.lineTo(PAD.left + pw, Y(y) + 0.5); ctx.stroke();
      ctx.fillStyle = key;
      ctx.fillText(`2${superscript(y)}`, PAD.left - 4, Y(y));
    }
    // x: every width (thinned when they would touch)
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    let lastRight = -Infinity;
    plan.widths.forEach((w, i) => {
      const x = X(xs[i]);
      ctx.strokeStyle = grid;
      ctx.beginPath(); ctx.moveTo(x + 0.5, PAD.top); ctx.lineTo(x + 0.5, PAD.top + ph); ctx.stroke();
      const label = String(w);
      const half = ctx.measureText(label).width / 2;
      if (x - half <= lastRight + 3) return;
      ctx.fillStyle = key;
      ctx.fillText(label, x, PAD.top + ph + 3);
      lastRight = x + half;
    });
    ctx.fillStyle = key;
    ctx.fillText('width (log\u2082)', PAD.left + pw / 2, PAD.top + ph + 15);
    ctx.strokeStyle = frame;
    ctx.strokeRect(PAD.left + 0.5, PAD.top + 0.5, pw, ph);
    // one line per layer, logits last (on top)
    const L = plan.layers;
    for (let l = 0; l < L; l++) {
      const color = layerColor(l, L);
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = l === L - 1 ? 2.5 : 1.75;
      ctx.beginPath();
      let open = false;
      const points = [];
      plan.widths.forEach((_, w) => {
        const v = value(w, l);
        if (!(v > 0 && Number.isFinite(v))) { open = false; return; }
        const px = X(xs[w]);
        const py = Y(Math.log2(v));
        if (open) ctx.lineTo(px, py); else ctx.moveTo(px, py);
        open = true;
        points.push([px, py]);
      });
      ctx.stroke();
      for (const [px, py] of points) {
        ctx.beginPath(); ctx.arc(px, py, 2.5, 0, 2 * Math.PI); ctx.fill();
      }
    }
    ctx.lineWidth = 1;
  }

  #summary(plan, steps, slopes, measure) {
    if (!slopes) return 'Coordinate check: computing.';
    const parts = [];
    for (const id of plan.parametrizations) {
      for (const s of steps) {
        const list = slopes.filter((x) => x.parametrization === id && x.step === s)
          .map((x) => `${layerName(x.layer - 1, plan.layers)} ${formatSlope(x[measure])}`);
        parts.push(`${pLabel(id)} step ${s}: ${list.join(', ')}`);
      }
    }
    return `Coordinate check, slopes of log2 ${measure} against log2 width. ${parts.join('. ')}.`;
  }

  resize() { this.panel.measure(); }
  reset() { this.draw(); }
  destroy() {
    this.cancel({ quiet: true });
    this.pool?.dispose();
    this.panel.destroy();
  }
}
