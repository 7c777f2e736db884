// Colours and display names of initializers, shared by every view and by the page's controls.
//
// One colour per initializer, the same in every chart, legend and badge. The palette is
// Okabe & Ito's (2008) colour-blind-safe set without its yellow (#F0E442), which is unreadable as a
// thin line on a white background; black stands in for "nothing learns" (zeros / constant).
// There are 16 initializers and only 7 distinguishable colours, so related initializers share a
// preferred colour (he_normal / he_uniform, ...). `runColors()` resolves clashes inside one
// comparison: the first run keeps its preferred colour, a later clashing run takes the first
// palette colour nobody uses. The page should colour its runs with `runColors()`.
// reference: M. Okabe, K. Ito, "Color Universal Design" (2008); P. Tol, "Colour Schemes" (2021).

export const PALETTE = Object.freeze([
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#000000', // black
]);

/** Preferred colour of each initializer id (the public ids of DESIGN.md). */
export const INIT_COLORS = Object.freeze({
  he_normal: '#0072B2',
  he_uniform: '#56B4E9',
  xavier_normal: '#D55E00',
  xavier_uniform: '#E69F00',
  lecun_normal: '#009E73',
  lecun_uniform: '#009E73',
  orthogonal: '#CC79A7',
  lsuv: '#CC79A7',
  pytorch_default: '#E69F00',
  normal: '#56B4E9',
  small_normal: '#009E73',
  truncated_normal: '#56B4E9',
  uniform: '#E69F00',
  zeros: '#000000',
  constant: '#000000',
  mean_field: '#009E73',
  fixup: '#009E73',
});

/** Short display names. LeCun is the "1/fan_in Xavier" that He et al. 2015 compare against. */
export const LABELS = Object.freeze({
  he_normal: 'He normal',
  he_uniform: 'He uniform',
  xavier_normal: 'Xavier normal',
  xavier_uniform: 'Xavier uniform',
  lecun_normal: 'LeCun normal',
  lecun_uniform: 'LeCun uniform',
  orthogonal: 'Orthogonal',
  lsuv: 'LSUV',
  pytorch_default: 'PyTorch default',
  normal: 'Normal',
  small_normal: 'Small normal',
  truncated_normal: 'Truncated normal',
  uniform: 'Uniform',
  zeros: 'Zeros',
  constant: 'Constant',
  mean_field: 'Mean field',
  fixup: 'Fixup',
});

/** Class colours of the decision boundary (Paul Tol's "vibrant"); class 0 orange, 1 blue as in
 *  TF Playground. Kept apart from the run palette's exact hues so a class never reads as a run. */
export const CLASS_COLORS = Object.freeze([
  '#EE7733', '#0077BB', '#009988', '#EE3377', '#33BBEE', '#CC3311', '#BBBBBB', '#332288',
]);

export function colorFor(initId) {
  return INIT_COLORS[initId] ?? PALETTE[hashString(String(initId)) % PALETTE.length];
}

export function labelFor(initId) {
  return LABELS[initId] ?? String(initId);
}

// How a run's own value of a per-run field reads in its label ("He normal, α = 1/√B, ReZero"):
// a word for each value, '' for the value that needs no mention (no gate), `field=value` for
// anything else (a number, a field without words here).
const VALUE_LABELS = {
  residualScale: { one: 'α = 1', inv_sqrt_depth: 'α = 1/√B', inv_sqrt_2depth: 'α = 1/√(2B)', inv_depth: 'α = 1/B' },
  residualGate: { none: '', rezero: 'ReZero' },
  norm: { none: 'no norm', layer: 'LayerNorm', rms: 'RMSNorm', batch: 'BatchNorm' },
  normPosition: { pre: 'pre-norm', post: 'post-norm' },
  parametrization: { sp: 'SP', ntk: 'NTK', mup: 'μP' },
};
export function valueLabel(field, value) {
  if (field === 'residualScale' && typeof value === 'number') return `α = ${value}`;
  return VALUE_LABELS[field]?.[value] ?? `${field}=${value}`;
}

/** Colours for the runs of one comparison, in order, with no two runs alike (up to 7 runs). */
export function runColors(initIds) {
  const used = new Set();
  return initIds.map((id) => {
    let c = colorFor(id);
    if (used.has(c)) c = PALETTE.find((p) => !used.has(p)) ?? c;
    used.add(c);
    return c;
  });
}

/** '#rrggbb' -> 'rgba(r,g,b,a)'. Other colour strings are returned unchanged. */
export function withAlpha(color, alpha) {
  const rgb = hexToRgb(color);
  return rgb ? `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${alpha})` : color;
}

export function hexToRgb(color) {
  const m = /^#([0-9a-f]{6})$/i.exec(color ?? '');
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hashString(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
