// The gradient badge's rule (web/js/views/gradient-trend.js) on the engine's own runs: the
// threshold grows with depth as chi_1^n does, so a chaotic tanh net of 10-12 layers
// (sigma_w^2 = 4, chi_1 = 1.34, its ratio under the old fixed x100) reads "explode", the ordered
// one (chi_1 = 0.76) "vanish", and the critical one (chi_1 = 1) nothing, at depth 12 and 40 and
// for three seeds of the page's default 64x10 on spiral; a He ReLU net (chi_1 = 1) raises no
// alarm either. chi_1 comes from engine.meanField, the theory behind the run's theoryGradVar.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './helpers.mjs';
import { gradientTrend, depthThreshold, PER_LAYER, FLOOR } from '../../web/js/views/gradient-trend.js';

const engine = await loadEngine();

test('the threshold grows with depth, between the floor and x100', () => {
  assert.equal(depthThreshold(1), FLOOR);
  assert.equal(depthThreshold(11), Math.max(FLOOR, PER_LAYER ** 11));
  assert.ok(depthThreshold(11) < 100);
  assert.equal(depthThreshold(200), 100, 'never above the old x100');
  for (let n = 1; n < 100; n++) assert.ok(depthThreshold(n + 1) >= depthThreshold(n));
});

test('synthetic stacks: a steady x1.3 per layer explodes at depth 12; x1.1 does not', () => {
  const stack = (f, hidden) => ({ gradVar: Float64Array.from({ length: hidden + 1 }, (_, l) => f ** (hidden - 1 - l)) });
  assert.equal(gradientTrend(stack(1.3, 12), 12)?.kind, 'explode');
  assert.equal(gradientTrend(stack(1 / 1.3, 12), 12)?.kind, 'vanish');
  assert.equal(gradientTrend(stack(1.1, 12), 12), null);
  assert.equal(gradientTrend(stack(1.3, 6), 6), null, '1.3^5 = 3.7: under the floor of x8');
  assert.equal(gradientTrend(stack(1.3, 12), 12, 1e9)?.kind, 'explode', 'the x100 cap is a parameter');
  // zero gradients are the symmetric badge's story; too few layers, no data: nothing
  assert.equal(gradientTrend({ gradVar: new Float64Array(13) }, 12), null);
  assert.equal(gradientTrend(stack(2, 1), 1), null);
  assert.equal(gradientTrend(null, 12), null);
});

// gaussian_nd, tanh, mean_field: the Theory tab's kind of run.
function trendOf(weightVar, depth, extra = {}) {
  const config = { dataset: 'gaussian_nd', hidden: Array(depth).fill(64), activation: 'tanh',
    init: 'mean_field', weightVar, biasVar: 0.05, learningRate: 0.05, ...extra };
  const run = engine.createRun(config);
  const ls = run.layerStats();
  run.dispose();
  const chi1 = engine.meanField({ activation: config.activation ?? 'tanh', weightVar, biasVar: config.biasVar ?? 0, depth }).chi1;
  return { trend: gradientTrend(ls, depth), chi1, ratio: ls.gradVar[0] / ls.gradVar[depth - 1] };
}

for (const depth of [12, 40]) {
  test(`tanh depth ${depth}: ordered vanishes, critical reads nothing, chaotic explodes`, () => {
    const ordered = trendOf(1, depth);
    const critical = trendOf(1.76, depth);
    const chaotic = trendOf(4, depth);
    const why = JSON.stringify({ ordered, critical, chaotic, threshold: depthThreshold(depth - 1) });
    assert.ok(ordered.chi1 < 1 / PER_LAYER && chaotic.chi1 > PER_LAYER, `theory: chi_1 ${ordered.chi1}, ${chaotic.chi1}`);
    assert.ok(Math.abs(critical.chi1 - 1) < 0.01, `critical chi_1 ${critical.chi1}`);
    assert.equal(ordered.trend?.kind, 'vanish', why);
    assert.equal(critical.trend, null, why);
    assert.equal(chaotic.trend?.kind, 'explode', why);
    // the run's own theory agrees with engine.meanField's chi_1 (to the finite-width q_l)
    assert.ok(Math.abs(chaotic.trend.theoryPerLayer - chaotic.chi1) < 0.1 * chaotic.chi1, why);
    if (depth === 12) assert.ok(chaotic.ratio < 100, `the case x100 missed: ratio ${chaotic.ratio}`);
  });
}

test('the page\'s default size (64x10, spiral), three seeds: sigma_w^2 = 4 explodes, 1.76 reads nothing', () => {
  for (const seed of [1, 2, 3]) {
    const critical = trendOf(1.76, 10, { dataset: 'spiral', seed });
    const chaotic = trendOf(4, 10, { dataset: 'spiral', seed });
    const why = JSON.stringify({ seed, critical, chaotic });
    assert.equal(critical.trend, null, why);
    assert.equal(chaotic.trend?.kind, 'explode', why);
    assert.ok(chaotic.ratio < 100, `x100 alone missed it: ${why}`);
  }
});

test('He-initialized ReLU (chi_1 = 1) raises no gradient alarm at the page\'s default size', () => {
  for (const depth of [10, 30]) {
    const run = engine.createRun({ dataset: 'spiral', hidden: Array(depth).fill(64), activation: 'relu', init: 'he_normal' });
    const ls = run.layerStats();
    run.dispose();
    assert.equal(gradientTrend(ls, depth), null, `depth ${depth}: ratio ${ls.gradVar[0] / ls.gradVar[depth - 1]}`);
  }
});
