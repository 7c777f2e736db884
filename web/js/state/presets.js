// presets.js: the page's reading of the ready-made experiments. The list itself lives in the
// core (core/src/presets.cpp: ids, sources, the two sentences, every config field), which the
// CLI (`initscope presets`, `run --preset ID`) and the engine (engine.presets(), carried to the
// page in the worker's catalog) both read: one source of truth, and tests/native/test_presets.cpp
// checks every number its sentences state. This file only turns each preset into a page state.
//
// Two conventions are both called "Xavier" in the literature: Glorot & Bengio's
// Var[w] = 2/(fan_in + fan_out) (our xavier_*) and the 1/fan_in variant that He et al. 2015
// compare against (our lecun_*). The labels say which is which.

import { DEFAULTS, PER_RUN_FIELDS, RUN_FIELDS, sameRuns, validateState } from './state.js';

export const INIT_NOTES = Object.freeze({
  xavier_normal: '2/(fan_in+fan_out)',
  xavier_uniform: '2/(fan_in+fan_out)',
  lecun_normal: '1/fan_in, He et al.\'s "Xavier"',
  lecun_uniform: '1/fan_in, He et al.\'s "Xavier"',
  he_normal: '2/fan_in',
  he_uniform: '2/fan_in',
  pytorch_default: 'U(±1/√fan_in), Var 1/(3 fan_in)',
});

// Config fields the page state has under the same name (state.js RUN_FIELDS minus the ones built
// here: inits, gain and the per-run fields).
const SHARED = RUN_FIELDS.filter((f) => !['inits', 'gain', ...PER_RUN_FIELDS].includes(f));

// Why the page state cannot hold a preset, or null: a config field the page does not keep that
// differs from the engine's default.
function unsupported(p, defaults) {
  for (const [field, value] of Object.entries(p.config)) {
    if (SHARED.includes(field) || PER_RUN_FIELDS.includes(field) || field === 'init' || field === 'gain') continue;
    if (JSON.stringify(value) !== JSON.stringify(defaults[field])) return `the field ${field}`;
  }
  return null;
}

// [{ id, chapter, label, source, what, watch, state | null, unsupported | null }] from the
// engine's list (catalog.presets), in its (course) order. `state` is a whole, valid page state.
export function pagePresets(catalog) {
  return (catalog.presets ?? []).map((p) => {
    let why = unsupported(p, catalog.defaultConfig ?? {});
    let state = null;
    if (!why) {
      state = { ...DEFAULTS, inits: p.inits.slice() };
      for (const f of SHARED) state[f] = Array.isArray(p.config[f]) ? p.config[f].slice() : p.config[f];
      state.gain = p.config.gain === null || p.config.gain === undefined ? 'default' : p.config.gain;
      // One value for every run, or one per run (mean_field runs that differ in sigma_w^2,
      // pre_vs_post_ln's normPosition).
      for (const field of PER_RUN_FIELDS) {
        const list = p.perRun?.[field];
        state[field] = list ? list.slice() : p.config[field] ?? DEFAULTS[field];
      }
      try {
        state = validateState(state, catalog);
      } catch (e) {
        why = e.message;
        state = null;
      }
    }
    const { id, chapter, label, source, what, watch } = p;
    // sweep: a sweep preset's axes (views/sweep.js settings), opened in the Sweep view
    const sweep = p.sweep ? { ...p.sweep, fixed: { ...p.sweep.fixed } } : null;
    // width: a coordinate-check preset's settings (views/width.js), opened in the Width tab
    const width = p.coordcheck ? widthSettings(p) : null;
    return { id, chapter, label, source, what, watch, state, sweep, width, unsupported: why };
  });
}

// The Width tab's settings of a coordcheck preset: its check, and the run fields the tab has
// from the preset's config (its depth, activation, optimizer, learning rate and seed).
function widthSettings(p) {
  const c = p.config;
  return {
    parametrizations: p.coordcheck.parametrizations.slice(), widths: p.coordcheck.widths.slice(),
    steps: p.coordcheck.steps, seeds: p.coordcheck.seeds, depth: c.hidden.length,
    activation: c.activation, optimizer: c.optimizer, learningRate: c.learningRate, seed: c.seed,
  };
}

export function presetById(presets, id) {
  return presets.find((p) => p.id === id);
}

// The preset whose runs a state has (for the menu to show it), or undefined; view fields
// (speed, hist, logY, embed) do not count.
export function matchPreset(state, presets) {
  return presets.find((p) => p.state && sameRuns(state, p.state));
}

// The next preset of the course after `id` that the page can load (the first one when id is
// not a preset), or undefined at the end.
export function nextPreset(presets, id) {
  const loadable = presets.filter((p) => p.state);
  const i = loadable.findIndex((p) => p.id === id);
  return i < 0 ? loadable[0] : loadable[i + 1];
}
