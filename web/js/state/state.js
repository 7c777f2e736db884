// state.js: the page's whole configuration, its defaults, its validation, and the URL hash.
//
// What this is: plain data and pure functions, no DOM. The hash is the single source of truth
// for a shared link: parseHash() turns untrusted text into a valid state plus a list of notices
// for everything it ignored; toHash() writes every field, so a link keeps meaning the same
// experiment even if a default changes later.
//
// Validation mirrors core/src/config.cpp's rules with the same message wording
// (`invalid <field> = <value>: expected <allowed>`), so a value is refused at the control that
// produced it instead of by the engine. Ids and limits come from the catalog the engine reports
// (engineCatalog below), never from a copy kept here.

import { escapeInvisible } from '../engine/validate.js';

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

export const THEMES = Object.freeze(['auto', 'light', 'dark']);
export const SPEEDS = Object.freeze([1, 2, 5, 10, 20, 50, 100, 200]);
// Loss-chart smoothing weights (TensorBoard's EMA); 0 = off, the default as in TensorBoard.
export const SMOOTHINGS = Object.freeze([0, 0.6, 0.8, 0.9, 0.95, 0.99]);
// The theory views (correlation, phase, jacobian) live in the page's second tab, "Theory".
export const THEORY_PARTS = Object.freeze(['correlation', 'phase', 'jacobian']);
export const VIEW_PARTS = Object.freeze(['loss', 'variance', 'gradient', 'histograms', 'boundary', 'badges', ...THEORY_PARTS]);
export const TABS = Object.freeze(['training', 'theory']);
// Initializers that read weightVar / biasVar (mean-field theory's sigma_w^2, sigma_b^2). Only these
// may repeat in `inits`: three mean_field runs with weightVar=1,1.76,4 are three experiments.
export const USES = Object.freeze({
  weightVar: Object.freeze(['mean_field']),
  biasVar: Object.freeze(['mean_field', 'orthogonal']),
});
const REPEATABLE = Object.freeze(['mean_field', 'orthogonal']);
// Parts an embed may keep besides the views.
export const EMBED_PARTS = Object.freeze([...VIEW_PARTS, 'controls', 'intro', 'sweep']);

export const DEFAULTS = Object.freeze({
  inits: Object.freeze(['he_normal', 'xavier_normal', 'zeros']),
  dataset: 'spiral',
  samples: 1000,
  noise: 0.05,          // the core default: at 0.1 the spiral arms (0.29 apart) blur together
  testFraction: 0.5,
  inputDim: 0,          // 0 = the dataset's default
  classes: 0,           // 0 = the dataset's default
  seed: 42,
  hidden: Object.freeze(Array(10).fill(64)),
  activation: 'relu',
  leakySlope: 0.01,
  gain: 'default',      // 'default' | 'auto' | number
  initStd: 0.05,        // s of the `normal` and `truncated_normal` initializers (the core default)
  weightVar: 1,         // sigma_w^2 of mean_field: one number for every run, or an array, one per run
  biasVar: 0,           // sigma_b^2 of mean_field and orthogonal: the same
  optimizer: 'sgd',
  learningRate: 0.05,
  momentum: 0.9,
  batchSize: 32,
  loss: 'cross_entropy',
  // view state (shared in links too, but does not change the runs)
  speed: 10,
  hist: 0,              // index of the run whose histograms are shown
  logY: false,
  smooth: 0,            // EMA weight of the loss chart, one of SMOOTHINGS
  tab: 'training',      // which tab of views is shown: 'training' | 'theory'
  embed: null,          // null = the full page; an array of EMBED_PARTS = embed mode
  theme: 'auto',        // 'auto' (follow the system) | 'light' | 'dark'
  // Web Workers the runs are spread over (run-pool.js): 'auto' = one per core up to one per run
  // (one in an embed that shares the screen), or 1..MAX_RUNS. Changing it restarts the runs.
  workers: 'auto',
});

// Fields that define the runs: changing one re-creates them (step 0).
export const RUN_FIELDS = Object.freeze(['inits', 'dataset', 'samples', 'noise', 'testFraction',
  'inputDim', 'classes', 'seed', 'hidden', 'activation', 'leakySlope', 'gain', 'initStd', 'weightVar',
  'biasVar', 'optimizer', 'learningRate', 'momentum', 'batchSize', 'loss']);

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
function oneOf(field, raw, ids) {
  const v = String(raw);
  if (!ids.includes(v)) throw new StateError(field, show(v), `one of ${ids.join(', ')}`);
  return v;
}
function list(raw) {
  return Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((s) => s.trim()).filter(Boolean);
}

// One number for every run, or a comma list / array with one number per run (s.inits validated
// before). A list whose values are all equal is that one number: both links mean the same runs.
function perRunNumbers(field, raw, s, lo, hi, { openLo = false } = {}) {
  const n = s.inits.length;
  const range = `${openLo ? '(' : '['}${lo}, ${hi}]`;
  const allowed = n > 1
    ? `a number in ${range}, or a list of ${n} such numbers (one per run)`
    : `a number in ${range}`;
  const items = typeof raw === 'number' ? [raw] : Array.isArray(raw) ? raw : String(raw).split(',');
  const shown = typeof raw === 'number' ? String(raw) : show(Array.isArray(raw) ? raw.join(',') : raw);
  if (items.length !== 1 && items.length !== n) throw new StateError(field, shown, allowed);
  const v = items.map((x) => {
    const y = typeof x === 'number' ? x : parseNumber(x);
    if (y === undefined || !Number.isFinite(y) || (openLo ? y <= lo : y < lo) || y > hi) {
      throw new StateError(field, shown, allowed);
    }
    return y;
  });
  return v.every((y) => y === v[0]) ? v[0] : v;
}

/** Run i's value of a per-run field (weightVar, biasVar): one number for all, or the i-th. */
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

const FREE_CLASSES = ['spiral', 'gaussians', 'gaussian_nd'];

// Order matters: a validator may read fields validated before it (dataset before inputDim,
// samples and testFraction before batchSize, everything before the caps in `hidden`).
const VALIDATORS = {
  inits(raw, s, catalog) {
    const ids = catalog.initializers.map((i) => i.id);
    const v = list(raw);
    if (v.length < 1 || v.length > MAX_RUNS) {
      throw new StateError('inits', show(v.join(',')), `1 to ${MAX_RUNS} initializers`);
    }
    for (const id of v) oneOf('inits', id, ids);
    const once = v.filter((id) => !REPEATABLE.includes(id));
    if (new Set(once).size !== once.length) {
      throw new StateError('inits', show(v.join(',')),
        `each initializer at most once (${REPEATABLE.join(' and ')} may repeat with their own weightVar / biasVar)`);
    }
    return v;
  },
  dataset: (raw, s, catalog) => oneOf('dataset', raw, catalog.datasets.map((d) => d.id)),
  samples(raw, s, { limits: L, ...catalog }) {
    // A dataset read from a file has as many samples as the file (known once it is loaded).
    const max = Math.min(L.maxSamples, datasetInfo(catalog, s.dataset).maxSamples ?? L.maxSamples);
    return int('samples', raw, L.minSamples, max);
  },
  noise: (raw, s, { limits: L }) => num('noise', raw, 0, L.maxNoise, `a number in [0, ${L.maxNoise}]`),
  testFraction(raw, s, { limits: L }) {
    const v = num('testFraction', raw, 0, L.maxTestFraction, `a number in [0, ${L.maxTestFraction}]`);
    if (trainCount({ ...s, testFraction: v }) < 1) {
      throw new StateError('testFraction', String(v), 'a fraction that leaves at least one training sample');
    }
    return v;
  },
  // gaussian_nd takes any input size; spiral, gaussians and gaussian_nd any class count; every
  // other dataset has its own fixed sizes (0 = use them).
  inputDim(raw, s, catalog) {
    const L = catalog.limits;
    if (s.dataset === 'gaussian_nd') return int('inputDim', raw, 0, L.maxInputDim, `an integer in 1..${L.maxInputDim} (0 = default)`);
    const own = datasetInfo(catalog, s.dataset).inputDim;
    const v = int('inputDim', raw, 0, own, `${own} (or 0 = unset) for ${s.dataset}`);
    if (v !== 0 && v !== own) throw new StateError('inputDim', String(v), `${own} (or 0 = unset) for ${s.dataset}`);
    return v;
  },
  classes(raw, s, catalog) {
    if (FREE_CLASSES.includes(s.dataset)) {
      const allowed = `an integer in 2..${catalog.limits.maxClasses} (0 = default)`;
      const v = int('classes', raw, 0, catalog.limits.maxClasses, allowed);
      if (v === 1) throw new StateError('classes', '1', allowed);
      return v;
    }
    const own = datasetInfo(catalog, s.dataset).classes;
    const v = int('classes', raw, 0, own, `${own} (or 0 = unset) for ${s.dataset}`);
    if (v !== 0 && v !== own) throw new StateError('classes', String(v), `${own} (or 0 = unset) for ${s.dataset}`);
    return v;
  },
  seed: (raw) => int('seed', raw, 0, MAX_SEED),
  activation: (raw, s, catalog) => oneOf('activation', raw, catalog.activations),
  leakySlope: (raw) => num('leakySlope', raw, 0, 1, 'a number in [0, 1]'),
  gain(raw, s, { limits: L }) {
    if (raw === 'default' || raw === 'auto') {
      if (raw === 'auto' && s.activation === 'gelu') {
        throw new StateError('gain', '"auto"', 'a number: calculate_gain has no value for gelu');
      }
      return raw;
    }
    return num('gain', raw, 0, L.maxGain, `"default", "auto" or a number in [0, ${L.maxGain}]`);
  },
  initStd: (raw) => num('initStd', raw, 0, 100, 'a number in [0, 100]'),
  weightVar: (raw, s, { limits: L }) => perRunNumbers('weightVar', raw, s, 0, L.maxWeightVar ?? 100, { openLo: true }),
  biasVar: (raw, s, { limits: L }) => perRunNumbers('biasVar', raw, s, 0, L.maxBiasVar ?? 100),
  optimizer: (raw, s, catalog) => oneOf('optimizer', raw, catalog.optimizers),
  learningRate: (raw, s, { limits: L }) => num('learningRate', raw, 0, L.maxLearningRate,
    `a number in (0, ${L.maxLearningRate}]`, { openLo: true }),
  momentum: (raw) => num('momentum', raw, 0, 1, 'a number in [0, 1)', { openHi: true }),
  batchSize(raw, s) {
    const n = trainCount(s);
    return int('batchSize', raw, 0, n, `an integer in 0..${n} (0 = full batch; ${n} training samples)`);
  },
  loss: (raw, s, catalog) => oneOf('loss', raw, catalog.losses),
  hidden(raw, s, catalog) {
    const L = catalog.limits;
    const v = Array.isArray(raw) ? raw.slice() : parseHidden(raw);
    if (v && v.tooDeep) {
      throw new StateError('hidden', `${v.tooDeep} layers`, `1..${L.maxDepth} hidden layers`);
    }
    if (!v || v.length < 1 || v.length > L.maxDepth) {
      throw new StateError('hidden', Array.isArray(raw) ? `a list of ${raw.length} layers` : show(raw),
        `"WIDTHxDEPTH" (e.g. 64x10) or a list of widths (e.g. 128,64,32), 1..${L.maxDepth} layers`);
    }
    v.forEach((w, i) => int(`hidden[${i}]`, w, 1, L.maxWidth));
    const params = parameterCount(v, resolvedInputDim(s, catalog), resolvedClasses(s, catalog));
    if (params > L.maxParameters) {
      throw new StateError('hidden', `a network of ${params} parameters`,
        `at most ${L.maxParameters} parameters (fewer or narrower layers)`);
    }
    const units = v.reduce((a, b) => a + b, 0) + resolvedClasses(s, catalog);
    const n = trainCount(s);
    const rows = Math.max(s.batchSize === 0 ? n : s.batchSize, Math.min(catalog.probeSize, n), 1);
    if (rows * units > L.maxActivations) {
      throw new StateError('hidden', `a network of ${units} units`,
        `at most ${L.maxActivations} activations per batch (${rows} rows x ${units} units): use fewer units or a smaller batch`);
    }
    return v;
  },
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

// The engine config of run `index` (camelCase fields of DESIGN.md's createRun). weightVar and
// biasVar go only to the initializers that read them, and biasVar 0 not even there for
// orthogonal: every config from before these fields stays exactly the same.
export function runConfig(state, init, index = 0) {
  const config = {
    dataset: state.dataset, samples: state.samples, noise: state.noise,
    testFraction: state.testFraction, inputDim: state.inputDim, classes: state.classes,
    seed: state.seed, hidden: state.hidden.slice(), activation: state.activation,
    leakySlope: state.leakySlope, init, initStd: state.initStd, optimizer: state.optimizer,
    learningRate: state.learningRate, momentum: state.momentum, batchSize: state.batchSize,
    loss: state.loss,
  };
  if (state.gain !== 'default') config.gain = state.gain;
  if (USES.weightVar.includes(init)) config.weightVar = perRun(state.weightVar ?? DEFAULTS.weightVar, index);
  const biasVar = perRun(state.biasVar ?? DEFAULTS.biasVar, index);
  if (init === 'mean_field' || (USES.biasVar.includes(init) && biasVar !== 0)) config.biasVar = biasVar;
  return config;
}

export function sameRuns(a, b) {
  return RUN_FIELDS.every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]));
}
