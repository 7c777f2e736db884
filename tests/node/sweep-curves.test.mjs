// web/js/views/sweep-curves.js's hit test: the curves display's tooltip and click read the cell
// of the point under the pointer, placed exactly where drawCurves draws it (the same scales).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAxis } from '../../web/js/sweep/sweep-grid.js';
import { curveCellAt, curvesGeometry, sweepCurves } from '../../web/js/views/sweep-curves.js';

// 3 rates x 2 depths x 2 alphas, one seed; the loss of cell c is 1 + c / 10, and cell 5 (the
// last rate of depth 8, alpha one) diverged on its only seed.
const sweep = {
  axes: [parseAxis('learningRate=0.25,0.5,1'), parseAxis('depth=2,8'), parseAxis('residualScale=one,inv_sqrt_depth')],
  seeds: 1,
  base: { classes: 2 },
};
const summaries = Array.from({ length: 12 }, (_, c) => (c === 5
  ? { trainLoss: NaN, diverged: 1 }
  : { trainLoss: 1 + c / 10, diverged: 0 }));
const size = { width: 600, height: 300 };
const metric = 'trainLoss';

test('curveCellAt: the point under the pointer, in either panel; nothing between points', () => {
  const g = curvesGeometry(size, sweep);
  assert.equal(g.rects.length, 2);
  const panels = sweepCurves(sweep, summaries, metric);
  // x: log2 rate -2..0 across the panel's width; the panel's y range comes from the values.
  const xAt = (r, i) => r.left + (i / 2) * r.pw;
  // The first panel's middle point of depth 2 (cell 1) and the second panel's first point of
  // depth 8 (cell 9), hit at their pixels: search each panel's column for the point's row.
  for (const [iz, iy, ix, cell] of [[0, 0, 1, 1], [1, 1, 0, 9], [0, 1, 2, 5]]) {
    const r = g.rects[iz];
    const p = panels[iz].curves[iy].points[ix];
    assert.equal(p.cell, cell);
    let hit = -1;
    for (let y = r.top; y <= r.top + r.ph && hit !== cell; y++) hit = curveCellAt(size, { sweep, summaries, metric }, xAt(r, ix), y, 1);
    assert.equal(hit, cell, `cell ${cell} is under its own pixel`);
  }
  // the diverged cell sits on the top edge, where its cross is drawn
  const r0 = g.rects[0];
  assert.equal(curveCellAt(size, { sweep, summaries, metric }, xAt(r0, 2), r0.top, 3), 5);
  // between two rates, far from both: nothing
  assert.equal(curveCellAt(size, { sweep, summaries, metric }, (xAt(r0, 0) + xAt(r0, 1)) / 2, r0.top + r0.ph / 2, 12), -1);
  // no sweep: nothing
  assert.equal(curveCellAt(size, { sweep: null, summaries, metric }, 10, 10), -1);
});
