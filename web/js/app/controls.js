// controls.js: the control panel. Fills the static form in index.html from the engine's
// catalog, shows a state, and turns edits into new valid states.
//
// A value is checked (state.js validateState, the core's rules) before it goes anywhere; an
// invalid one stays in its input, marked aria-invalid with the message under it, and nothing is
// passed on. Every text set here goes through textContent / option.text, never innerHTML.

import { DEFAULTS, MAX_RUNS, USES, SPEEDS, SMOOTHINGS, StateError, validateState, formatHidden, parseInteger, perRun, usesField } from '../state/state.js';
import { INIT_NOTES, matchPreset, nextPreset } from '../state/presets.js';
import { labelFor } from '../theme/colors.js';
import { CONFIG_FIELDS, configField } from '../engine/fields.js';

const $ = (id) => document.getElementById(id);

// The registry's fields that have a control in index.html (id c-<name>): a field added to the
// core gets its control by adding the element, with no edit here. `init` has its own row of
// per-run selects and `hidden` its depth / width inputs (below).
const withControl = (pred) => CONFIG_FIELDS
  .filter((f) => f.name !== 'init' && f.name !== 'hidden' && pred(f) && $(`c-${f.name}`)).map((f) => f.name);
// Inputs whose text maps one-to-one onto a state field.
const TEXT_FIELDS = withControl((f) => f.kind === 'number' || f.kind === 'integer');
// Fields with one value per run: when runs come and go, each run keeps its own value.
const PER_RUN_FIELDS = withControl((f) => f.perRun);
const SELECT_FIELDS = withControl((f) => f.kind === 'enum');

function option(value, text, title) {
  const o = document.createElement('option');
  o.value = value;
  o.text = text;
  if (title) o.title = title;
  return o;
}

export class Controls {
  // onChange(nextState) gets a whole valid state; onPreset(id) a preset id.
  constructor({ catalog, onChange, onPreset, onNewSeed }) {
    this.catalog = catalog;
    this.onChange = onChange;
    this.state = null;
    this.fill();
    this.wire({ onPreset, onNewSeed });
  }

  fill() {
    const { catalog } = this;
    for (let slot = 0; slot < MAX_RUNS; slot++) {
      const select = $(`c-init-${slot}`);
      if (slot > 0) select.add(option('', '— none —'));
      for (const init of catalog.initializers) {
        const note = INIT_NOTES[init.id];
        const label = labelFor(init.id);
        select.add(option(init.id, note ? `${label} — ${note}` : label, `${init.label}: ${init.formula}`));
      }
    }
    const names = { sgd: 'SGD', momentum: 'SGD + momentum', adam: 'Adam', cross_entropy: 'cross-entropy', mse: 'MSE' };
    for (const field of SELECT_FIELDS) {
      const select = $(`c-${field}`);
      // datasets have labels of their own in the catalog; other ids read as they are
      if (field === 'dataset') for (const d of catalog.datasets) select.add(option(d.id, d.label, d.id));
      else for (const id of configField(field).ids) select.add(option(id, names[id] ?? id.replace('_', ' ')));
    }
    for (const n of SPEEDS) $('c-speed').add(option(String(n), `${n}×`));
    for (const w of SMOOTHINGS) $('c-smooth').add(option(String(w), w === 0 ? 'off' : String(w)));
    // The course: one group per chapter, in the core's order (symmetry -> ... -> theory).
    $('c-preset').add(option('', 'Custom'));
    let group = null;
    catalog.pagePresets.forEach((p, i) => {
      if (!group || group.label !== `${p.chapter}`) {
        group = document.createElement('optgroup');
        group.label = p.chapter;
        $('c-preset').append(group);
      }
      const o = option(p.id, `${i + 1}. ${p.label}`, p.source);
      // Not yet loadable on the page (e.g. per-run weightVar): listed, so the course shows it,
      // and runnable from the CLI with `initscope run --preset ID`.
      if (!p.state) {
        o.disabled = true;
        o.text += ' (CLI only for now)';
        o.title = `${p.source}. The page cannot hold ${p.unsupported} yet: initscope run --preset ${p.id}`;
      }
      group.append(o);
    });
  }

  wire({ onPreset, onNewSeed }) {
    const form = $('controls-form');
    form.addEventListener('submit', (e) => e.preventDefault());

    $('c-preset').addEventListener('change', (e) => { if (e.target.value) onPreset(e.target.value); });
    $('b-next-preset').addEventListener('click', () => {
      const next = nextPreset(this.catalog.pagePresets, $('c-preset').value);
      if (next) onPreset(next.id);
    });
    $('b-newseed').addEventListener('click', onNewSeed);

    for (let slot = 0; slot < MAX_RUNS; slot++) {
      $(`c-init-${slot}`).addEventListener('change', () => {
        // The runs fill slots 0..n-1 in order, so slot i's per-run values are run i's.
        const inits = [];
        const perRunValues = Object.fromEntries(PER_RUN_FIELDS.map((f) => [f, []]));
        for (let i = 0; i < MAX_RUNS; i++) {
          const v = $(`c-init-${i}`).value;
          if (!v) continue;
          inits.push(v);
          for (const f of PER_RUN_FIELDS) {
            perRunValues[f].push(i < this.state.inits.length ? perRun(this.state[f], i) : DEFAULTS[f]);
          }
        }
        this.propose('inits', { inits, ...perRunValues });
      });
    }
    for (const field of SELECT_FIELDS) {
      $(`c-${field}`).addEventListener('change', (e) => this.propose(field, { [field]: e.target.value }));
    }
    for (const field of TEXT_FIELDS) {
      const input = $(`c-${field}`);
      // Check while typing (message at once), apply on change (blur / Enter).
      input.addEventListener('input', () => this.check(field, { [field]: input.value }));
      input.addEventListener('change', () => this.propose(field, { [field]: input.value }));
    }
    $('c-hidden').addEventListener('input', () => this.check('hidden', { hidden: $('c-hidden').value }));
    $('c-hidden').addEventListener('change', () => this.propose('hidden', { hidden: $('c-hidden').value }));
    for (const field of ['depth', 'width']) {
      const input = $(`c-${field}`);
      input.addEventListener('input', () => this.check(field, this.hiddenFrom(field, input.value)));
      input.addEventListener('change', () => this.propose(field, this.hiddenFrom(field, input.value)));
    }
    // Enter applies a text field without submitting anything.
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target.tagName === 'INPUT') {
        e.preventDefault();
        e.target.dispatchEvent(new Event('change'));
      }
    });
  }

  // Depth or width edits become a `hidden` list; a malformed number is an error of that input.
  hiddenFrom(field, text) {
    const v = parseInteger(text);
    const { maxDepth, maxWidth } = this.catalog.limits;
    const hidden = this.state.hidden;
    if (field === 'depth') {
      if (v === undefined || v < 1 || v > maxDepth) {
        return { error: new StateError('depth', JSON.stringify(text), `an integer in 1..${maxDepth}`) };
      }
      const last = hidden[hidden.length - 1];
      return { hidden: Array.from({ length: v }, (_, i) => hidden[i] ?? last) };
    }
    if (v === undefined || v < 1 || v > maxWidth) {
      return { error: new StateError('width', JSON.stringify(text), `an integer in 1..${maxWidth}`) };
    }
    return { hidden: hidden.map(() => v) };
  }

  // The next state if `patch` is valid, else shows why at `field` and returns null.
  check(field, patch) {
    try {
      if (patch.error) throw patch.error;
      const next = validateState({ ...this.state, ...patch }, this.catalog);
      this.setError(field, '');
      return next;
    } catch (e) {
      if (!(e instanceof StateError)) throw e;
      this.setError(field, e.message);
      return null;
    }
  }

  propose(field, patch) {
    const next = this.check(field, patch);
    if (next) this.onChange(next);
  }

  setError(field, message) {
    const el = $(`e-${field}`);
    const input = field === 'inits' ? null : $(`c-${field}`);
    if (el) el.textContent = message;
    if (field === 'inits') {
      for (let i = 0; i < MAX_RUNS; i++) $(`c-init-${i}`).toggleAttribute('aria-invalid', !!message);
    } else if (input) {
      if (message) {
        // A message inside the closed "More settings" would be invisible.
        const more = input.closest('details');
        if (more) more.open = true;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', `e-${field}`);
      } else {
        input.removeAttribute('aria-invalid');
      }
    }
  }

  // An error from elsewhere (the engine) about a field: shown at its control.
  showFieldError(message) {
    const m = /^invalid ([A-Za-z]+)/.exec(message);
    const field = m && document.getElementById(`e-${m[1]}`) ? m[1] : 'hidden';
    this.setError(field, message);
  }

  clearErrors() {
    for (const el of document.querySelectorAll('#controls .error')) el.textContent = '';
    for (const el of document.querySelectorAll('#controls [aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  // Shows a (valid) state in every control.
  render(state, colors) {
    this.state = state;
    this.clearErrors();
    for (let slot = 0; slot < MAX_RUNS; slot++) {
      $(`c-init-${slot}`).value = state.inits[slot] ?? '';
      const swatch = document.querySelector(`.swatch[data-slot="${slot}"]`);
      swatch.style.background = state.inits[slot] ? colors[slot] : 'transparent';
    }
    for (const field of SELECT_FIELDS) {
      // A list (one value per run, pre_vs_post_ln's normPosition) matches no option: blank, with
      // the runs' values in its tooltip; choosing one sets it for every run.
      const el = $(`c-${field}`);
      const list = Array.isArray(state[field]);
      el.dataset.title ??= el.title;
      // the list as a disabled entry of its own, so the select says what the runs use
      let perRunOption = el.querySelector('option[data-per-run]');
      if (list && !perRunOption) {
        perRunOption = option('', '', 'one value per run; choose one to use it in every run');
        perRunOption.dataset.perRun = '';
        perRunOption.disabled = true;
        el.prepend(perRunOption);
      }
      if (perRunOption) {
        perRunOption.hidden = !list;
        perRunOption.text = list ? `per run: ${state[field].join(', ')}` : '';
      }
      el.value = list ? '' : state[field];
      el.title = list ? `one per run: ${state[field].join(', ')}` : el.dataset.title;
    }
    for (const field of TEXT_FIELDS) $(`c-${field}`).value = String(state[field]);
    // sigma_w^2 / sigma_b^2 only where an initializer reads them (mean_field; biasVar also orthogonal)
    for (const field of PER_RUN_FIELDS) if (USES[field]) $(`f-${field}`).hidden = !usesField(state, field);
    const leaky = state.activation === 'leaky_relu';
    $('f-leakySlope').hidden = !leaky;
    $('f-activation').classList.toggle('wide', !leaky);   // keeps depth and width on one row
    const uniform = state.hidden.every((w) => w === state.hidden[0]);
    $('c-depth').value = String(state.hidden.length);
    $('c-width').value = uniform ? String(state.hidden[0]) : '';
    $('c-width').placeholder = uniform ? '' : 'mixed';
    $('c-hidden').value = formatHidden(state.hidden);
    $('c-speed').value = String(state.speed);
    $('c-logY').checked = state.logY;
    $('c-smooth').value = String(state.smooth);

    const preset = matchPreset(state, this.catalog.pagePresets);
    $('c-preset').value = preset ? preset.id : '';
    const next = nextPreset(this.catalog.pagePresets, preset ? preset.id : '');
    $('b-next-preset').disabled = !next;
    $('b-next-preset').title = next ? `Next in the course: ${next.label}` : 'The end of the course';
    const text = $('preset-text');
    if (preset) {
      const what = document.createElement('span');
      what.textContent = preset.what;
      const watch = document.createElement('span');
      watch.className = 'watch';
      watch.textContent = `Watch: ${preset.watch}`;
      const source = document.createElement('span');
      source.className = 'source';
      source.textContent = `Source: ${preset.source}`;
      text.replaceChildren(what, document.createElement('br'), watch, document.createElement('br'), source);
    } else {
      text.textContent = 'Your own experiment: change anything, the link keeps it.';
    }
  }
}
