// theory-worker.js: the Theory tab's numbers, off the main thread and apart from training.
//
// A second engine, loaded only when the Theory tab is first shown, so the training screen pays
// nothing for it and the training worker (worker.js) stays as it is:
//   - phase: the mean-field phase diagram of one activation, chi_1 and the correlation depth
//     xi_c on a grid of (sigma_w^2, sigma_b^2) (engine.phaseDiagram), and the critical line
//     sigma_w^2(sigma_b^2) (engine.criticalWeightVar).
//     The page caches it per activation (and leaky slope).
//   - jacobian: the singular values of d h_last / d h_first of every run AT INITIALIZATION. A run
//     is deterministic in its config (same seed, same initial weights), so creating the same
//     configs here gives exactly the training worker's step-0 networks.
//
// Messages in:  phase {id, activation, leakySlope, wMax, bMax, nx, ny}
//               | jacobian {id, configs}
// Messages out: phase {id, ...grid} | jacobian {id, spectra: [spectrum | {error}]} | error {id, kind, message}

import { loadEngine } from '../engine/engine.js';

const CRITICAL_POINTS = 12;  // segments of the critical line (each point ~0.25 s of the engine's)

let enginePromise = null;
const engine = () => (enginePromise ??= loadEngine());

function errorText(e) {
  return String(e && e.message ? e.message : e);
}

// The shading and xi_c contours come from engine.phaseDiagram (the core's coarser quadrature:
// meanField per cell would take minutes), the critical line, the one curve a student reads
// numbers off, from engine.criticalWeightVar at the precise one.
async function phase(msg) {
  const e = await engine();
  const { activation, leakySlope, wMax, bMax, nx, ny } = msg;
  const critical = [];
  for (let j = 0; j <= CRITICAL_POINTS; j++) {
    // denser near sigma_b^2 = 0, where the line bends most (tanh: sigma_w^2 from 1 to ~1.8 by 0.06)
    const biasVar = bMax * (j / CRITICAL_POINTS) ** 2;
    let w = NaN;
    try {
      const v = e.criticalWeightVar({ activation, leakySlope, biasVar });
      if (typeof v === 'number') w = v;
    } catch {
      // no critical point at this sigma_b^2: a gap in the line
    }
    critical.push([Number.isFinite(w) ? w : NaN, biasVar]);
  }
  const { chi1, xiC } = e.phaseDiagram({ activation, leakySlope, wMax, bMax, nx, ny });
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
