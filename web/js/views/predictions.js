// Predictions for image data (Fashion-MNIST), where a decision boundary over the input plane does
// not exist: a grid of test images, each with its true label and every run's predicted label
// (a wrong one struck through and marked ✗), and beside it the test accuracy per class per run.
//
// run.predictions = { pred: Int32Array (the first test rows' predicted classes, xTest order),
// classAccuracy: Float64Array [classes] } comes from the worker (engine run.predictTest(n) and
// run.classAccuracy()); like the boundary grid it is the latest prediction, not the scrubbed one.
// Plain DOM and <canvas>, no chart library; every text through textContent.

import { h, setText } from './dom.js';
import { Panel } from './panel.js';
import { runColor, runLabel, formatPercent } from './format.js';

export const FASHION_LABELS = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
export const PREDICTION_IMAGES = 24;   // how many test images the worker predicts and we show
const SIDE = 28;

export class PredictionsView {
  constructor(container, options = {}) {
    this.options = options;
    this.panel = new Panel(container, { kind: 'predictions', title: 'Predictions', options });
    this.body = h('div', 'iv-pred');
    this.gridEl = h('div', 'iv-pred-grid');
    this.tableEl = h('table', 'iv-pred-table');
    this.message = h('div', 'iv-message');
    this.body.append(this.gridEl, this.tableEl);
    this.panel.inner.append(this.body, this.message);
    this.imagesKey = null;
    this.cells = [];
  }

  labelName(k) {
    const ds = this.model?.dataset;
    return ds && ds.classes === FASHION_LABELS.length ? FASHION_LABELS[k] : `class ${k}`;
  }

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const ds = model?.dataset ?? null;
    const ready = ds && runs.some((r) => r.predictions);
    setText(this.message, !ds ? 'no dataset yet' : ready ? '' : 'no predictions yet');
    this.message.hidden = !!ready;
    this.body.hidden = !ready;
    this.panel.setLegend(runs.map((run) => ({ color: runColor(run), label: runLabel(run) })));
    if (!ready) return;
    this.buildImages(ds);
    this.updateImages(runs, ds);
    this.updateTable(runs, ds);
    setText(this.panel.readout, `first ${this.cells.length} test images · ✗ = wrong · table: test accuracy per class`);
    this.panel.summary(() => this.describe(runs));
  }

  // The images are the same for every run and every step: drawn once per dataset.
  buildImages(ds) {
    const n = Math.min(PREDICTION_IMAGES, ds.yTest.length);
    const key = `${ds.inputDim}|${ds.yTest.length}|${n}|${ds.xTest[0]}`;
    if (key === this.imagesKey) return;
    this.imagesKey = key;
    this.cells = [];
    const dim = ds.inputDim;
    const side = Math.round(Math.sqrt(dim));
    for (let i = 0; i < n; i++) {
      const cell = h('figure', 'iv-pred-cell');
      const canvas = h('canvas', 'iv-pred-img');
      canvas.width = side;
      canvas.height = side;
      const ctx = canvas.getContext('2d');
      const img = ctx.createImageData(side, side);
      // Pixels were standardised by the engine: stretch each image to black-on-white for display.
      let lo = Infinity;
      let hi = -Infinity;
      for (let p = 0; p < dim; p++) { const v = ds.xTest[i * dim + p]; if (v < lo) lo = v; if (v > hi) hi = v; }
      for (let p = 0; p < side * side; p++) {
        const v = hi > lo ? (ds.xTest[i * dim + p] - lo) / (hi - lo) : 0;
        const g = Math.round(255 * (1 - v));
        img.data.set([g, g, g, 255], p * 4);
      }
      ctx.putImageData(img, 0, 0);
      const truth = h('figcaption', 'iv-pred-truth', this.labelName(ds.yTest[i]));
      const preds = h('div', 'iv-pred-runs');
      cell.append(canvas, truth, preds);
      cell.dataset.index = String(i);
      this.cells.push({ cell, preds, truth: ds.yTest[i] });
    }
    this.gridEl.replaceChildren(...this.cells.map((c) => c.cell));
  }

  updateImages(runs) {
    for (const [i, c] of this.cells.entries()) {
      const chips = runs.map((run) => {
        const p = run.predictions?.pred?.[i];
        const chip = h('span', 'iv-pred-chip');
        chip.style.borderColor = runColor(run);
        chip.title = `${runLabel(run)}: ${p == null ? 'no prediction' : this.labelName(p)}`;
        if (p == null) {
          chip.textContent = '–';
        } else {
          const wrong = p !== c.truth;
          chip.textContent = wrong ? `✗ ${this.labelName(p)}` : this.labelName(p);
          chip.classList.toggle('wrong', wrong);
          chip.dataset.pred = String(p);
        }
        return chip;
      });
      c.preds.replaceChildren(...chips);
    }
  }

  updateTable(runs, ds) {
    const head = h('tr');
    head.append(h('th', '', 'class'));
    for (const run of runs) {
      const th = h('th', '', runLabel(run));
      th.style.color = runColor(run);
      head.append(th);
    }
    const rows = [head];
    for (let k = 0; k < ds.classes; k++) {
      const tr = h('tr');
      tr.append(h('th', '', this.labelName(k)));
      runs.forEach((run, r) => {
        const acc = run.predictions?.classAccuracy?.[k];
        const td = h('td', '', Number.isFinite(acc) ? formatPercent(acc) : '–');
        td.dataset.run = String(r);
        td.dataset.class = String(k);
        if (Number.isFinite(acc)) {
          td.dataset.acc = String(acc);
          td.style.background = `rgba(0, 128, 0, ${(0.35 * acc).toFixed(3)})`;
        }
        tr.append(td);
      });
      rows.push(tr);
    }
    this.tableEl.replaceChildren(...rows);
  }

  describe(runs) {
    const parts = runs.map((run) => {
      const acc = run.predictions?.classAccuracy;
      if (!acc) return `${runLabel(run)}: no predictions yet`;
      let best = 0;
      let worst = 0;
      for (let k = 1; k < acc.length; k++) { if (acc[k] > acc[best]) best = k; if (acc[k] < acc[worst]) worst = k; }
      return `${runLabel(run)}: best class ${this.labelName(best)} ${formatPercent(acc[best])}, worst ${this.labelName(worst)} ${formatPercent(acc[worst])}`;
    });
    return `Predictions on the test images. ${parts.join('; ')}.`;
  }

  resize() { this.panel.measure(); }

  reset() { this.imagesKey = null; }

  destroy() { this.panel.destroy(); }
}
