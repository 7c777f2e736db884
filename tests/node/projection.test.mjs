// views/projection.js, the boundary panel's picture for N-D data: the plane it projects the test
// points onto shows the labelling rule. gaussian_nd labels x by argmax_k <u_k, x>; on the plane
// of the class means, the nearest projected class mean recovers most test labels (chance: 1/K),
// so colouring the points by a run's prediction shows whether the run learned the rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './helpers.mjs';
import { projectionBasis, projectTest } from '../../web/js/views/projection.js';

const engine = await loadEngine();

function planeAccuracy(ds) {
  const basis = projectionBasis(ds);
  assert.ok(basis, 'a plane');
  const p = projectTest(ds, basis);
  assert.equal(p.length, 2 * ds.yTest.length);
  const K = ds.classes;
  const m = Array.from({ length: K }, () => [0, 0, 0]);
  for (let i = 0; i < ds.yTest.length; i++) { const c = m[ds.yTest[i]]; c[0] += p[2 * i]; c[1] += p[2 * i + 1]; c[2]++; }
  for (const c of m) { c[0] /= c[2]; c[1] /= c[2]; }
  let right = 0;
  for (let i = 0; i < ds.yTest.length; i++) {
    let best = -1;
    let bd = Infinity;
    m.forEach((c, k) => { const d = (p[2 * i] - c[0]) ** 2 + (p[2 * i + 1] - c[1]) ** 2; if (d < bd) { bd = d; best = k; } });
    if (best === ds.yTest[i]) right++;
  }
  return right / ds.yTest.length;
}

// Measured 0.89, 0.83 and 0.69 on these datasets (300 test points each). The bounds are chance
// plus more than 5 binomial standard errors (sqrt(0.25 / 300) = 0.029 for two classes).
for (const [inputDim, classes, atLeast] of [[16, 2, 0.75], [64, 2, 0.7], [16, 4, 0.5]]) {
  test(`gaussian_nd ${inputDim}-D, ${classes} classes: the projected plane keeps the rule (>= ${atLeast})`, () => {
    const run = engine.createRun({ dataset: 'gaussian_nd', inputDim, classes, samples: 600, hidden: [8] });
    const ds = run.dataset();
    run.dispose();
    const acc = planeAccuracy(ds);
    assert.ok(acc >= atLeast, `nearest class mean on the plane: ${acc}`);
    // deterministic: the same dataset gives the same plane (every run's tile alike)
    assert.deepEqual(projectionBasis(ds), projectionBasis(ds));
  });
}

test('no plane without enough data: null, not NaN', () => {
  assert.equal(projectionBasis(null), null);
  assert.equal(projectionBasis({ inputDim: 16, xTrain: new Float32Array(0), yTrain: new Int32Array(0), classes: 2 }), null);
});
