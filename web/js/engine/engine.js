// engine.js: the initscope engine, the ONLY module that touches the Embind factory.
//
// Everything else (the page, the worker, Node scripts) talks to the object loadEngine() returns
// and to the Run objects it creates; raw Embind handles never leave this file. Works in browsers,
// Web Workers and Node >= 20.
//
//   const engine = await loadEngine();
//   const run = engine.createRun({ dataset: 'spiral', hidden: [64, 64, 64], init: 'he_normal' });
//   run.step(100); run.evaluate(); run.layerStats(); run.dispose();
//   run.weights(l), run.biases(l): layer l's values (l in 0..hidden.length; the effective weights,
//   multiplier x stored); run.layerInfo(l): { role, fanIn, fanOut, multiplier, lrScale: { weights,
//   biases } } (sp / ntk / mup, spec/parametrizations.md).
//
// Datasets read from a file (fashion_mnist; datasets() marks them needsLoad) are fetched on
// demand: `await engine.loadDataset('fashion_mnist')` before createRun with them.
//
// Lifetimes: a Run owns one C++ object on the wasm heap; run.dispose() frees it (idempotent).
// A Run that is garbage-collected undisposed is freed by a FinalizationRegistry as a safety net,
// but only dispose() frees it at a known time.
//
// Errors: the wasm functions RETURN a JS Error instead of throwing through C++ frames (see
// wasm/adapters.hpp); unwrap() throws it here. After an error the engine keeps working.

import { checkFields, checkInt, configError, snapshotFields } from './validate.js';

const INT_MAX = 2147483647;
// At most this many updates per run.step(n) call: one call runs to its end on the calling thread
// (a worker, or Node's), so step(2 ** 31 - 1) would block it for hours. A default-sized run does
// 100,000 updates in seconds; more is a loop of calls, which also lets a caller look or stop
// in between. Exported for callers that chunk (bench/run-bench.mjs).
export const MAX_STEPS_PER_CALL = 100000;

const isNode = typeof process === 'object' && process !== null &&
  typeof process.versions === 'object' && process.versions !== null && !!process.versions.node &&
  typeof window === 'undefined';

// Where the Emscripten factory lives, best guess first:
//   deployed site: dist/js/engine/engine.js  -> dist/wasm/initscope.mjs   (scripts/build-web.mjs copies it)
//   the repository: web/js/engine/engine.js  -> build/wasm/initscope.mjs  (scripts/build-wasm.sh)
const MODULE_CANDIDATES = ['../../wasm/initscope.mjs', '../../../build/wasm/initscope.mjs'];
// Where a dataset's file (datasets()[i].file) lives, the same way round:
//   deployed site: dist/data/<file>        (scripts/build-web.mjs copies it)
//   the repository: build/data/<file>      (scripts/prepare-data.mjs writes it)
// The browser only ever asks for the first (its own origin, no probing by 404s).
const DATA_CANDIDATES = ['../../data/', '../../../build/data/'];

function unwrap(result) {
  if (result instanceof Error) throw result;
  return result;
}

async function fileExists(url) {
  if (url.protocol !== 'file:') return true;  // can't tell without fetching: let import() decide
  const { access } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  try {
    await access(fileURLToPath(url));
    return true;
  } catch {
    return false;
  }
}

// The default URL of a dataset's file: in Node the first candidate that exists on disk.
async function dataUrl(file) {
  const urls = DATA_CANDIDATES.map((dir) => new URL(dir + file, import.meta.url));
  if (!isNode) return urls[0];
  for (const url of urls) if (await fileExists(url)) return url;
  throw new Error(`initscope: cannot find ${file}; tried ${urls.map((u) => u.href).join(', ')}. ` +
    'Make it with `node scripts/prepare-data.mjs` (npm test / npm start do), or pass ' +
    'loadDataset(id, { url }) or { bytes }.');
}

function asBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) {
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  throw configError('bytes', bytes, "a Uint8Array or ArrayBuffer (the bytes of the dataset's file)");
}

async function importFactory(options) {
  const base = import.meta.url;
  const candidates = options.moduleUrl !== undefined
    ? [new URL(String(options.moduleUrl), base)]
    : MODULE_CANDIDATES.map((p) => new URL(p, base));
  const failures = [];
  for (const url of candidates) {
    if (isNode && !(await fileExists(url))) {
      failures.push(`${url.href} (not found)`);
      continue;
    }
    try {
      const mod = await import(url.href);
      const factory = mod.default ?? mod.createInitscopeModule;
      if (typeof factory !== 'function') throw new Error('no default export');
      return { factory, url };
    } catch (e) {
      failures.push(`${url.href} (${e && e.message ? e.message : e})`);
    }
  }
  throw new Error(`initscope: cannot load the WebAssembly engine; tried ${failures.join('; ')}. ` +
    'Build it with `bash scripts/build-wasm.sh` (or pass loadEngine({ moduleUrl, wasmUrl })).');
}

// The bytes at a URL: a file read in Node, else fetch(). TOOLCHAIN trap 3: in Node the generated
// loader would fetch() a file path and fail, so the .wasm is read here and passed as wasmBinary.
async function readBytes(url) {
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    return readFile(fileURLToPath(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`initscope: cannot fetch ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function deepFreeze(object) {
  for (const v of Object.values(object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(object);
}

/**
 * One training run: dataset + network + optimizer + per-layer statistics, on the wasm heap.
 * Create with engine.createRun(config); free with dispose().
 */
class Run {
  #owner;   // { checkAlive(), released(run) }: the engine's bookkeeping, kept off its public face
  #handle;  // the Embind RunHandle; null once disposed
  #config;

  constructor(owner, handle) {
    this.#owner = owner;
    this.#handle = handle;
    this.#config = deepFreeze(handle.config());
  }

  #live() {
    if (this.#handle === null) throw new Error('run is disposed: create a new one with engine.createRun()');
    this.#owner.checkAlive();
    return this.#handle;
  }

  /** The resolved config (frozen; inputDim and classes filled in). createRun(run.config) gives the same run. */
  get config() { return this.#config; }
  /** Updates done so far. */
  get stepCount() { return this.#live().stepCount(); }
  get disposed() { return this.#handle === null; }

  /** n minibatch updates, n in 0..MAX_STEPS_PER_CALL (stops early on divergence). Returns { step, loss }. */
  step(n = 1) {
    checkInt('n', n, 0, MAX_STEPS_PER_CALL, `an integer in 0..${MAX_STEPS_PER_CALL} ` +
      `(at most ${MAX_STEPS_PER_CALL} updates per call: call step repeatedly for more)`);
    return unwrap(this.#live().step(n));
  }

  /** { step, trainLoss, testLoss, trainAccuracy, testAccuracy, diverged: null | step }. */
  evaluate() { return unwrap(this.#live().evaluate()); }

  /**
   * Per-layer statistics on the probe batch, one entry per weight layer (hidden layers, then the
   * output layer): Float64Arrays preMean, preVar, postMean, postVar, deadFraction, gradVar,
   * weightGradVar, weightVar, theoryVar, corr (mean cosine of probe-pair pre-activations),
   * theoryCorr (the mean-field correlation map on the same pairs, fixed at init), theoryGradVar
   * (the backward variance recursion, fixed at init); symmetric: boolean[]; theoryExact: boolean;
   * histogram: { lo, hi (Float64Array per layer, fixed at step 0), bins, counts: Uint32Array[],
   * below, above (Float64Array per layer: values outside [lo, hi]) }.
   */
  layerStats() { return unwrap(this.#live().layerStats()); }

  /**
   * The number of Linear layers: hidden.length + 1 (plain), or the stem, blockLayers per block
   * and the readout (architecture residual). weights(l), biases(l), layerInfo(l) take l below it.
   */
  layerCount() {
    const c = this.#config;
    return c.architecture === 'residual' ? 2 + c.hidden.length * (c.blockLayers ?? 1) : c.hidden.length + 1;
  }
  #layer(l) {
    return checkInt('layer', l, 0, this.layerCount() - 1);
  }
  /**
   * Float32Array copy of layer l's effective weights (multiplier x stored; sp: the stored ones),
   * [fanOut][fanIn]; l in 0..layerCount() - 1. The same bits as `initscope dump --what weights`.
   */
  weights(l) { return unwrap(this.#live().weights(this.#layer(l))); }
  /**
   * Layer l's place and width scaling (spec/parametrizations.md), as `initscope dump --what
   * weights` reports it: { role: 'input' | 'hidden' | 'readout', fanIn, fanOut, multiplier (the
   * forward multiplier m), lrScale: { weights, biases } (each tensor steps at lrScale x
   * learningRate) }; l in 0..hidden.length.
   */
  layerInfo(l) { return unwrap(this.#live().layerInfo(this.#layer(l))); }
  /** Float32Array copy of layer l's biases. */
  biases(l) { return unwrap(this.#live().biases(this.#layer(l))); }

  /** { xTrain, yTrain, xTest, yTest, inputDim, classes, bounds: [x0min, x0max, x1min, x1max] }. */
  dataset() { return unwrap(this.#live().dataset()); }

  /** Class probabilities on a resolution^2 grid over dataset().bounds: [res][res][classes], 2-D data only. */
  predictGrid(resolution) {
    checkInt('resolution', resolution, 2, 256);  // Run::predict_grid's range, in its words
    return unwrap(this.#live().predictGrid(resolution));
  }

  /**
   * Singular values of d h_last / d h_first (pre-activations of the first and last hidden layer)
   * at a few probe inputs: { singularValues: Float64Array[] (descending), meanSquared,
   * theoryMeanSquared, firstLayer, lastLayer }. Throws for a stack too large to differentiate.
   */
  jacobianSpectrum() { return unwrap(this.#live().jacobianSpectrum()); }

  /** Int32Array: the predicted class of the first n test rows (dataset().xTest order). */
  predictTest(n) {
    checkInt('n', n, 0, INT_MAX);
    return unwrap(this.#live().predictTest(n));
  }

  /** Float64Array [classes]: test accuracy per class (NaN for a class without test rows). */
  classAccuracy() { return unwrap(this.#live().classAccuracy()); }

  /** Frees the C++ run. Safe to call twice; every other method throws afterwards. */
  dispose() {
    if (this.#handle === null) return;
    const handle = this.#handle;
    this.#handle = null;
    this.#owner.released(this);
    if (!handle.isDeleted()) handle.delete();
  }
}

class Engine {
  #m;
  #configFields;
  #sampleFields;
  #meanFieldFields;
  #criticalFields;
  #phaseFields;
  #aborted;
  #live = 0;
  #loads = new Map();  // dataset id -> the promise of its default load (loadDataset is idempotent)
  // Safety net for a Run dropped without dispose(): frees its C++ object when the Run is
  // garbage-collected (at a time nobody controls; dispose() is the real API).
  #leaked = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((handle) => {
      if (!handle.isDeleted()) handle.delete();
      this.#live--;
    })
    : null;

  #owner = {
    checkAlive: () => this.#checkAlive(),
    released: (run) => {
      if (this.#leaked) this.#leaked.unregister(run);
      this.#live--;
    },
  };

  constructor(module, abortState) {
    this.#m = module;
    this.#configFields = module.configFields();
    this.#sampleFields = module.sampleFields();
    this.#meanFieldFields = module.meanFieldFields();
    this.#criticalFields = module.criticalWeightVarFields();
    this.#phaseFields = module.phaseDiagramFields();
    this.#aborted = abortState;
  }

  // After an abort (a wasm trap) the module's memory is in an unknown state: refuse to go on.
  #checkAlive() {
    if (this.#aborted.reason !== null) {
      throw new Error(`initscope engine has stopped (${this.#aborted.reason}): load a new one`);
    }
  }

  /** [{ id, label, formula }] */
  initializers() { return this.#m.initializers(); }
  /** ['relu', 'leaky_relu', ...] */
  activations() { return this.#m.activations(); }
  /**
   * [{ id, label, inputDim, classes, needsLoad, loaded, file, maxSamples }]. needsLoad: the data
   * comes from `file` and loadDataset(id) must finish before createRun with it; loaded: it has;
   * maxSamples: the most samples a run may draw (null until loaded).
   */
  datasets() { return this.#m.datasets(); }

  /**
   * Loads a dataset's file into the engine (once: later calls return the same promise), so that
   * createRun can use it. Generated datasets need nothing and resolve at once. Resolves to the
   * dataset's datasets() entry.
   * options.bytes: the file's bytes (Uint8Array | ArrayBuffer); options.url: where to fetch it
   *   (relative URLs resolve against this file). Either one loads again, replacing the data for
   *   runs created afterwards. Default: data/<file> beside the site's js/ folder (dist/data/);
   *   in Node also the repository's build/data/.
   */
  loadDataset(id, options = {}) {
    if (options === null || typeof options !== 'object') {
      return Promise.reject(configError('loadDataset', options, 'an object { url, bytes } or nothing'));
    }
    const fresh = options.bytes !== undefined || options.url !== undefined;
    if (!fresh && this.#loads.has(id)) return this.#loads.get(id);
    const load = this.#load(id, options);
    this.#loads.set(id, load);
    load.catch(() => { if (this.#loads.get(id) === load) this.#loads.delete(id); });  // retry later
    return load;
  }

  async #load(id, { bytes, url }) {
    this.#checkAlive();
    const info = this.datasets().find((d) => d.id === id);
    if (!info) {  // createRun's message for an unknown id (undefined included)
      throw configError('dataset', id, this.#configFields.find((f) => f.name === 'dataset').allowed);
    }
    if (!info.needsLoad) return info;
    if (bytes === undefined) {
      const from = url !== undefined
        ? new URL(String(url), import.meta.url)
        : await dataUrl(info.file);
      try {
        bytes = await readBytes(from);
      } catch (e) {
        const reason = String(e && e.message ? e.message : e).replace(/^initscope: /, '');
        throw new Error(`initscope: cannot load the data of ${id}: ${reason} (the site serves ` +
          `data/${info.file}: scripts/prepare-data.mjs makes it, scripts/build-web.mjs copies it)`);
      }
    }
    const data = asBytes(bytes);
    this.#checkAlive();
    return unwrap(this.#m.loadDataset(id, data));
  }

  optimizers() { return this.#m.optimizers(); }
  losses() { return this.#m.losses(); }
  /** The core's caps: { maxDepth, maxWidth, maxParameters, maxActivations, ... }. */
  limits() { return this.#m.limits(); }
  /**
   * The ready-made experiments, in course order (the page's menu, `initscope presets`):
   * [{ id, chapter, label, source, what, watch, inits, config, runs, perRun, sweep, coordcheck }];
   * config is shared by the runs (createRun(runs[i]) builds run i), inits one per run, perRun
   * { field: [one value per run] } the other fields the runs differ in (pre_vs_post_ln:
   * { normPosition: ['pre', 'post'] }; {} = none).
   */
  presets() { return this.#m.presets(); }
  /** The C++ defaults of every config field (inputDim/classes 0 = the dataset's own). */
  defaultConfig() { return this.#m.defaultConfig(); }
  /** The core's field registry (fields.json's `fields`: [{ name, kind, allowed, min, max, ids, ... }]). */
  configFields() { return structuredClone(this.#configFields); }

  /**
   * A fresh weight matrix, Float32Array [fanOut][fanIn], from the stream (seed, kSample) — the
   * numbers `initscope sample --raw` prints. options: { init, fanIn, fanOut, seed, activation,
   * leakySlope, gain, fanMode, initValue, initStd, initBound }.
   */
  sampleInit(options) {
    this.#checkAlive();
    const plain = snapshotFields(options, this.#sampleFields, 'sampleInit');
    checkFields(plain, this.#sampleFields, 'sampleInit');
    return unwrap(this.#m.sampleInit(plain));
  }

  /**
   * Mean-field signal propagation (Poole et al. 2016, Schoenholz et al. 2017) for W ~ N(0,
   * weightVar/fan_in), b ~ N(0, biasVar). options: { activation, leakySlope, weightVar, biasVar,
   * depth, q0, c0 } (missing: the defaults). Returns { q, c: Float64Array(depth + 1) (index 0 is
   * the input), qStar, cStar, chi1, chiC, xiQ, xiC, phase: 'ordered' | 'critical' | 'chaotic' };
   * qStar, xiQ, xiC may be Infinity, xiQ null when the length diverges.
   */
  meanField(options) {
    this.#checkAlive();
    const plain = snapshotFields(options, this.#meanFieldFields, 'meanField');
    checkFields(plain, this.#meanFieldFields, 'meanField');
    return unwrap(this.#m.meanField(plain));
  }

  /** sigma_w^2 where chi_1 = 1, for { activation, leakySlope, biasVar }; null if none in (0, 100]. */
  criticalWeightVar(options) {
    this.#checkAlive();
    const plain = snapshotFields(options, this.#criticalFields, 'criticalWeightVar');
    checkFields(plain, this.#criticalFields, 'criticalWeightVar');
    return unwrap(this.#m.criticalWeightVar(plain));
  }

  /**
   * chi_1 and xi_c over the (sigma_w^2, sigma_b^2) plane for a phase diagram's shading and
   * contours: { activation, leakySlope, wMax, bMax, nx, ny } -> { chi1, xiC: Float64Array [ny][nx] }
   * at the cell centres (weightVar = wMax (i + 0.5) / nx, biasVar = bMax (j + 0.5) / ny), with a
   * coarser quadrature than meanField's (about 1e-6 relative): a picture, not a number to read.
   */
  phaseDiagram(options) {
    this.#checkAlive();
    checkFields(options, this.#phaseFields, 'phaseDiagram');
    return unwrap(this.#m.phaseDiagram(options));
  }

  // -------------------------------------------------------------------------------------------
  // The coordinate check (`initscope coordcheck`, spec/parametrizations.md), task by task so a
  // pool of workers can share it (width/width-pool.js); width/coordcheck-doc.js writes the CLI's
  // JSON and CSV from the pieces. A spec is { config, parametrizations, widths, steps, seeds }:
  // config's run fields go on top of the check's own defaults (coordcheckDefaults().config:
  // gaussians, learningRate 0.001), the rest default as the CLI's flags do.

  #coordSpec(spec) {
    if (spec === undefined) return {};
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw configError('coordcheck', spec, 'an object');
    const plain = {};
    for (const key of Object.keys(spec)) plain[key] = spec[key];
    if (plain.config !== undefined) {
      plain.config = snapshotFields(plain.config, this.#configFields, 'config');
      checkFields(plain.config, this.#configFields, 'config');
    }
    for (const key of ['parametrizations', 'widths']) {
      if (plain[key] !== undefined && !Array.isArray(plain[key])) throw configError(key, plain[key], 'an array');
      if (plain[key] !== undefined) plain[key] = plain[key].slice(0, 64);   // the core refuses more than 32
    }
    return plain;
  }

  /** The CLI's defaults: { config (every run field), parametrizations, widths, steps, seeds }. */
  coordcheckDefaults() { return unwrap(this.#m.coordcheckDefaults()); }

  /**
   * Checks a spec and lays out its tasks: { config (what the CLI prints: the first task's, sizes
   * resolved), parametrizations, widths, steps, seeds, layers (hidden layers + the logits),
   * tasks: [{ parametrization, width, seed }] } (parametrization-major, then width, then seed).
   */
  coordcheckPlan(spec) {
    this.#checkAlive();
    return unwrap(this.#m.coordcheckPlan(this.#coordSpec(spec)));
  }

  /**
   * Task `task` of the plan: { task, size, change: Float64Array((steps + 1) * layers) },
   * step-major then layer; size = mean |pre|, change = mean |pre(t) - pre(0)|.
   */
  coordcheckTask(spec, task) {
    this.#checkAlive();
    checkInt('task', task, 0, INT_MAX);
    return unwrap(this.#m.coordcheckTask(this.#coordSpec(spec), task));
  }

  /**
   * The fitted slopes of log2(mean over seeds) against log2(width) from every task's size and
   * change, end to end in task order: [{ parametrization, step, layer, size, change }] (NaN where
   * no line fits: change at step 0). Computed in the core, so the bits are the CLI's.
   */
  coordcheckSlopes(spec, size, change) {
    this.#checkAlive();
    return unwrap(this.#m.coordcheckSlopes(this.#coordSpec(spec), size, change));
  }

  /**
   * The whole check on this thread: { plan, size, change (all tasks end to end), slopes }.
   * options.onTask(done, total) after each task; return false from it to stop (the result is
   * then null).
   */
  coordcheck(spec, { onTask } = {}) {
    const plan = this.coordcheckPlan(spec);
    const n = plan.tasks.length;
    const per = (plan.steps + 1) * plan.layers;
    const size = new Float64Array(n * per);
    const change = new Float64Array(n * per);
    for (let t = 0; t < n; t++) {
      const r = this.coordcheckTask(spec, t);
      size.set(r.size, t * per);
      change.set(r.change, t * per);
      if (onTask && onTask(t + 1, n) === false) return null;
    }
    return { plan, size, change, slopes: this.coordcheckSlopes(spec, size, change) };
  }

  /** A new Run from a config object (missing fields take the defaults). */
  createRun(config) {
    this.#checkAlive();
    // Read once (snapshotFields): the checks and the core see the same values.
    const plain = snapshotFields(config, this.#configFields, 'config');
    checkFields(plain, this.#configFields, 'config');
    const handle = unwrap(this.#m.createRun(plain));
    const run = new Run(this.#owner, handle);
    if (this.#leaked) this.#leaked.register(run, handle, run);
    this.#live++;
    return run;
  }

  /** Runs created and not yet disposed. */
  get liveRuns() { return this.#live; }
  /**
   * What a leak would move: { heapBytes (linear memory; grows, never shrinks), heapUsedBytes
   * (malloc'd now), emvalHandles (JS values held by C++), liveRuns (created, not disposed) }.
   */
  memory() {
    return {
      heapBytes: this.#m.heapBytes(),
      heapUsedBytes: this.#m.heapUsedBytes(),
      emvalHandles: typeof this.#m.count_emval_handles === 'function' ? this.#m.count_emval_handles() : NaN,
      liveRuns: this.#live,
    };
  }
}

/**
 * Loads the WebAssembly engine.
 * options.moduleUrl: the Emscripten factory (initscope.mjs); default: dist/wasm next to dist/js,
 *   else the repository's build/wasm. Relative URLs resolve against this file.
 * options.wasmUrl: the .wasm (default: next to the factory). options.wasmBinary: its bytes.
 * options.print / options.printErr: where the module's stdout / stderr go.
 */
export async function loadEngine(options = {}) {
  const { factory, url } = await importFactory(options);
  const wasmUrl = options.wasmUrl !== undefined
    ? new URL(String(options.wasmUrl), import.meta.url)
    : new URL(url.pathname.replace(/\.m?js$/, '.wasm').split('/').pop(), url);
  const abortState = { reason: null };
  const moduleOptions = {
    locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmUrl.href : prefix + path),
    onAbort: (what) => { abortState.reason = String(what ?? 'abort'); },
  };
  if (options.print) moduleOptions.print = options.print;
  if (options.printErr) moduleOptions.printErr = options.printErr;
  if (options.wasmBinary) moduleOptions.wasmBinary = options.wasmBinary;
  else if (isNode) moduleOptions.wasmBinary = await readBytes(wasmUrl);
  const module = await factory(moduleOptions);
  return new Engine(module, abortState);
}
