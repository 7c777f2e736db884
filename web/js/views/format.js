// Run helpers and number formatting shared by the views: a run's colour and label, the record the
// scrubber selects, guards for values on log and linear scales, and how values and ticks read.

import { colorFor, labelFor } from '../theme/colors.js';

// ---------------------------------------------------------------------------------------------
// runs and records

export const runColor = (run) => run?.color || colorFor(run?.init);
export const runLabel = (run) => run?.label || labelFor(run?.init);

/** The record the page's scrubber selects for one run: `cursor` -1 = latest; a diverged run has
 *  fewer records, so its index is clamped (and `clamped` says so). */
export function recordAt(run, cursor) {
  const recs = run?.records;
  if (!recs || recs.length === 0) return null;
  const last = recs.length - 1;
  const want = cursor == null || cursor < 0 ? last : cursor;
  const index = Math.min(want, last);
  return { record: recs[index], index, clamped: want > last };
}

/** Step shown at the scrubber: that of the longest run's selected record. */
export function cursorStep(model) {
  let best = null;
  for (const run of model?.runs ?? []) {
    const at = recordAt(run, model.cursor);
    if (at && !at.clamped && (best == null || at.index > best.index)) best = at;
  }
  return best ? best.record.step : null;
}

export const isFiniteNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** A value drawable on a log axis, or null (gap). */
export const logSafe = (v) => (isFiniteNumber(v) && v > 0 ? v : null);
export const linSafe = (v) => (isFiniteNumber(v) ? v : null);

// ---------------------------------------------------------------------------------------------
// number formatting

const SUP = { '-': '\u207B', 0: '\u2070', 1: '\u00B9', 2: '\u00B2', 3: '\u00B3', 4: '\u2074',
  5: '\u2075', 6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };
export const superscript = (n) => String(n).replace(/[-0-9]/g, (c) => SUP[c]);

/** 3 significant digits; scientific as "1.93×10⁻⁵" outside [1e-3, 1e4). */
export function formatValue(v, digits = 3) {
  if (v == null || Number.isNaN(v)) return '\u2014';  // no value (a diverged run's loss): a dash, not "NaN"
  if (v === Infinity) return '\u221E';
  if (v === -Infinity) return '\u2212\u221E';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(digits))).replace('-', '\u2212');
  const [m, e] = v.toExponential(digits - 1).split('e');
  const mant = trimZeros(m);
  const pow = `10${superscript(Number(e))}`;
  return (mant === '1' ? pow : mant === '-1' ? `\u2212${pow}` : `${mant}\u00D7${pow}`).replace('-', '\u2212');
}

function trimZeros(s) {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

export function formatPercent(v) {
  if (!isFiniteNumber(v)) return '\u2013';
  return `${Math.round(v * 100)}%`;
}

/** A log-axis tick: plain numbers near 1 (0.01 … 1000), 10ᵏ beyond. */
export function formatLogTick(v) {
  if (!(v > 0)) return '';
  const k = Math.round(Math.log10(v));
  if (Math.abs(v - Number(`1e${k}`)) <= v * 1e-9) {
    if (k >= -2 && k <= 3) return String(Number(`1e${k}`));
    return `10${superscript(k)}`;
  }
  return formatValue(v, 2);
}


/** n indices evenly spread over 0..count-1, first and last included, no repeats. */
export function sampleIndices(count, n) {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  const out = [];
  for (let k = 0; k < n; k++) {
    const i = Math.round((k * (count - 1)) / (n - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/**
 * Where a diverged run's finite weights overflowed float, from its last record's
 * layerStats.overflow ({ point, pass }): "overflowed at block 37" (residual: point 0 is the stem,
 * B + 1 the logits), "overflowed at layer 12" (plain), "gradient overflowed at ..." for the
 * backward pass; '' when the core found no place (non-finite weights, or no statistics).
 */
export function overflowText(run, residual) {
  const recs = run?.records;
  const of = recs?.length ? recs[recs.length - 1]?.layerStats?.overflow : null;
  if (!of || !Number.isInteger(of.point)) return '';
  const L = recs[recs.length - 1].layerStats.preVar?.length ?? 0;
  let where;
  if (L > 1 && of.point === L - 1) where = 'the output layer';
  else if (residual) where = of.point === 0 ? 'the stem' : `block ${of.point}`;
  else where = `layer ${of.point + 1}`;
  return `${of.pass === 'backward' ? 'gradient overflowed' : 'overflowed'} at ${where}`;
}
