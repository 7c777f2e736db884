// coordcheck-doc.js: the coordinate check's files and command line, no DOM and no engine, so
// Node tests them against `initscope coordcheck` itself (tests/node/coordcheck.test.mjs).
//
// Input: the engine's pieces (engine/engine.js): plan = coordcheckPlan(spec), size and change =
// every task's coordcheckTask() arrays end to end in task order, slopes = coordcheckSlopes().
// Output: the bytes of `initscope coordcheck --format json` / `--format csv` for the same spec
// (the page's engine computes the exact GEMM path, the CLI's default), and that command.

import { formatNumber, jsonText } from '../export/export.js';
import { CONFIG_FIELDS } from '../engine/fields.js';

/**
 * The Width tab's settings before anyone changes them: the CLI's defaults (tests/node/
 * coordcheck.test.mjs checks them against engine.coordcheckDefaults()) except the widths, whose
 * 2048 does not fit the page's parameter cap at three hidden layers (8.4M > 4,194,304), and the
 * plotted measure (a view setting: change shows what the parametrizations do; at the check's
 * learning rate the size stays within a few percent of its value at step 0 for both).
 */
export const PAGE_DEFAULTS = Object.freeze({
  parametrizations: Object.freeze(['sp', 'mup']), measure: 'change',
  widths: Object.freeze([128, 256, 512, 1024]), depth: 3, steps: 3, seeds: 3,
  activation: 'relu', optimizer: 'sgd', learningRate: 0.001, seed: 42,
});

/** The Width tab's settings as the engine's spec (engine.coordcheckPlan). */
export function pageSpec(s) {
  return {
    config: {
      hidden: new Array(s.depth).fill(s.widths[0]), activation: s.activation, optimizer: s.optimizer,
      learningRate: s.learningRate, seed: s.seed,
    },
    parametrizations: s.parametrizations.slice(), widths: s.widths.slice(), steps: s.steps, seeds: s.seeds,
  };
}

/** "128,256, 512" -> [128, 256, 512]; throws in the core's words for anything else. */
export function readWidths(text) {
  const parts = String(text).split(',').map((t) => t.trim());
  return parts.map((t, i) => {
    const v = Number(t);
    if (t === '' || !Number.isInteger(v) || v < 1 || v > 2048) throw new Error(`invalid widths[${i}] = ${JSON.stringify(t)}: expected an integer in 1..2048`);
    return v;
  });
}

/** Rows per task: (steps + 1) x layers, step-major then layer. */
export const rowsPerTask = (plan) => (plan.steps + 1) * plan.layers;

/** Every row as the CLI lists them: [{ parametrization, width, seed, step, layer, size, change }]. */
export function coordRows(plan, size, change) {
  const per = rowsPerTask(plan);
  const rows = [];
  plan.tasks.forEach((task, t) => {
    for (let step = 0; step <= plan.steps; step++) {
      for (let l = 0; l < plan.layers; l++) {
        const i = t * per + step * plan.layers + l;
        rows.push({ parametrization: task.parametrization, width: task.width, seed: task.seed, step, layer: l + 1, size: size[i], change: change[i] });
      }
    }
  });
  return rows;
}

/** The mean over seeds per (parametrization, width, step, layer): what the chart draws. */
export function seedMeans(plan, size, change) {
  const per = rowsPerTask(plan);
  const out = new Map();   // parametrization -> { size, change: [width][step][layer] }
  plan.tasks.forEach((task, t) => {
    if (!out.has(task.parametrization)) {
      const grid = () => plan.widths.map(() => Array.from({ length: plan.steps + 1 }, () => new Array(plan.layers).fill(0)));
      out.set(task.parametrization, { size: grid(), change: grid() });
    }
    const m = out.get(task.parametrization);
    const w = plan.widths.indexOf(task.width);
    for (let step = 0; step <= plan.steps; step++) {
      for (let l = 0; l < plan.layers; l++) {
        const i = t * per + step * plan.layers + l;
        m.size[w][step][l] += size[i] / plan.seeds;
        m.change[w][step][l] += change[i] / plan.seeds;
      }
    }
  });
  return out;
}

/** `initscope coordcheck --format json`, to the byte. */
export function coordcheckJSON(plan, size, change, slopes) {
  return jsonText({
    config: plan.config,
    gemm: 'exact',
    parametrizations: plan.parametrizations,
    widths: plan.widths,
    steps: plan.steps,
    seeds: plan.seeds,
    rows: coordRows(plan, size, change),
    slopes: slopes.map((s) => ({ parametrization: s.parametrization, step: s.step, layer: s.layer, size: s.size, change: s.change })),
  });
}

/** `initscope coordcheck --format csv`, to the byte. */
export function coordcheckCSV(plan, size, change) {
  const lines = ['parametrization,width,seed,step,layer,size,change'];
  for (const r of coordRows(plan, size, change)) {
    lines.push(`${r.parametrization},${r.width},${r.seed},${r.step},${r.layer},${formatNumber(r.size)},${formatNumber(r.change)}`);
  }
  return `${lines.join('\n')}\n`;
}

const flagOf = new Map(CONFIG_FIELDS.map((f) => [f.name, `--${f.short || f.flag}`]));
const flagText = (v) => (Array.isArray(v) ? v.join(',') : typeof v === 'number' ? formatNumber(v) : String(v));

/**
 * The native command computing the same check: spec = { config, parametrizations, widths,
 * steps, seeds } as given to the engine, defaults = engine.coordcheckDefaults(). The depth is
 * always shown (--hidden WxL: the widths replace W); other run fields only where they differ
 * from the check's defaults.
 */
export function coordcheckCommand(spec, defaults) {
  const config = { ...defaults.config, ...(spec.config ?? {}) };
  const parts = ['initscope coordcheck',
    `--widths ${(spec.widths ?? defaults.widths).join(',')}`,
    `--parametrization ${(spec.parametrizations ?? defaults.parametrizations).join(',')}`,
    `--steps ${spec.steps ?? defaults.steps}`, `--seeds ${spec.seeds ?? defaults.seeds}`];
  const widths = spec.widths ?? defaults.widths;
  parts.push(`--hidden ${widths[0]}x${config.hidden.length}`);
  for (const f of CONFIG_FIELDS) {
    if (f.name === 'hidden' || f.name === 'parametrization' || f.name === 'seed') continue;
    const v = config[f.name];
    if (v === undefined || v === null) continue;
    if (flagText(v) === flagText(defaults.config[f.name])) continue;
    parts.push(`${flagOf.get(f.name)} ${flagText(v)}`);
  }
  parts.push(`--seed ${config.seed}`);
  return parts.join(' ');
}
