// meanfield-grid.js: a fast, coarse evaluation of mean-field theory's chi_1 and xi_c over a grid of
// (sigma_w^2, sigma_b^2), for the SHADING and contours of the phase diagram only.
//
// Why not engine.meanField: the core solves q* and c* to near machine precision with a precise
// quadrature, ~0.25 s per point in wasm here, so a 40 x 26 grid would take minutes. The picture
// needs a few per cent, not 1e-14: this file uses a fixed tensor-product trapezoid rule on
// [-6, 6] (spectrally accurate for Gaussian integrands of smooth activations) and capped
// fixed-point iterations. Everything that is a number a student reads (the critical line, the
// runs' correlation theory, the Jacobian theory) still comes from the core; tests compare this
// helper's chi_1 = 1 crossing against engine.criticalWeightVar.
// reference: B. Poole et al. (2016) eqs. 3-5; S. Schoenholz et al. (2017) eqs. 5, 9.

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

// erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): plenty for a picture.
function erf(x) {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** [phi, phi'] of an activation id (the core's definitions, web/js names). */
export function activationPair(activation, slope = 0.01) {
  switch (activation) {
    case 'relu': return [(x) => (x > 0 ? x : 0), (x) => (x > 0 ? 1 : 0)];
    case 'leaky_relu': return [(x) => (x > 0 ? x : slope * x), (x) => (x > 0 ? 1 : slope)];
    case 'tanh': return [Math.tanh, (x) => { const t = Math.tanh(x); return 1 - t * t; }];
    case 'sigmoid': return [(x) => 1 / (1 + Math.exp(-x)), (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); }];
    case 'linear': return [(x) => x, () => 1];
    case 'selu': return [(x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x))];
    case 'gelu': return [
      (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
      (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
    ];
    default: throw new Error(`meanfield-grid: unknown activation ${activation}`);
  }
}

// Standard normal nodes and weights: the trapezoid rule on [-6, 0] and on [0, 6] apart, 0 taken
// as a limit from each side, so activations with a kink or a jump in phi' at 0 (relu, leaky relu,
// selu) stay accurate; weights renormalised to sum to 1.
function rule(half) {
  const n = 2 * half;
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  let s = 0;
  for (let k = 0; k < half; k++) {
    const x = (6 * k) / (half - 1);
    const edge = k === 0 || k === half - 1 ? 0.5 : 1;
    const weight = edge * Math.exp(-0.5 * x * x);
    z[half - 1 - k] = k === 0 ? -1e-12 : -x;
    z[half + k] = k === 0 ? 1e-12 : x;
    w[half - 1 - k] = weight;
    w[half + k] = weight;
    s += 2 * weight;
  }
  for (let i = 0; i < n; i++) w[i] /= s;
  return { z, w, n };
}
const R1 = rule(81);
const R2 = rule(24);

const Q_MAX = 1e8;   // beyond this the length has diverged (relu-like with sigma_w^2 above critical)

/** q*, chi_1, c*, chi_c and xi_c at one point of the plane. */
export function meanFieldPoint(phi, dphi, weightVar, biasVar) {
  const e1 = (f, q) => {
    const s = Math.sqrt(q);
    let acc = 0;
    for (let i = 0; i < R1.n; i++) acc += R1.w[i] * f(s * R1.z[i]);
    return acc;
  };
  // q*: iterate the length map from q = 1 (converges monotonically for these activations)
  let q = 1;
  let diverged = false;
  for (let it = 0; it < 400; it++) {
    const next = weightVar * e1((x) => phi(x) ** 2, q) + biasVar;
    if (!(next < Q_MAX)) { diverged = true; break; }
    if (Math.abs(next - q) <= 1e-10 * Math.max(1, q)) { q = next; break; }
    q = next;
  }
  // A diverging length: chi_1 is its large-q limit, as the core's (sigma_w^2 / 2 for relu and gelu).
  if (diverged) q = 1e6;
  const chi1 = q < 1e-300 ? weightVar * dphi(0) ** 2 : weightVar * e1((x) => dphi(x) ** 2, q);
  // c*: iterate the correlation map from c = 0 at q*
  const s = Math.sqrt(Math.max(q, 1e-300));
  const n = R2.n;
  const u1 = new Float64Array(n);
  const p1 = new Float64Array(n);
  for (let i = 0; i < n; i++) { u1[i] = s * R2.z[i]; p1[i] = phi(u1[i]); }
  const pair = (c, f, fa) => {
    const k = Math.sqrt(Math.max(0, 1 - c * c));
    let acc = 0;
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) row += R2.w[j] * f(s * (c * R2.z[i] + k * R2.z[j]));
      acc += R2.w[i] * fa[i] * row;
    }
    return acc;
  };
  let c = 0;
  let cStar = 1;
  if (chi1 > 1 && !diverged) {
    for (let it = 0; it < 60; it++) {
      const next = Math.min(1, (weightVar * pair(c, phi, p1) + biasVar) / q);
      if (Math.abs(next - c) < 1e-6) { c = next; break; }
      c = next;
    }
    cStar = c;
  }
  let chiC = chi1;
  if (cStar < 1 - 1e-6) {
    const d1 = new Float64Array(n);
    for (let i = 0; i < n; i++) d1[i] = dphi(u1[i]);
    chiC = weightVar * pair(cStar, dphi, d1);
  }
  // as the core: a correlation that never settles below 1 with chi_c >= 1 has no finite depth scale
  const xiC = chiC > 0 && chiC < 1 ? -1 / Math.log(chiC) : Infinity;
  return { q, chi1, cStar, chiC, xiC };
}

/** The grid of cell centres: row-major, row j = sigma_b^2 = bMax (j + 0.5) / ny. */
export function phaseGrid({ activation, leakySlope, wMax, bMax, nx, ny }) {
  const [phi, dphi] = activationPair(activation, leakySlope);
  const chi1 = new Float64Array(nx * ny);
  const xiC = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const p = meanFieldPoint(phi, dphi, (wMax * (i + 0.5)) / nx, (bMax * (j + 0.5)) / ny);
      chi1[j * nx + i] = p.chi1;
      xiC[j * nx + i] = p.xiC;
    }
  }
  return { chi1, xiC };
}
