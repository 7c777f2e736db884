// gradient-trend.js: when the badges call a gradient "vanishing" or "exploding" (views/badges.js).
// Pure functions of a record's layerStats, no DOM: tests/node/badges.test.mjs runs them on the
// engine's own runs.
//
// Mean-field theory (Schoenholz et al. 2017, eq. 12) multiplies the backpropagated variance by
// chi_1 per layer, so over n layer steps it changes by chi_1^n: how much is "too much" grows with
// depth. A fixed x100 missed a chaotic tanh net of 10-12 layers (sigma_w^2 = 4, sigma_b^2 = 0.05:
// chi_1 = 1.34, measured x15-x70) while passing x100 says little about a deep one. So the
// threshold is the ratio a net with chi_1 = PER_LAYER would reach over the same n steps,
// PER_LAYER^n, at least FLOOR and at most `ratio` (x100, the old rule, enough at any depth).
// The margins are for finite width: a critical tanh net (chi_1 = 1) of width 64 measured
// x0.27-x4.4 over 5-19 steps (3 seeds, spiral and gaussian_nd; tests/node/badges.test.mjs), an
// ordered (chi_1 = 0.76) one x0.07 by 10 layers.

export const PER_LAYER = 1.2;    // chi_1 = 1.2 (or 1/1.2) held for n layers: the edge of "explodes" / "vanishes"
export const FLOOR = 8;          // within x8 (x1/8) over the whole stack: finite-width noise, never a trend

/** The ratio beyond which n layer steps explode (its inverse: vanish). */
export function depthThreshold(n, ratio = 100) {
  if (!(n >= 1)) return ratio;
  return Math.min(ratio, Math.max(FLOOR, PER_LAYER ** n));
}

/**
 * The gradient trend of one record's layerStats across the hidden stack, from the last hidden
 * layer (index hidden - 1) back to layer 1 (index 0), or null when there is none to tell:
 * { kind: 'vanish' | 'explode', ratio, layers: n, threshold, perLayer (measured, ratio^(1/n)),
 *   theoryPerLayer (the run's chi_1 from its theoryGradVar at initialization, or null) }.
 * Not from the output layer: its dL/dpre sits behind the output's few units (2 for most
 * datasets), a width factor of ~1/20 that made a critical tanh net read "vanish".
 */
export function gradientTrend(ls, hidden, ratio = 100) {
  const g = ls?.gradVar;
  if (!(hidden >= 2) || !g || g.length <= hidden) return null;
  const from = g[hidden - 1];
  const to = g[0];
  if (!(from > 0) || !(to >= 0) || !Number.isFinite(from) || !Number.isFinite(to)) return null;
  if (to === 0) return null;   // exactly zero is the symmetric / zero-init story, told by its own badge
  const n = hidden - 1;
  const r = to / from;
  const threshold = depthThreshold(n, ratio);
  const kind = r > threshold ? 'explode' : r < 1 / threshold ? 'vanish' : null;
  if (!kind) return null;
  const t = ls.theoryGradVar;
  const tr = t && t.length > hidden && t[hidden - 1] > 0 && t[0] > 0 ? (t[0] / t[hidden - 1]) ** (1 / n) : null;
  return { kind, ratio: r, layers: n, threshold, perLayer: r ** (1 / n), theoryPerLayer: Number.isFinite(tr) ? tr : null };
}
