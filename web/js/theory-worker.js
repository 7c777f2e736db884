// theory-worker.js: the Theory tab's numbers, off the main thread and apart from training.
//
// A second engine, loaded only when the Theory tab is first shown, so the training screen pays
// nothing for it and the training worker (worker.js) stays as it is:
//   - phase: the mean-field phase diagram of one activation, chi_1 and the correlation depth
//     xi_c on a grid of (sigma_w^2, sigma_b^2), and the critical line sigma_w^2(sigma_b^2).
//     The page caches it per activation (and leaky slope).
//   - jacobian: the singular values of d h_last / d h_first of every run AT INITIALIZATION. A run
//     is deterministic in its config (same seed, same initial weights), so creating the same
//     configs here gives exactly the training worker's step-0 networks.
//
// Messages in:  phase {id, activation, leakySlope, wMax, bMax, nx, ny}
//               | jacobian {id, configs}
// Messages out: phase {id, ...grid} | jacobian {id, spectra: [spectrum | {error}]} | error {id, kind, message}

import { loadEngine } from './engine.js';

let enginePromise = null;
const engine = () => (enginePromise ??= loadEngine());

function errorText(e) {
  return String(e && e.message ? e.message : e);
}

// chi_1 and xi_c at the fixed point do not depend on the depth: one layer is enough.
async function phase(msg) {
  const e = await engine();
  const { activation, leakySlope, wMax, bMax, nx, ny } = msg;
  const ws = Array.from({ length: nx }, (_, i) => (wMax * (i + 0.5)) / nx);  // cell centres
  const bs = Array.from({ length: ny }, (_, j) => (bMax * (j + 0.5)) / ny);
  const chi1 = new Float64Array(nx * ny);
  const xiC = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const mf = e.meanField({ activation, leakySlope, weightVar: ws[i], biasVar: bs[j], depth: 1, q0: 1, c0: 0.5 });
      chi1[j * nx + i] = mf.chi1;
      xiC[j * nx + i] = mf.xiC;
    }
  }
  // the critical line, one point per sigma_b^2 on a finer row than the grid
  const critical = [];
  const lines = 4 * ny;
  for (let j = 0; j <= lines; j++) {
    const biasVar = (bMax * j) / lines;
    let w = NaN;
    try {
      w = e.criticalWeightVar({ activation, leakySlope, biasVar });
    } catch {
      // no critical point at this sigma_b^2 (e.g. outside the engine's range): a gap
    }
    critical.push([Number.isFinite(w) ? w : NaN, biasVar]);
  }
  return { activation, leakySlope, wMax, bMax, nx, ny, chi1, xiC, critical };
}

async function jacobian(msg) {
  const e = await engine();
  const spectra = [];
  for (const config of msg.configs) {
    let run = null;
    try {
      run = e.createRun(config);
      const s = run.jacobianSpectrum();
      spectra.push({
        singularValues: s.singularValues.map((a) => Float64Array.from(a)),
        meanSquared: s.meanSquared,
        theoryMeanSquared: s.theoryMeanSquared,
        firstLayer: s.firstLayer,
        lastLayer: s.lastLayer,
      });
    } catch (err) {
      spectra.push({ error: errorText(err) });
    } finally {
      run?.dispose();
    }
  }
  return { spectra };
}

const handlers = { phase, jacobian };

self.onmessage = async (event) => {
  const msg = event.data;
  const handler = msg && handlers[msg.type];
  if (!handler) return;
  try {
    const result = await handler(msg);
    postMessage({ type: msg.type, id: msg.id, ...result });
  } catch (e) {
    postMessage({ type: 'error', kind: msg.type, id: msg.id, message: errorText(e) });
  }
};
