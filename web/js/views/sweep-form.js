// The sweep view's settings row: the x and y axes (field and values), steps, seeds, the colour
// metric, Start / Cancel, progress and status, the exports and the CLI line. It holds no sweep:
// SweepView (sweep.js) reads it with read(), shows settings with write() and gets the buttons
// through the `on` callbacks.

import { NUMERIC_FIELDS, CATEGORICAL_FIELDS } from '../sweep/sweep-grid.js';
import { h } from './dom.js';

export const METRICS = [
  ['testAccuracy', 'test accuracy'], ['trainAccuracy', 'train accuracy'],
  ['trainLoss', 'train loss'], ['testLoss', 'test loss'],
];

export const DEFAULT_SETTINGS = {
  xField: 'learningRate', xSpec: '0.003,0.01,0.03,0.1,0.3,1',
  yField: 'depth', ySpec: '2:20:10',
  steps: 200, seeds: 1, metric: 'testAccuracy',
};

function option(value, label = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

export class SweepForm {
  /** on: { start(), cancel(), export(what), metric(id), change() (any field edited), open(file) } */
  constructor(settings, on) {
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
    this.metric.addEventListener('change', () => on.metric(this.metric.value));

    this.startButton = h('button', 'primary', 'Start sweep');
    this.startButton.type = 'submit';
    this.startButton.id = 'b-sweep-start';
    this.cancelButton = h('button', null, 'Cancel');
    this.cancelButton.type = 'button';
    this.cancelButton.id = 'b-sweep-cancel';
    this.cancelButton.disabled = true;
    this.cancelButton.addEventListener('click', () => on.cancel());
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
      b.addEventListener('click', () => on.export(what));
      exportWrap.append(b);
    }
    // A sweep file the CLI wrote (or merged from a cluster's shards), shown instead of computed.
    this.fileInput = h('input');
    this.fileInput.type = 'file';
    this.fileInput.accept = '.json,application/json';
    this.fileInput.hidden = true;
    this.fileInput.id = 'sweep-file-input';
    this.fileInput.addEventListener('change', (e) => {
      e.stopPropagation();  // not a settings change
      const file = this.fileInput.files?.[0];
      this.fileInput.value = '';
      if (file) on.open?.(file);
    });
    this.openButton = h('button', 'small', 'Open file…');
    this.openButton.type = 'button';
    this.openButton.id = 'b-sweep-open';
    this.openButton.title = 'Show a sweep file from `initscope sweep --format json` or `initscope sweep merge`';
    this.openButton.addEventListener('click', () => this.fileInput.click());
    exportWrap.prepend(this.openButton, this.fileInput);
    this.command = h('code', 'sweep-command', '');
    this.command.title = 'The same sweep with the native CLI (same numbers, all cores)';

    const row1 = h('div', 'sweep-row');
    row1.append(this.x.wrap, this.y.wrap, this.steps.wrap, this.seeds.wrap, metricWrap);
    const row2 = h('div', 'sweep-row');
    row2.append(this.startButton, this.cancelButton, this.progress, this.status, h('span', 'spacer'), exportWrap);
    form.append(row1, row2, this.error, this.command);
    form.addEventListener('change', () => on.change?.());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      on.start();
    });
    this.form = form;
    this.write(settings);
  }

  /** Shows `s` (the view's settings) in the fields. */
  write(s) {
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

  /** The settings the fields hold; throws naming the field when one is not allowed. */
  read() {
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
}
