// The mean-field theory through the wasm engine and the CLI: the same numbers from both, to the
// bit (the core is the same, and it computes its own exp, log, cos and activations in
// core/include/initscope/pmath.hpp instead of calling glibc or musl), the run-side statistics
// and the Jacobian, and the errors bad input gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertConfigError, cliJson, loadEngine } from './helpers.mjs';

const engine = await loadEngine();
// Bit-identical, NaN included; a tolerance is given only where the engine computes something the
// CLI does not print to full precision.
const close = (a, b, tol = 0) => Object.is(a, b) || Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('meanField matches `initscope theory` number for number', () => {
  const opts = { activation: 'tanh', weightVar: 4, biasVar: 0.05, depth: 12, q0: 1.5, c0: 0.3 };
  const js = engine.meanField(opts);
  const cli = cliJson('theory', '--activation', 'tanh', '--weight-var', '4', '--bias-var', '0.05',
    '--depth', '12', '--q0', '1.5', '--c0', '0.3');
  assert.equal(js.phase, 'chaotic');
  assert.equal(js.phase, cli.phase);
  assert.equal(js.q.length, 13);
  for (let l = 0; l <= 12; l++) {
    assert.ok(close(js.q[l], cli.q[l]), `q[${l}] ${js.q[l]} vs ${cli.q[l]}`);
    assert.ok(close(js.c[l], cli.c[l]), `c[${l}] ${js.c[l]} vs ${cli.c[l]}`);
  }
  for (const k of ['qStar', 'cStar', 'chi1', 'xiQ', 'xiC']) assert.ok(close(js[k], cli[k]), k);
});

test('criticalWeightVar: tanh 1.7609546 at biasVar 0.05, relu 2, the CLI agrees', () => {
  const wc = engine.criticalWeightVar({ activation: 'tanh', biasVar: 0.05 });
  assert.ok(Math.abs(wc - 1.7609546396067) < 1e-9, String(wc));
  assert.ok(Math.abs(engine.criticalWeightVar({ activation: 'relu', biasVar: 0.3 }) - 2) < 1e-9);
  const cli = cliJson('theory', '--critical', '--activation', 'tanh', '--bias-var', '0,0.05');
  assert.ok(close(cli.critical[1].weightVar, wc));
  assert.ok(Math.abs(cli.critical[0].weightVar - 1) < 1e-8);  // ill-conditioned (test_meanfield.cpp)
  // At the critical point xi_c is infinite; sigmoid without bias has none in (0, 100].
  assert.equal(engine.meanField({ activation: 'tanh', weightVar: wc, biasVar: 0.05 }).xiC, Infinity);
  assert.equal(engine.criticalWeightVar({ activation: 'sigmoid', biasVar: 0 }), null);
});

test('bad theory input: the field, the value and what is allowed', () => {
  assertConfigError(() => engine.meanField({ activation: 'tanh', weightVar: 0 }), 'weightVar', '0');
  assertConfigError(() => engine.meanField({ activation: 'tanh', weightVar: NaN }), 'weightVar', 'NaN');
  assertConfigError(() => engine.meanField({ activation: 'tanh', weightVar: 1e9 }), 'weightVar', '1000000000');
  assertConfigError(() => engine.meanField({ activation: 'tanh', depth: 0 }), 'depth', '0');
  assertConfigError(() => engine.meanField({ activation: 'tanh', depth: 2.5 }), 'depth', '2.5');
  assertConfigError(() => engine.meanField({ activation: 'tanh', c0: 3 }), 'c0', '3');
  assertConfigError(() => engine.meanField({ activation: 'nope' }), 'activation', '"nope"');
  assertConfigError(() => engine.criticalWeightVar({ biasVar: -1 }), 'biasVar', '-1');
  assertConfigError(() => engine.criticalWeightVar({ depth: 3 }), 'depth', '3');
  assertConfigError(() => engine.createRun({ init: 'mean_field', weightVar: -1 }), 'weightVar', '-1');
  // The engine still works afterwards.
  assert.equal(engine.meanField({ activation: 'relu', weightVar: 2 }).phase, 'critical');
});

test('a mean_field run: corr, theoryCorr, theoryGradVar per layer; the same numbers as the CLI', () => {
  const config = { dataset: 'gaussian_nd', samples: 200, hidden: [64, 64, 64], activation: 'tanh',
    init: 'mean_field', weightVar: 1.76, biasVar: 0.05, seed: 3 };
  const run = engine.createRun(config);
  const s = run.layerStats();
  assert.equal(s.corr.length, 4);
  for (const k of ['corr', 'theoryCorr', 'theoryGradVar']) {
    assert.ok(s[k].every(Number.isFinite), k);
  }
  assert.equal(run.config.weightVar, 1.76);
  const cli = cliJson('run', '--dataset', 'gaussian_nd', '--samples', '200', '--hidden', '64,64,64',
    '--activation', 'tanh', '--init', 'mean_field', '--weight-var', '1.76', '--bias-var', '0.05',
    '--seed', '3', '--steps', '0', '--no-histograms');
  const cs = cli.runs[0].records[0].layerStats;
  for (const k of ['corr', 'theoryCorr', 'theoryGradVar', 'preVar']) {
    for (let l = 0; l < 4; l++) assert.ok(close(s[k][l], cs[k][l]), `${k}[${l}] ${s[k][l]} vs ${cs[k][l]}`);
  }
  const j = run.jacobianSpectrum();
  assert.equal(j.singularValues.length, 4);
  assert.equal(j.singularValues[0].length, 64);
  assert.ok(j.singularValues[0][0] >= j.singularValues[0][63]);
  assert.ok(j.meanSquared > 0 && j.theoryMeanSquared > 0);
  run.dispose();
});

test('the CLI compares runs that differ only in weightVar', () => {
  const out = cliJson('run', '--init', 'mean_field', '--weight-var', '1,1.76,4', '--bias-var', '0.05',
    '--activation', 'tanh', '--hidden', '32x4', '--steps', '0', '--no-histograms');
  assert.deepEqual(out.config.weightVar, [1, 1.76, 4]);
  assert.deepEqual(out.runs.map((r) => r.weightVar), [1, 1.76, 4]);
  // Larger sigma_w^2, larger pre-activation variance at the last hidden layer.
  const q = out.runs.map((r) => r.records[0].layerStats.preVar[3]);
  assert.ok(q[0] < q[1] && q[1] < q[2], String(q));
});

test('phaseDiagram: the grid the phase view shades, at the cell centres, close to meanField', () => {
  const g = engine.phaseDiagram({ activation: 'tanh', wMax: 4, bMax: 0.5, nx: 6, ny: 3 });
  assert.equal(g.chi1.length, 18);
  assert.equal(g.xiC.length, 18);
  for (const [i, j] of [[0, 0], [5, 2], [2, 1]]) {
    const exact = engine.meanField({ activation: 'tanh', weightVar: 4 * (i + 0.5) / 6, biasVar: 0.5 * (j + 0.5) / 3, depth: 1 });
    // kFast's 1e-6 on the integrals; chi_1 is one of them (test_meanfield.cpp has the full table)
    assert.ok(Math.abs(g.chi1[j * 6 + i] / exact.chi1 - 1) < 1e-5, `${i},${j}`);
  }
  assertConfigError(() => engine.phaseDiagram({ activation: 'tanh', nx: 1 }), 'nx', '1');
  assertConfigError(() => engine.phaseDiagram({ activation: 'tanh', wMax: -1 }), 'wMax', '-1');
});
