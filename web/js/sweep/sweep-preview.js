// sweep-preview.js: the sweep the Sweep view's settings describe, before (or without) computing
// it. The view draws it at once, so a sweep preset opens on its axes, its empty cells and the
// theory overlay (the critical line and 6 xi_c) instead of a blank panel; start() computes the
// same object. No DOM: tests/node/sweep.test.mjs can build it too.

import { parseAxis, taskConfig, taskCount } from './sweep-grid.js';

/**
 * { base, axes, steps, seeds } from the view's settings ({ xField, xSpec, yField, ySpec, steps,
 * seeds, fixed, split }) and the page's experiment `base`. Throws the first invalid field (named, with
 * its value and what is allowed), as the CLI would.
 */
export function buildSweep(settings, base) {
  const s = settings;
  const axes = [parseAxis(`${s.xField}=${s.xSpec}`, 'x')];
  if (s.yField) axes.push(parseAxis(`${s.yField}=${s.ySpec}`, 'y'));
  // The split (a preset's "parametrization=sp,mup"): the x-y grid once per value.
  if (s.split && s.yField) axes.push(parseAxis(s.split, 'split'));
  for (let a = 1; a < axes.length; a++) {
    if (axes.slice(0, a).some((b) => b.field === axes[a].field)) throw new Error(`invalid axes = "${axes[a].field}": expected different fields`);
  }
  const sweep = { base: { ...base, ...(s.fixed ?? {}) }, axes, steps: s.steps, seeds: s.seeds };
  taskConfig(sweep, taskCount(sweep) - 1);  // throws on a bad depth x width etc. early
  return sweep;
}

/** The same, or null when the settings are not (yet) a valid sweep: nothing to preview. */
export function previewSweep(settings, base) {
  try {
    return buildSweep(settings, base);
  } catch {
    return null;
  }
}
