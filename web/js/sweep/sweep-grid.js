// sweep-grid.js: the page's side of a sweep (core/include/initscope/sweep.hpp), pure functions,
// no DOM and no engine: axis specs, the cell -> config mapping, seeds, summaries, the
// coarse-to-fine order the heatmap fills in, and the CLI's JSON/CSV formats.
//
// Every number here must be the CLI's to the bit (tests/node/sweep.test.mjs compares the CSV of
// `initscope sweep` with this module's on the same sweep): the linspace and the mean use the
// same expressions in the same order as core/src/sweep.cpp, and seeds are (base + index) mod 2^32.
//
//   axis  { field, numeric, values: [number | id], labels: [text] }  (a number field's list with
//         one of its words, residualScale=one,inv_sqrt_depth, is numeric: false, its values the
//         words and numbers the engine takes, its labels what the CLI prints)
//   sweep { base (a resolved engine config), axes: [x], [x, y] or [x, y, split], steps, seeds }
//   task  t = cell * seeds + s,  cell = (iz * ny + iy) * nx + ix  (the CLI's row order; the
//         split, a third axis, is the x-y grid once per value, drawn as panels side by side)

import { formatNumber, jsonText } from '../export/export.js';
import { CONFIG_FIELDS, coreDefaults } from '../engine/fields.js';

// The fields an axis can vary: the registry's sweepable fields, plus depth (layers of the first
// width) and width (every layer), which the sweep derives from `hidden`. Numbers and integers
// take START:STOP:COUNT or a list; the rest (ids, booleans) take lists.
const SWEEPABLE = CONFIG_FIELDS.filter((f) => f.sweepable);
const isNumeric = (f) => f.kind === 'number' || f.kind === 'integer';
export const NUMERIC_FIELDS = ['depth', 'width', ...SWEEPABLE.filter(isNumeric).map((f) => f.name)];
const INTEGER_FIELDS = new Set(['depth', 'width', ...SWEEPABLE.filter((f) => f.kind === 'integer').map((f) => f.name)]);
export const CATEGORICAL_FIELDS = SWEEPABLE.filter((f) => !isNumeric(f)).map((f) => f.name);
const BOOLEAN_FIELDS = new Set(SWEEPABLE.filter((f) => f.kind === 'boolean').map((f) => f.name));
// A number field's words (residualScale's one, inv_sqrt_depth, ...; gain's auto), and the
// allowed text a bad item of such a field's list is reported with.
const WORDS = new Map(SWEEPABLE.filter((f) => f.words?.length).map((f) => [f.name, f]));
export const fieldWords = (field) => WORDS.get(field)?.words ?? [];
export const MAX_AXIS_COUNT = 1000;
export const MAX_SEEDS = 100;

function invalid(field, value, allowed) {
  return new Error(`invalid ${field} = ${value}: expected ${allowed}`);
}
const quote = (s) => JSON.stringify(String(s));
const readNumber = (t) => (t !== '' && !/^\s/.test(t) && Number.isFinite(Number(t)) && !/^0x/i.test(t) ? Number(t) : null);
const shown = (t) => (readNumber(t) !== null ? t : quote(t));

/** FIELD=START:STOP:COUNT (inclusive linspace) or FIELD=A,B,C; errors as the core words them. */
export function parseAxis(spec, what = 'axis') {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq + 1 === spec.length) {
    throw invalid(what, quote(spec), 'FIELD=START:STOP:COUNT or FIELD=A,B,...');
  }
  const field = spec.slice(0, eq);
  const rest = spec.slice(eq + 1);
  const numeric = NUMERIC_FIELDS.includes(field);
  if (!numeric && !CATEGORICAL_FIELDS.includes(field)) {
    throw invalid(`${what} field`, quote(field), `one of ${[...NUMERIC_FIELDS, ...CATEGORICAL_FIELDS].join(', ')}`);
  }
  if (!numeric) {
    const labels = rest.split(',');
    const values = BOOLEAN_FIELDS.has(field) ? labels.map((t) => (t === 'true' ? true : t === 'false' ? false : t)) : labels;
    return { field, numeric, values, labels };
  }
  const values = [];
  const add = (v) => {
    if (INTEGER_FIELDS.has(field) && !Number.isInteger(v)) throw invalid(field, formatNumber(v), 'an integer');
    values.push(v);
  };
  if (rest.includes(':')) {
    const parts = rest.split(':');
    const start = readNumber(parts[0] ?? '');
    const stop = readNumber(parts[1] ?? '');
    if (parts.length !== 3 || start === null || stop === null) {
      throw invalid(field, quote(rest), 'START:STOP:COUNT (two numbers and a count)');
    }
    const count = readNumber(parts[2]);
    if (count === null || !Number.isInteger(count) || count < 1 || count > MAX_AXIS_COUNT) {
      throw invalid(`${field} count`, shown(parts[2]), `an integer in 1..${MAX_AXIS_COUNT}`);
    }
    for (let i = 0; i < count; i++) add(linspaceAt(start, stop, count, i));
  } else {
    const items = rest.split(',');
    if (items.length > MAX_AXIS_COUNT) throw invalid(`${field} count`, items.length, `an integer in 1..${MAX_AXIS_COUNT}`);
    // core/src/sweep.cpp: a word makes the axis non-numeric; its labels are the words as typed
    // and the numbers in shortest form (what the CLI prints as its values).
    const words = WORDS.get(field);
    let hasWord = false;
    for (const item of items) {
      if (words?.words.includes(item)) {
        hasWord = true;
        values.push(item);
        continue;
      }
      const v = readNumber(item);
      if (v === null) throw invalid(field, shown(item), words ? words.allowed : 'a number');
      add(v);
    }
    if (hasWord) {
      return { field, numeric: false, values, labels: values.map((v) => (typeof v === 'number' ? formatNumber(v) : v)) };
    }
  }
  return { field, numeric, values, labels: values.map(formatNumber) };
}

/** An axis value as the CLI's JSON writes it: a word axis's (numeric: false) are its labels. */
export const jsonValue = (axis, i) => (!axis.numeric && WORDS.has(axis.field) ? axis.labels[i] : axis.values[i]);

/** Value i of an inclusive linspace: core/src/sweep.cpp's expression, so the doubles agree. */
export function linspaceAt(start, stop, count, i) {
  if (count === 1) return start;
  if (i === count - 1) return stop;
  return start + ((stop - start) * i) / (count - 1);
}

/** The spec text of an axis (the inverse of parseAxis, for links and the CLI command). */
export function axisSpec(axis) {
  return `${axis.field}=${axis.labels.join(',')}`;
}

export const sweepSeed = (base, index) => (base + index) >>> 0;
export const cellCount = (sweep) => sweep.axes.reduce((n, a) => n * a.values.length, 1);
export const taskCount = (sweep) => cellCount(sweep) * sweep.seeds;
export function axisIndex(sweep, cell, axis) {
  let c = cell;
  for (let a = 0; a < axis; a++) c = Math.floor(c / sweep.axes[a].values.length);
  return axis + 1 < sweep.axes.length ? c % sweep.axes[axis].values.length : c;
}

/** One axis value written into an engine config (a copy): depth and width become `hidden`. */
export function setAxisValue(config, axis, i) {
  const v = axis.values[i];
  const c = { ...config };
  if (axis.field === 'depth') c.hidden = new Array(v).fill(config.hidden?.[0] ?? 64);
  else if (axis.field === 'width') c.hidden = new Array(config.hidden.length).fill(v);
  else if (axis.field === 'gain') c.gain = v;
  else c[axis.field] = v;
  return c;
}

/** The engine config of a task: the base with the cell's axis values (y first) and its seed. */
export function taskConfig(sweep, task) {
  const cell = Math.floor(task / sweep.seeds);
  let c = { ...sweep.base };
  for (let a = sweep.axes.length - 1; a >= 0; a--) c = setAxisValue(c, sweep.axes[a], axisIndex(sweep, cell, a));
  c.seed = sweepSeed(sweep.base.seed, task % sweep.seeds);
  return c;
}

/** The config of one cell (seed index 0), for "open this cell as runs". */
export const cellConfig = (sweep, cell) => taskConfig(sweep, cell * sweep.seeds);

/** Means over the seeds that did not diverge (NaN if none), summed in seed order then divided. */
export function summarize(results) {
  const s = { trainLoss: 0, testLoss: 0, trainAccuracy: 0, testAccuracy: 0, diverged: 0 };
  let live = 0;
  for (const r of results) {
    if (r.diverged !== null) {
      s.diverged++;
      continue;
    }
    live++;
    s.trainLoss += r.trainLoss;
    s.testLoss += r.testLoss;
    s.trainAccuracy += r.trainAccuracy;
    s.testAccuracy += r.testAccuracy;
  }
  const n = live || NaN;
  for (const k of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy']) s[k] /= n;
  return s;
}

/**
 * Cells in the order that sharpens a picture: every 2^k-th cell of both axes first (k from the
 * coarsest that still has more than one cell), then every 2^(k-1)-th not yet taken, ... down to
 * every cell. Each level halves the blocks the heatmap paints from the nearest computed cell.
 */
export function progressiveOrder(nx, ny) {
  let stride = 1;
  while (stride * 2 < Math.max(nx, ny)) stride *= 2;
  const taken = new Uint8Array(nx * ny);
  const order = [];
  for (; stride >= 1; stride /= 2) {
    for (let iy = 0; iy < ny; iy += stride) {
      for (let ix = 0; ix < nx; ix += stride) {
        const cell = iy * nx + ix;
        if (!taken[cell]) {
          taken[cell] = 1;
          order.push(cell);
        }
      }
    }
  }
  return order;
}

const CONFIG_KEYS = ['dataset', 'samples', 'noise', 'testFraction', 'inputDim', 'classes', 'seed',
  'hidden', 'activation', 'leakySlope', 'init', 'gain', 'fanMode', 'initValue', 'initStd',
  'initBound', 'weightVar', 'biasVar', 'optimizer', 'learningRate', 'momentum', 'batchSize', 'loss', 'probeSize',
  'histBins'];

/**
 * The CLI's JSON document (`initscope sweep --format json`). `results[t]` is task t's
 * { step, trainLoss, testLoss, trainAccuracy, testAccuracy, diverged } (evaluate() after the
 * steps); every task must be done.
 */
export function sweepDocument(sweep, results) {
  const config = {};
  // An engine without the mean-field fields runs as if they had the core's defaults.
  const defaults = { gain: null, weightVar: 1, biasVar: 0 };
  for (const k of CONFIG_KEYS) config[k] = sweep.base[k] === undefined && k in defaults ? defaults[k] : sweep.base[k];
  for (const k of Object.keys(sweep.base)) if (!(k in config)) config[k] = sweep.base[k];
  const cells = [];
  for (let cell = 0; cell < cellCount(sweep); cell++) {
    const runs = results.slice(cell * sweep.seeds, (cell + 1) * sweep.seeds);
    const s = summarize(runs);
    const c = {};
    sweep.axes.forEach((a, i) => { c['xyz'[i]] = jsonValue(a, axisIndex(sweep, cell, i)); });
    Object.assign(c, {
      trainLoss: s.trainLoss, testLoss: s.testLoss, trainAccuracy: s.trainAccuracy, testAccuracy: s.testAccuracy,
      diverged: s.diverged,
      runs: runs.map((r, k) => ({
        seed: sweepSeed(sweep.base.seed, k), step: r.step, trainLoss: r.trainLoss, testLoss: r.testLoss,
        trainAccuracy: r.trainAccuracy, testAccuracy: r.testAccuracy, diverged: r.diverged,
      })),
    });
    cells.push(c);
  }
  return {
    // The page's wasm engine always computes the exact GEMM path (`initscope sweep --gemm exact`);
    // a sweep read from a file (sweep-file.js) keeps the file's.
    config, gemm: sweep.gemm ?? 'exact', ...(sweep.gemm === 'fast' ? { gemmThreads: sweep.gemmThreads } : {}),
    steps: sweep.steps, seeds: sweep.seeds,
    axes: sweep.axes.map((a) => ({ field: a.field, values: a.values.map((_, i) => jsonValue(a, i)) })),
    cells,
  };
}

export const sweepJSON = (sweep, results) => jsonText(sweepDocument(sweep, results));

/** The CLI's CSV (`initscope sweep --format csv`): one row per task. */
export function sweepCSV(sweep, results) {
  const lines = [`${sweep.axes.map((a) => `${a.field},`).join('')}seed,step,trainLoss,testLoss,trainAccuracy,testAccuracy,diverged`];
  results.forEach((r, t) => {
    const cell = Math.floor(t / sweep.seeds);
    const axes = sweep.axes.map((a, i) => `${a.labels[axisIndex(sweep, cell, i)]},`).join('');
    const nums = [r.trainLoss, r.testLoss, r.trainAccuracy, r.testAccuracy].map(formatNumber).join(',');
    lines.push(`${axes}${sweepSeed(sweep.base.seed, t % sweep.seeds)},${r.step},${nums},${r.diverged ?? ''}`);
  });
  return `${lines.join('\n')}\n`;
}

// The core's defaults (the registry's; tests/node/sweep.test.mjs checks they are
// engine.defaultConfig()): a field of the sweep's base that differs from its default gets a flag
// in cliCommand.
export const CORE_DEFAULTS = Object.freeze(coreDefaults());
// Config field -> CLI flag (the short spelling where there is one: --lr), in Config order with
// the seed last (which draw of the experiment comes after what it is). Left out: histBins, the
// histograms' bins, which a sweep does not report, so they cannot change its numbers.
const NOT_IN_COMMAND = new Set(['histBins']);
const FLAGS = [...CONFIG_FIELDS.filter((f) => f.name !== 'seed'), ...CONFIG_FIELDS.filter((f) => f.name === 'seed')]
  .filter((f) => !NOT_IN_COMMAND.has(f.name))
  .map((f) => [f.name, `--${f.short || f.flag}`]);
const flagText = (v) => (Array.isArray(v) ? v.join(',') : typeof v === 'number' ? formatNumber(v) : String(v));

/**
 * The native command that computes the same sweep, to the byte (shown in the view, for a bigger
 * machine): the axes, steps and seeds, then a flag for every field of the base that differs
 * from the core's default, plus the ones a reader looks for first (data, network, init, rate).
 */
export function cliCommand(sweep) {
  const b = sweep.base;
  const parts = ['initscope sweep', `--x ${axisSpec(sweep.axes[0])}`];
  if (sweep.axes[1]) parts.push(`--y ${axisSpec(sweep.axes[1])}`);
  if (sweep.axes[2]) parts.push(`--split ${axisSpec(sweep.axes[2])}`);
  parts.push(`--steps ${sweep.steps}`, `--seeds ${sweep.seeds}`);
  const always = new Set(['dataset', 'hidden', 'activation', 'init', 'learningRate', 'seed']);
  for (const [field, flag] of FLAGS) {
    const v = b[field];
    if (v === undefined || (v === null && field === 'gain')) continue;
    if (!always.has(field) && flagText(v) === flagText(CORE_DEFAULTS[field])) continue;
    // The resolved config carries the dataset's own inputDim and classes (2-D toys 2 and 2,
    // fashion_mnist 784 and 10), which the CLI derives the same way: only a free choice is shown.
    if (field === 'inputDim' && b.dataset !== 'gaussian_nd') continue;
    if (field === 'classes' && (v === 2 || b.dataset === 'fashion_mnist')) continue;
    parts.push(`${flag} ${flagText(v)}`);
  }
  if (sweep.gemm === 'fast') parts.push(`--gemm fast --threads ${sweep.gemmThreads}`);  // a file's (sweep-file.js)
  return parts.join(' ');
}
