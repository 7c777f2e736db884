// export.js: what the page's Download menu saves, in the CLI's formats, so a notebook reads a
// file from the page and `initscope run --format json|csv` the same way (see `initscope run
// --help`). Pure functions (no DOM): Node tests them against the CLI's own output.
//
//   JSON { config: { ...the resolved run config, init: [ids], weightVar: [per run],
//          biasVar: [per run], every other per-run field (norm, ...): [per run], steps,
//          logEvery }, gemm: "exact" (the wasm engine's GEMM path),
//          runs: [ { init, weightVar, biasVar, diverged: null | step, overflow: null | { point,
//          pass, step }, records: [ { step, trainLoss, testLoss,
//          trainAccuracy, testAccuracy, layerStats: { preMean, ..., symmetric, theoryExact,
//          histogram: { lo, hi, bins, counts, below, above } } } ] } ] } (lo, hi: per layer)
//   CSV  one row per (run, record, layer), histograms omitted.
//
// Numbers are written as the CLI writes them (C++ std::to_chars: the shortest text that reads
// back to the same double, fixed or scientific, whichever is shorter); JSON has no NaN or
// Infinity, so a non-finite number is null there and NaN / Infinity / -Infinity in CSV.
// Differences from the CLI: runs carry no `gain` (the engine does not report the resolved
// gain), `logEvery` is null (the page logs once per frame, every `speed` updates, and thins
// long histories), and `steps` is the last logged step.

import { CONFIG_FIELDS } from '../engine/fields.js';

export const CSV_HEADER = 'init,step,trainLoss,testLoss,trainAccuracy,testAccuracy,layer,preMean,preVar,' +
  'postMean,postVar,deadFraction,gradVar,weightGradVar,weightVar,theoryVar,corr,theoryCorr,' +
  'theoryGradVar,symmetric,run';

/** The per-layer number arrays of layerStats, in the CLI's order. */
export const LAYER_FIELDS = ['preMean', 'preVar', 'postMean', 'postVar', 'deadFraction', 'gradVar',
  'weightGradVar', 'weightVar', 'theoryVar', 'corr', 'theoryCorr', 'theoryGradVar'];

const RECORD_FIELDS = ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'];

/**
 * The text std::to_chars(double) gives: the shortest digits that round-trip (which JavaScript's
 * own conversion also finds), laid out fixed or scientific (exponent sign and at least two
 * digits, "1e-07"), whichever is shorter, fixed on a tie; a fixed integer is printed exactly, as
 * printf does (2^60 = 1152921504606846976, not ...847000). NaN, Infinity, -Infinity otherwise.
 */
export function formatNumber(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const k = Number(exp);               // |v| = d.ddd x 10^k
  const n = digits.length;
  let fixed;
  // an integer: printf's %f of the exact value (beyond 2^53 that is not the digits + zeros)
  if (k >= n - 1) fixed = BigInt(Math.abs(v)).toString();
  else if (k >= 0) fixed = `${digits.slice(0, k + 1)}.${digits.slice(k + 1)}`;
  else fixed = `0.${'0'.repeat(-k - 1)}${digits}`;
  const e = String(Math.abs(k)).padStart(2, '0');
  const sci = `${digits[0]}${n > 1 ? `.${digits.slice(1)}` : ''}e${k < 0 ? '-' : '+'}${e}`;
  return sign + (sci.length < fixed.length ? sci : fixed);
}

const finiteOrNull = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const numbers = (a) => Array.from(a ?? [], finiteOrNull);

function layerStatsDoc(s) {
  if (!s) return null;   // a diverged run with nothing finite to measure (the page shows a badge)
  const out = {};
  for (const f of LAYER_FIELDS) out[f] = numbers(s[f]);
  out.symmetric = Array.from(s.symmetric ?? [], Boolean);
  out.theoryExact = Boolean(s.theoryExact);
  if (s.histogram) {
    const hist = s.histogram;
    const edges = (v) => (typeof v === 'number' ? finiteOrNull(v) : numbers(v));
    out.histogram = {
      lo: edges(hist.lo), hi: edges(hist.hi), bins: hist.bins,
      counts: Array.from(hist.counts ?? [], (c) => Array.from(c)),
      below: Array.from(hist.below ?? [], Number), above: Array.from(hist.above ?? [], Number),
    };
  }
  return out;
}

function overflowOf(run) {
  for (let k = run.records.length - 1; k >= 0; k--) {
    const of = run.records[k].layerStats?.overflow;
    if (of) return { point: of.point, pass: of.pass, step: of.step };
  }
  return null;
}

/**
 * The export as a plain object (JSON.stringify-able; non-finite numbers already null).
 *   config:   one run's resolved config (run.config: inputDim and classes filled in)
 *   runs:     [{ init, weightVar?, biasVar?, diverged: null | step, records: [{ step, ...,
 *             layerStats }] }] (weightVar / biasVar: the run's own, else the config's)
 *   logEvery: updates between records, or null when they are not evenly spaced (the page)
 */
export function exportDocument({ config, runs, logEvery = null }) {
  let steps = 0;
  for (const run of runs) for (const r of run.records) steps = Math.max(steps, r.step);
  // The run's own weightVar / biasVar, else the config's (undefined keys are left out).
  const own = (run, key) => run[key] ?? config[key];
  const perRun = (key) => (runs.some((r) => own(r, key) !== undefined) ? runs.map((r) => own(r, key)) : undefined);
  // Every other per-run field (the CLI writes each as a list, one value per run): the run's own
  // resolved config's, else the shared one's.
  const lists = {};
  for (const f of CONFIG_FIELDS) {
    if (!f.perRun || ['init', 'weightVar', 'biasVar'].includes(f.name) || !(f.name in config)) continue;
    lists[f.name] = runs.map((r) => (r.config ?? config)[f.name]);
  }
  const doc = {
    config: {
      ...config,
      init: runs.map((r) => r.init),
      weightVar: perRun('weightVar'),
      biasVar: perRun('biasVar'),
      ...lists,
      steps,
      logEvery,
    },
    // The GEMM path (`initscope run --gemm`): the page's wasm engine always computes the exact one.
    gemm: 'exact',
    runs: runs.map((run) => ({
      init: run.init,
      weightVar: own(run, 'weightVar'),
      biasVar: own(run, 'biasVar'),
      diverged: run.diverged ?? null,
      // Where finite weights overflowed float: the engine reports it with every record's
      // layerStats (the same object from then on); the CLI writes it once per run.
      overflow: overflowOf(run),
      records: run.records.map((r) => {
        const rec = { step: r.step };
        for (const f of RECORD_FIELDS) rec[f] = finiteOrNull(r[f]);
        rec.layerStats = layerStatsDoc(r.layerStats);
        return rec;
      }),
    })),
  };
  const drop = (o) => { for (const k of ['weightVar', 'biasVar']) if (o[k] === undefined) delete o[k]; };
  drop(doc.config);
  doc.runs.forEach(drop);
  return doc;
}

/**
 * JSON text laid out as the CLI writes it: objects one key a line, arrays of scalars on one
 * line, arrays of arrays or objects one element a line, numbers as formatNumber.
 */
export function toJSON(options) {
  return `${writeJSON(exportDocument(options), '')}\n`;
}

/** Any JSON value in the layout above (the sweep export writes its own document with it). */
export function jsonText(value) {
  return `${writeJSON(value, '')}\n`;
}

function writeJSON(v, indent) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (!v.some((x) => x !== null && typeof x === 'object')) return `[${v.map((x) => writeJSON(x, inner)).join(', ')}]`;
    return `[${v.map((x) => `\n${inner}${writeJSON(x, inner)}`).join(',')}\n${indent}]`;
  }
  const keys = Object.keys(v).filter((k) => v[k] !== undefined);
  if (!keys.length) return '{}';
  return `{${keys.map((k) => `\n${inner}${JSON.stringify(k)}: ${writeJSON(v[k], inner)}`).join(',')}\n${indent}}`;
}

/**
 * CSV with the CLI's header: one row per (run, record, layer); `run` (last, so the columns
 * before it kept their places) is the run's index, as in the JSON's runs[]: it tells apart runs
 * with the same initializer (mean_field at several sigma_w^2). A record without layer
 * statistics (see layerStatsDoc) still gets one row, its layer columns empty.
 */
export function toCSV({ runs }) {
  const lines = [CSV_HEADER];
  runs.forEach((run, index) => {
    for (const r of run.records) {
      const head = `${csvField(run.init)},${r.step},${RECORD_FIELDS.map((f) => formatNumber(r[f])).join(',')}`;
      const s = r.layerStats;
      const layers = s ? s.preVar.length : 0;
      if (!layers) lines.push(`${head}${','.repeat(LAYER_FIELDS.length + 2)},${index}`);
      for (let l = 0; l < layers; l++) {
        lines.push(`${head},${l},${LAYER_FIELDS.map((f) => formatNumber(s[f][l])).join(',')},${s.symmetric[l] ? 'true' : 'false'},${index}`);
      }
    }
  });
  return `${lines.join('\n')}\n`;
}

// Initializer ids never need quoting; anything else is quoted as RFC 4180 says.
function csvField(s) {
  const t = String(s);
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** initscope-<seed>-step<k>[-<what>].<ext> */
export function exportFileName({ seed, step, what = '', ext }) {
  return `initscope-${seed}-step${step}${what ? `-${what}` : ''}.${ext}`;
}
