// state.js: the page's whole configuration, its defaults, its validation, and the URL hash.
//
// What this is: plain data and pure functions, no DOM. The hash is the single source of truth
// for a shared link: parseHash() turns untrusted text into a valid state plus a list of notices
// for everything it ignored; toHash() writes every field, so a link keeps meaning the same
// experiment even if a default changes later.
//
// The config fields come from the core's registry (engine/fields.js): their hash keys, kinds,
// ranges, ids, allowed texts and defaults, so a field added to core/src/fields.cpp is read from
// and written to links, checked and sent to the engine with no edit here. Each value is checked
// first against its registry entry, with the core's wording (`invalid <field> = <value>:
// expected <allowed>`, the registry's `allowed`); then the rules across fields that
// core/src/config.cpp keeps as code (a dataset's own sizes, the training split, the caps) are
// checked here too, so a value is refused at the control that produced it instead of by the
// engine. Limits not in the registry come from the catalog the engine reports (engineCatalog).

import { escapeInvisible } from '../engine/validate.js';
import { CONFIG_FIELDS, configField, inRange } from '../engine/fields.js';
import { THEMES } from '../theme/themes.js';

export const MAX_RUNS = 4;

// The catalog of an engine (engine.js): what the worker sends the page, and what validation
// reads its ids and limits from.
export function engineCatalog(engine) {
  return {
    initializers: engine.initializers(),
    activations: engine.activations(),
    datasets: engine.datasets(),
    optimizers: engine.optimizers(),
    losses: engine.losses(),
    limits: engine.limits(),
    probeSize: engine.defaultConfig().probeSize,
    defaultConfig: engine.defaultConfig(),
    presets: engine.presets(),   // the core's list; presets.js turns each into a page state
  };
}

const MAX_SEED = 4294967295;   // seeds are uint32
const MAX_PARSED_DEPTH = 100000; // "64x1e9" must not allocate a billion layers before it is refused

export { THEMES };
export const SPEEDS = Object.freeze([1, 2, 5, 10, 20, 50, 100, 200]);
// Loss-chart smoothing weights (TensorBoard's EMA); 0 = off, the default as in TensorBoard.
export const SMOOTHINGS = Object.freeze([0, 0.6, 0.8, 0.9, 0.95, 0.99]);
// The theory views (correlation, phase, jacobian) live in the page's second tab, "Theory".
export const THEORY_PARTS = Object.freeze(['correlation', 'phase', 'jacobian']);
export const VIEW_PARTS = Object.freeze(['loss', 'variance', 'gradient', 'histograms', 'boundary', 'badges', ...THEORY_PARTS]);
export const TABS = Object.freeze(['training', 'theory', 'width']);
// Initializers that read weightVar / biasVar (mean-field theory's sigma_w^2, sigma_b^2): only
// their runs differ when these do (three mean_field runs with weightVar=1,1.76,4).
export const USES = Object.freeze({
  weightVar: Object.freeze(['mean_field']),
  biasVar: Object.freeze(['mean_field', 'orthogonal']),
});
// Parts an embed may keep besides the views.
export const EMBED_PARTS = Object.freeze([...VIEW_PARTS, 'controls', 'intro', 'sweep']);

// The page's state keeps the registry's `init` as `inits`: the compared runs, one initializer
// each (MAX_RUNS at most). Every other config field is kept under its registry name.
export const stateKey = (field) => (field.name === 'init' ? 'inits' : field.name);
// A nullable field's null (gain: the initializer's own) reads "default" in links and controls.
const NULL_WORD = 'default';
const stateDefault = (f) => (f.nullable && f.default === null ? NULL_WORD
  : Array.isArray(f.default) ? Object.freeze(f.default.slice()) : f.default);

// Where the page chose otherwise than the core (the CLI's defaults stay the core's):
const PAGE_DEFAULTS = {
  // three runs side by side is what the page is for; the CLI trains one
  inits: Object.freeze(['he_normal', 'xavier_normal', 'zeros']),
  // ten layers: deep enough that Xavier's shrinking and He's flat variance are plain to see
  hidden: Object.freeze(Array(10).fill(64)),
  // the spiral trains within a few hundred steps at 0.05 with SGD; 0.01 looks stuck on the page
  learningRate: 0.05,
};

const VIEW_DEFAULTS = {
  // view state (shared in links too, but does not change the runs)
  speed: 10,
  hist: 0,              // index of the run whose histograms are shown
  logY: false,
  smooth: 0,            // EMA weight of the loss chart, one of SMOOTHINGS
  tab: 'training',      // which tab of views is shown: 'training' | 'theory' | 'width'
  embed: null,          // null = the full page; an array of EMBED_PARTS = embed mode
  theme: 'auto',        // 'auto' (follow the system) | 'light' | 'dark'
  // Web Workers the runs are spread over (run-pool.js): 'auto' = one per core up to one per run
  // (one in an embed that shares the screen), or 1..MAX_RUNS. Changing it restarts the runs.
  workers: 'auto',
};

// Validation order: `inits` first (per-run fields read how many runs there are), then the
// scalar fields in the registry's (Config) order, which already has dataset before inputDim and
// samples / testFraction before batchSize; list fields (hidden) last, as their caps read
// everything else (batchSize, probeSize, the resolved sizes).
const ORDERED = [
  ...CONFIG_FIELDS.filter((f) => f.name === 'init'),
  ...CONFIG_FIELDS.filter((f) => f.name !== 'init' && f.kind !== 'intList'),
  ...CONFIG_FIELDS.filter((f) => f.kind === 'intList'),
];

export const DEFAULTS = Object.freeze({
  ...Object.fromEntries(ORDERED.map((f) => [stateKey(f), stateDefault(f)])),
  ...PAGE_DEFAULTS,
  ...VIEW_DEFAULTS,
});

// Fields that define the runs (every config field): changing one re-creates them (step 0).
export const RUN_FIELDS = Object.freeze(ORDERED.map(stateKey));
// The fields links carried before the registry: always written, so every link written since
// keeps reading the same (and a link keeps its meaning if a default changes). A field added to
// the registry later is written only when it differs from its default: links stay as short as
// they were, and every old link still reads the same experiment.
const ALWAYS_LINKED = Object.freeze(['inits', 'dataset', 'samples', 'noise', 'testFraction', 'inputDim',
  'classes', 'seed', 'activation', 'leakySlope', 'gain', 'initStd', 'optimizer', 'learningRate', 'momentum',
  'batchSize', 'loss', 'hidden']);

export class StateError extends Error {
  constructor(field, value, allowed) {
    super(`invalid ${field} = ${value}: expected ${allowed}`);
    this.field = field;
  }
}

// ---------------------------------------------------------------------------------------------
// Text -> value parsers. Strict: the whole string must be a plain number, no "0x", no "1e", no
// whitespace games. They return undefined when the text is not of the type at all.

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;

export function parseNumber(text) {
  const t = String(text).trim();
  return NUMBER_RE.test(t) ? Number(t) : undefined;
}
export function parseInteger(text) {
  const t = String(text).trim();
  return INT_RE.test(t) ? Number(t) : undefined;
}

// "64x10" (10 layers of width 64) or "128,64,32"; returns an int array or undefined.
export function parseHidden(text) {
  const t = String(text).replace(/\s+/g, '');
  let m = /^(\d{1,6})[x×*](\d{1,6})$/i.exec(t);
  if (m) {
    const depth = Number(m[2]);
    if (depth > MAX_PARSED_DEPTH) return { tooDeep: depth };
    return Array(depth).fill(Number(m[1]));
  }
  if (!/^\d{1,6}(,\d{1,6})*$/.test(t)) return undefined;
  return t.split(',').map(Number);
}

export function formatHidden(hidden) {
  if (hidden.length > 1 && hidden.every((w) => w === hidden[0])) return `${hidden[0]}x${hidden.length}`;
  return hidden.join(',');
}

// Quoted like the core's messages, and cut short: hostile input is echoed, never trusted.
function show(text) {
  const s = String(text);
  return escapeInvisible(JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s));
}

// ---------------------------------------------------------------------------------------------
// Field validators: (raw value, state so far, catalog) -> valid value, or throw StateError.
// Raw values are strings (hash, text inputs) or already-typed values (presets, code).

function num(field, raw, lo, hi, allowed, { openLo = false, openHi = false } = {}) {
  const v = typeof raw === 'number' ? raw : parseNumber(raw);
  const ok = v !== undefined && Number.isFinite(v) && (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);
  if (!ok) throw new StateError(field, typeof raw === 'number' ? String(raw) : show(raw), allowed);
  return v + 0;  // "-0" is 0 (a link would otherwise keep a negative zero around)
}
function int(field, raw, lo, hi, allowed = `an integer in ${lo}..${hi}`) {
  const v = typeof raw === 'number' ? raw : parseInteger(raw);
  if (v === undefined || !Number.isInteger(v) || v < lo || v > hi) {
    throw new StateError(field, typeof raw === 'number' ? String(raw) : show(raw), allowed);
  }
  return v + 0;
}
function oneOf(field, raw, ids, allowed = `one of ${ids.join(', ')}`) {
  const v = String(raw);
  if (!ids.includes(v)) throw new StateError(field, show(v), allowed);
  return v;
}
const shownRaw = (raw) => (typeof raw === 'number' ? String(raw) : show(Array.isArray(raw) ? raw.join(',') : raw));

// One value checked against its registry entry, with the core's message (the entry's
// `allowed`): the field's kind, its ids and words, and its range with open or closed ends.
function checkAgainst(f, raw, key = f.name) {
  if (f.nullable && (raw === null || raw === NULL_WORD)) return NULL_WORD;
  if (f.kind === 'enum') return oneOf(key, raw, f.ids, f.allowed);
  if (f.kind === 'boolean') {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new StateError(key, shownRaw(raw), f.allowed);
  }
  if (f.kind === 'intList') {
    const items = Array.isArray(raw) ? raw : String(raw).split(',').map((t) => parseInteger(t));
    if (!items.length || items.some((v) => !Number.isInteger(v) || !inRange(f, v))) throw new StateError(key, shownRaw(raw), f.allowed);
    return items.map((v) => v + 0);
  }
  if (typeof raw === 'string' && f.words.includes(raw)) return raw;
  const v = typeof raw === 'number' ? raw : f.kind === 'integer' ? parseInteger(raw) : parseNumber(raw);
  if (v === undefined || !inRange(f, v) || (f.kind === 'integer' && !Number.isInteger(v))) {
    throw new StateError(key, shownRaw(raw), f.allowed);
  }
  return v + 0;  // "-0" is 0 (a link would otherwise keep a negative zero around)
}
function list(raw) {
  return Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((s) => s.trim()).filter(Boolean);
}

// A per-run field (registry perRun: weightVar, biasVar, parametrization, residualScale, norm,
// ...): one value for every run, or a comma list / array with one value per run (s.inits
// validated before), each checked as the single value is. A list whose values are all equal is
// that one value: both links mean the same runs.
function perRunValues(f, raw, s) {
  const n = s.inits.length;
  const allowed = n > 1 ? `${f.allowed}, or a list of ${n} such ${f.kind === 'number' ? 'numbers' : 'values'} (one per run)` : f.allowed;
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((t) => t.trim()) : [raw];
  const shown = shownRaw(raw);
  if (items.length !== 1 && items.length !== n) throw new StateError(f.name, shown, allowed);
  const v = items.map((x) => {
    try {
      return checkAgainst(f, x);
    } catch (e) {
      if (e instanceof StateError) throw new StateError(f.name, shown, allowed);
      throw e;
    }
  });
  return oneOrList(v);
}

// A list whose values are all equal is that one value.
const oneOrList = (v) => (v.every((y) => y === v[0]) ? v[0] : v);

/** Run i's value of a per-run field: one value for all, or the i-th. */
export function perRun(value, i) {
  return Array.isArray(value) ? value[i] : value;
}

/** Whether any run of the state reads `field` (weightVar / biasVar). */
export function usesField(state, field) {
  return state.inits.some((id) => USES[field].includes(id));
}

function datasetInfo(catalog, id) {
  return catalog.datasets.find((d) => d.id === id);
}
export function resolvedInputDim(s, catalog) {
  return s.inputDim > 0 ? s.inputDim : datasetInfo(catalog, s.dataset)?.inputDim ?? 2;
}
export function resolvedClasses(s, catalog) {
  return s.classes > 0 ? s.classes : datasetInfo(catalog, s.dataset)?.classes ?? 2;
}
export function trainCount(s) {
  return s.samples - Math.round(s.samples * s.testFraction);
}
export function parameterCount(hidden, inputDim, classes) {
  let n = 0;
  let prev = inputDim;
  for (const w of hidden) { n += (prev + 1) * w; prev = w; }
  return n + (prev + 1) * classes;
}

// The rules across fields, checked after a value passed its registry entry (core/src/config.cpp
// keeps the same rules as code): (value, state so far, catalog, raw) -> value, or throw.
const ACROSS = {
  samples(v, s, catalog, raw) {
    // A dataset read from a file has as many samples as the file (known once it is loaded).
    const f = configField('samples');
    const max = Math.min(f.max, datasetInfo(catalog, s.dataset).maxSamples ?? f.max);
    if (v > max) throw new StateError('samples', shownRaw(raw), `an integer in ${f.min}..${max}`);
    return v;
  },
  testFraction(v, s) {
    if (trainCount({ ...s, testFraction: v }) < 1) {
      throw new StateError('testFraction', String(v), 'a fraction that leaves at least one training sample');
    }
    return v;
  },
  // gaussian_nd takes any input size; spiral, gaussians and gaussian_nd any class count; every
  // other dataset has its own fixed sizes (0 = use them).
  inputDim(v, s, catalog, raw) {
    if (s.dataset === 'gaussian_nd') return v;
    const own = datasetInfo(catalog, s.dataset).inputDim;
    if (v !== 0 && v !== own) throw new StateError('inputDim', shownRaw(raw), `${own} (or 0 = unset) for ${s.dataset}`);
    return v;
  },
  classes(v, s, catalog, raw) {
    if (FREE_CLASSES.includes(s.dataset)) {
      if (v === 1) throw new StateError('classes', '1', `an integer in 2..${configField('classes').max} (0 = default)`);
      return v;
    }
    const own = datasetInfo(catalog, s.dataset).classes;
    if (v !== 0 && v !== own) throw new StateError('classes', shownRaw(raw), `${own} (or 0 = unset) for ${s.dataset}`);
    return v;
  },
  gain(v, s) {
    if (v === 'auto' && s.activation === 'gelu') {
      throw new StateError('gain', '"auto"', 'a number: calculate_gain has no value for gelu');
    }
    return v;
  },
  batchSize(v, s, catalog, raw) {
    const n = trainCount(s);
    if (v > n) throw new StateError('batchSize', shownRaw(raw), `an integer in 0..${n} (0 = full batch; ${n} training samples)`);
    return v;
  },
};

function validateInits(raw, s) {
  const f = configField('init');
  const v = list(raw);
  if (v.length < 1 || v.length > MAX_RUNS) {
    throw new StateError('inits', show(v.join(',')), `1 to ${MAX_RUNS} initializers`);
  }
  for (const id of v) oneOf('inits', id, f.ids, f.allowed);
  return v;
}

// The fields, besides init, whose value may differ run by run (the registry's perRun).
export const PER_RUN_FIELDS = Object.freeze(CONFIG_FIELDS.filter((f) => f.perRun && f.name !== 'init').map((f) => f.name));

// Two runs with the same config are one experiment twice: an initializer may repeat only where
// a per-run field it reads differs (mean_field's weightVar, one norm position each, ...).
// Returns the index of the first run that repeats an earlier one, or -1.
function repeatedRun(s) {
  const seen = new Set();
  for (let i = 0; i < s.inits.length; i++) {
    const key = JSON.stringify(runConfig(s, s.inits[i], i));
    if (seen.has(key)) return i;
    seen.add(key);
  }
  return -1;
}
function repeatError(s) {
  return new StateError('inits', show(s.inits.join(',')),
    `runs that differ: an initializer repeats only with its own value of a per-run field (${PER_RUN_FIELDS.join(', ')})`);
}

// "WIDTHxDEPTH" or a list of widths; each width in the registry's range, then the caps.
function validateHidden(raw, s, catalog) {
  const L = catalog.limits;
  const f = configField('hidden');
  const v = Array.isArray(raw) ? raw.slice() : parseHidden(raw);
  if (v && v.tooDeep) {
    throw new StateError('hidden', `${v.tooDeep} layers`, `1..${L.maxDepth} hidden layers`);
  }
  if (!v || v.length < 1 || v.length > L.maxDepth) {
    throw new StateError('hidden', Array.isArray(raw) ? `a list of ${raw.length} layers` : show(raw),
      `"WIDTHxDEPTH" (e.g. 64x10) or a list of widths (e.g. 128,64,32), 1..${L.maxDepth} layers`);
  }
  v.forEach((w, i) => int(`hidden[${i}]`, w, f.min, f.max, f.itemAllowed));
  const params = parameterCount(v, resolvedInputDim(s, catalog), resolvedClasses(s, catalog));
  if (params > L.maxParameters) {
    throw new StateError('hidden', `a network of ${params} parameters`,
      `at most ${L.maxParameters} parameters (fewer or narrower layers)`);
  }
  const units = v.reduce((a, b) => a + b, 0) + resolvedClasses(s, catalog);
  const n = trainCount(s);
  const rows = Math.max(s.batchSize === 0 ? n : s.batchSize, Math.min(s.probeSize ?? catalog.probeSize, n), 1);
  if (rows * units > L.maxActivations) {
    throw new StateError('hidden', `a network of ${units} units`,
      `at most ${L.maxActivations} activations per batch (${rows} rows x ${units} units): use fewer units or a smaller batch`);
  }
  return v;
}

// A config field's validator: (raw value, state so far, catalog) -> valid value, or throw.
function configValidator(f) {
  if (f.name === 'init') return validateInits;
  if (f.name === 'hidden') return validateHidden;
  return (raw, s, catalog) => {
    const v = f.perRun ? perRunValues(f, raw, s) : checkAgainst(f, raw);
    return ACROSS[f.name] ? ACROSS[f.name](v, s, catalog, raw) : v;
  };
}

const FREE_CLASSES = ['spiral', 'gaussians', 'gaussian_nd'];

// Order matters: a validator may read fields validated before it (ORDERED's config fields, then
// the view fields, which read `inits`).
const VALIDATORS = {
  ...Object.fromEntries(ORDERED.map((f) => [stateKey(f), configValidator(f)])),
  speed(raw) {
    const v = int('speed', raw, 1, SPEEDS[SPEEDS.length - 1]);
    if (!SPEEDS.includes(v)) throw new StateError('speed', String(v), `one of ${SPEEDS.join(', ')}`);
    return v;
  },
  hist: (raw, s) => int('hist', raw, 0, s.inits.length - 1),
  logY(raw) {
    if (raw === true || raw === false) return raw;
    return oneOf('logY', raw, ['0', '1']) === '1';
  },
  smooth(raw) {
    const v = typeof raw === 'number' ? raw : parseNumber(raw);
    if (!SMOOTHINGS.includes(v)) throw new StateError('smooth', typeof raw === 'number' ? String(raw) : show(raw), `one of ${SMOOTHINGS.join(', ')}`);
    return v;
  },
  tab: (raw) => oneOf('tab', raw, TABS),
  embed(raw) {
    if (raw === null) return null;
    const v = list(raw);
    if (v.length === 1 && (v[0] === '1' || v[0] === 'all')) return VIEW_PARTS.slice();
    for (const p of v) oneOf('embed', p, EMBED_PARTS);
    return v;
  },
  theme: (raw) => oneOf('theme', raw, THEMES),
  workers(raw) {
    if (raw === 'auto') return raw;
    return int('workers', raw, 1, MAX_RUNS, `auto or an integer in 1..${MAX_RUNS}`);
  },
};
export const FIELDS = Object.freeze(Object.keys(VALIDATORS));

// Validates one field against the rest of a state. Returns the value or throws StateError.
export function validateField(field, raw, state, catalog) {
  const validator = VALIDATORS[field];
  if (!validator) throw new StateError('parameter', show(field), `one of ${FIELDS.join(', ')}`);
  return validator(raw, state, catalog);
}

// Validates a whole state (every field, in order) and throws the first StateError: what a
// control uses, so a change that breaks another field (fewer samples than the batch size) is
// refused where it was made. View fields are clamped instead: dropping a run is not an error.
export function validateState(state, catalog) {
  const out = {};
  for (const field of FIELDS) {
    let raw = Object.prototype.hasOwnProperty.call(state, field) ? state[field] : DEFAULTS[field];
    if (field === 'hist') raw = Math.min(Number(raw) || 0, out.inits.length - 1);
    out[field] = validateField(field, raw, out, catalog);
  }
  if (repeatedRun(out) >= 0) throw repeatError(out);
  return out;
}

// Re-checks every field of a state in order (a change to one field can invalidate another, e.g.
// fewer samples and the batch size). An invalid field falls back to a valid value, with a notice.
export function normalize(state, catalog) {
  const out = {};
  const notices = [];
  for (const field of FIELDS) {
    const given = Object.prototype.hasOwnProperty.call(state, field);
    try {
      out[field] = validateField(field, given ? state[field] : DEFAULTS[field], out, catalog);
    } catch (e) {
      if (!(e instanceof StateError)) throw e;
      out[field] = fallback(field, out);
      notices.push(`${e.message} (using ${showValue(field, out[field])})`);
    }
  }
  // A repeated run is dropped (with its per-run values), and so is every later repeat.
  for (let i = repeatedRun(out); i >= 0; i = repeatedRun(out)) {
    notices.push(`${repeatError(out).message} (dropping run ${i + 1})`);
    const keep = (_, k) => k !== i;
    const inits = out.inits.filter(keep);
    for (const field of PER_RUN_FIELDS) {
      if (Array.isArray(out[field])) {
        out[field] = oneOrList(out[field].filter(keep));
      }
    }
    out.inits = inits;
    out.hist = Math.min(out.hist, inits.length - 1);
  }
  return { state: out, notices };
}

function showValue(field, v) {
  if (field === 'hidden') return formatHidden(v);
  if (field === 'embed') return v ? v.join(',') : 'the full page';
  return Array.isArray(v) ? v.join(',') : String(v);
}

function fallback(field, s) {
  if (field === 'batchSize') return Math.min(DEFAULTS.batchSize, trainCount(s));
  if (field === 'hidden') return DEFAULTS.hidden.slice();
  if (field === 'inits') return DEFAULTS.inits.slice();
  return DEFAULTS[field];
}

// ---------------------------------------------------------------------------------------------
// The URL hash: "#inits=he_normal,zeros&hidden=64x10&..." (URLSearchParams syntax).

export function toHash(state) {
  const p = new URLSearchParams();
  for (const field of FIELDS) {
    const v = state[field];
    if (field === 'embed') {
      if (v) p.set('embed', v.join(','));
    } else if ((field === 'weightVar' || field === 'biasVar') && !usesField(state, field) && v === DEFAULTS[field]) {
      // Unused and default: left out, so every link from before these fields reads the same.
    } else if (field === 'tab' || field === 'workers') {
      if (v !== DEFAULTS[field]) p.set(field, String(v));
    } else if (RUN_FIELDS.includes(field) && !ALWAYS_LINKED.includes(field) && JSON.stringify(v) === JSON.stringify(DEFAULTS[field])) {
      // A field newer than the links: at its default it is left out (see ALWAYS_LINKED).
    } else if (field === 'hidden') {
      p.set('hidden', formatHidden(v));
    } else if (field === 'logY') {
      p.set('logY', v ? '1' : '0');
    } else {
      p.set(field, Array.isArray(v) ? v.join(',') : String(v));
    }
  }
  // Keep the commas readable; URLSearchParams would write %2C.
  return `#${p.toString().replace(/%2C/g, ',')}`;
}

// Untrusted text in, a valid state out. Every unknown key and every invalid value becomes a
// notice (plain text, to be shown with textContent) and is ignored.
export function parseHash(hash, catalog) {
  const text = String(hash || '').replace(/^#/, '');
  const notices = [];
  const raw = {};
  if (text.length > 8192) {
    return { state: { ...DEFAULTS }, notices: ['the link\'s settings are too long (over 8192 characters) and were ignored'] };
  }
  let params;
  try {
    params = new URLSearchParams(text);
  } catch {
    return { state: { ...DEFAULTS }, notices: ['the link\'s settings could not be read and were ignored'] };
  }
  for (const [key, value] of params) {
    if (!Object.prototype.hasOwnProperty.call(VALIDATORS, key) && key !== 'preset') {
      notices.push(`ignored unknown setting ${show(key)}`);
    } else if (key in raw) {
      notices.push(`ignored a repeated setting ${show(key)}`);
    } else {
      raw[key] = value;
    }
  }
  // `preset=ID` starts from that preset (catalog.pagePresets, set by main.js from presets.js);
  // every other key overrides it. Written links always hold the whole state instead.
  if ('preset' in raw) {
    const preset = (catalog.pagePresets ?? []).find((p) => p.id === raw.preset && p.state);
    if (preset) {
      for (const [k, v] of Object.entries(preset.state)) if (!(k in raw) && RUN_FIELDS.includes(k)) raw[k] = v;
    } else {
      const ids = (catalog.pagePresets ?? []).filter((p) => p.state).map((p) => p.id);
      notices.push(`invalid preset = ${show(raw.preset)}: expected one of ${ids.join(', ')}`);
    }
    delete raw.preset;
  }
  const { state, notices: invalid } = normalize(raw, catalog);
  return { state, notices: notices.concat(invalid) };
}

// The engine config of run `index` (camelCase fields of DESIGN.md's createRun), every registry
// field in Config order: a nullable field at "default" (gain) is left out, and so is a field
// newer than the links at its default, so every config from before them stays exactly the same;
// the nullable ones follow the rest, as they always did. weightVar and biasVar go only to the
// initializers that read them, and biasVar 0 not even there for orthogonal.
export function runConfig(state, init, index = 0) {
  const config = {};
  const put = (f) => {
    const key = stateKey(f);
    const given = Object.prototype.hasOwnProperty.call(state, key) ? state[key] : DEFAULTS[key];
    const v = f.name === 'init' ? init : f.perRun ? perRun(given, index) : given;
    if (f.nullable && v === NULL_WORD) return;
    if (f.name !== 'init' && !ALWAYS_LINKED.includes(key) && JSON.stringify(v) === JSON.stringify(DEFAULTS[key])) return;
    config[f.name] = Array.isArray(v) ? v.slice() : v;
  };
  const perRunNumber = (f) => f.name === 'weightVar' || f.name === 'biasVar';
  for (const f of CONFIG_FIELDS) if (!f.nullable && !perRunNumber(f)) put(f);
  for (const f of CONFIG_FIELDS) if (f.nullable && !perRunNumber(f)) put(f);
  if (USES.weightVar.includes(init)) config.weightVar = perRun(state.weightVar ?? DEFAULTS.weightVar, index);
  const biasVar = perRun(state.biasVar ?? DEFAULTS.biasVar, index);
  if (init === 'mean_field' || (USES.biasVar.includes(init) && biasVar !== 0)) config.biasVar = biasVar;
  return config;
}

export function sameRuns(a, b) {
  return RUN_FIELDS.every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]));
}
