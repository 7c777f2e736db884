// sweep-file.js: reads a sweep file that the CLI wrote (`initscope sweep --format json`, or the
// merge of its shards, `initscope sweep merge PART...`, which gives the same bytes) into the
// shapes the sweep view draws: { sweep, results } as sweep-grid.js defines them. Pure (no DOM,
// no engine), so Node tests it against files the CLI writes.
//
// The file is untrusted input: every problem is refused with the key, the value and what is
// allowed (`invalid sweep file: cells[3].runs = ...: expected ...`), and nothing is half-read.

import { NUMERIC_FIELDS, CATEGORICAL_FIELDS, MAX_AXIS_COUNT, MAX_SEEDS, cellCount, sweepSeed, axisIndex, fieldWords, jsonValue } from './sweep-grid.js';
import { formatNumber } from '../export/export.js';

// A file larger than this many runs is refused rather than drawn (the page's own sweeps stop at
// MAX_AXIS_COUNT^2 cells; a cluster file can be larger than a browser tab should hold).
export const MAX_FILE_RUNS = 1000000;

const METRICS = ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'];

function shown(v) {
  const t = JSON.stringify(v);
  if (t === undefined) return String(v);
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

function bad(key, value, allowed) {
  return new Error(`invalid sweep file: ${key} = ${shown(value)}: expected ${allowed}`);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;

// A metric: a number, or null where the CLI wrote a non-finite one (JSON has no NaN).
function metric(key, v) {
  if (v === null) return NaN;
  if (typeof v !== 'number') throw bad(key, v, 'a number or null');
  return v;
}

function readAxis(a, i) {
  const key = `axes[${i}]`;
  if (!isObject(a)) throw bad(key, a, 'an object { field, values }');
  const numeric = NUMERIC_FIELDS.includes(a.field);
  if (!numeric && !CATEGORICAL_FIELDS.includes(a.field)) {
    throw bad(`${key}.field`, a.field, `one of ${[...NUMERIC_FIELDS, ...CATEGORICAL_FIELDS].join(', ')}`);
  }
  if (!Array.isArray(a.values) || a.values.length < 1 || a.values.length > MAX_AXIS_COUNT) {
    throw bad(`${key}.values`, a.values, `a list of 1..${MAX_AXIS_COUNT} values`);
  }
  // A number field's axis with one of its words (residualScale=one,inv_sqrt_depth): the CLI
  // writes every value as its label, a word or a number's shortest form.
  const words = fieldWords(a.field);
  if (numeric && words.length && a.values.some((v) => typeof v === 'string')) {
    const values = a.values.map((v, k) => {
      if (typeof v === 'string' && words.includes(v)) return v;
      const n = typeof v === 'string' && v !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n) || formatNumber(n) !== v) {
        throw bad(`${key}.values[${k}]`, v, `a number's shortest form or one of ${words.join(', ')}`);
      }
      return n;
    });
    return { field: a.field, numeric: false, values, labels: a.values.slice() };
  }
  a.values.forEach((v, k) => {
    const ok = numeric ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string' || typeof v === 'boolean';
    if (!ok) throw bad(`${key}.values[${k}]`, v, numeric ? 'a finite number' : 'an id');
  });
  const values = a.values.slice();
  const labels = values.map((v) => (numeric ? formatNumber(v) : String(v)));
  return { field: a.field, numeric, values, labels };
}

/**
 * The sweep in `text` (the CLI's JSON), as { sweep, results }: `sweep` as sweep-grid.js's
 * { base, axes, steps, seeds, gemm }, `results[t]` task t's { step, trainLoss, testLoss,
 * trainAccuracy, testAccuracy, diverged }. Throws an Error naming what is wrong.
 */
export function readSweepFile(text) {
  if (typeof text !== 'string') throw bad('text', typeof text, 'the text of a JSON file');
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`invalid sweep file: not JSON (${e.message}); expected the output of ` +
      '`initscope sweep --format json` or `initscope sweep merge`');
  }
  if (isObject(doc) && doc.format === 'initscope-sweep-part') {
    throw new Error(`invalid sweep file: this is a part file (shard ${shown(doc.shard)}), not a sweep: ` +
      'merge the parts first with `initscope sweep merge PART...` and open its output');
  }
  if (!isObject(doc)) throw bad('the file', doc, 'a JSON object { config, steps, seeds, axes, cells }');
  if (!isObject(doc.config)) throw bad('config', doc.config, 'an object (the sweep\'s fixed fields)');
  const base = { ...doc.config };
  if (!isCount(base.seed, 0, 4294967295)) throw bad('config.seed', base.seed, 'an integer in 0..4294967295');
  if (!Array.isArray(base.hidden) || !base.hidden.every((w) => isCount(w, 1, 1 << 30))) {
    throw bad('config.hidden', base.hidden, 'a list of widths');
  }
  if (doc.gemm !== undefined && doc.gemm !== 'exact' && doc.gemm !== 'fast') throw bad('gemm', doc.gemm, 'exact or fast');
  if (!isCount(doc.steps, 0, Number.MAX_SAFE_INTEGER)) throw bad('steps', doc.steps, 'an integer >= 0');
  if (!isCount(doc.seeds, 1, MAX_SEEDS)) throw bad('seeds', doc.seeds, `an integer in 1..${MAX_SEEDS}`);
  if (!Array.isArray(doc.axes) || doc.axes.length < 1 || doc.axes.length > 3) throw bad('axes', doc.axes, 'a list of 1 or 2 axes (and a split)');
  const axes = doc.axes.map(readAxis);
  for (let i = 1; i < axes.length; i++) {
    const other = axes.slice(0, i).find((a) => a.field === axes[i].field);
    if (other) throw bad(`axes[${i}].field`, axes[i].field, `a field other than ${other.field}`);
  }
  if (doc.gemm === 'fast' && !isCount(doc.gemmThreads, 1, 256)) throw bad('gemmThreads', doc.gemmThreads, 'an integer in 1..256');
  const sweep = { base, axes, steps: doc.steps, seeds: doc.seeds, gemm: doc.gemm ?? 'exact' };
  if (doc.gemm === 'fast') sweep.gemmThreads = doc.gemmThreads;
  const cells = cellCount(sweep);
  if (cells * sweep.seeds > MAX_FILE_RUNS) {
    throw bad('axes', `${cells} cells x ${sweep.seeds} seeds`, `at most ${MAX_FILE_RUNS} runs in the page`);
  }
  if (!Array.isArray(doc.cells) || doc.cells.length !== cells) {
    throw bad('cells', Array.isArray(doc.cells) ? `a list of ${doc.cells.length}` : doc.cells,
      `a list of ${cells} cells (${axes.map((a) => a.values.length).join(' x ')})`);
  }
  const results = [];
  doc.cells.forEach((c, cell) => {
    const key = `cells[${cell}]`;
    if (!isObject(c)) throw bad(key, c, 'an object { x, ..., runs }');
    const at = axes.map((a, i) => axisIndex(sweep, cell, i));
    axes.forEach((a, i) => {
      const k = 'xyz'[i];
      const want = jsonValue(a, at[i]);
      if (c[k] !== want) throw bad(`${key}.${k}`, c[k], `${shown(want)} (cells run x-fastest)`);
    });
    if (!Array.isArray(c.runs) || c.runs.length !== sweep.seeds) {
      throw bad(`${key}.runs`, Array.isArray(c.runs) ? `a list of ${c.runs.length}` : c.runs, `a list of ${sweep.seeds} runs (one per seed)`);
    }
    c.runs.forEach((r, s) => {
      const rk = `${key}.runs[${s}]`;
      if (!isObject(r)) throw bad(rk, r, 'an object { seed, step, ... }');
      const seed = sweepSeed(base.seed, s);
      if (r.seed !== seed) throw bad(`${rk}.seed`, r.seed, `${seed} (config.seed + ${s})`);
      if (!isCount(r.step, 0, Number.MAX_SAFE_INTEGER)) throw bad(`${rk}.step`, r.step, 'an integer >= 0');
      if (r.diverged !== null && !isCount(r.diverged, 0, Number.MAX_SAFE_INTEGER)) {
        throw bad(`${rk}.diverged`, r.diverged, 'null or the step it diverged at');
      }
      const result = { step: r.step, diverged: r.diverged };
      for (const m of METRICS) result[m] = metric(`${rk}.${m}`, r[m]);
      results.push(result);
    });
  });
  return { sweep, results };
}
