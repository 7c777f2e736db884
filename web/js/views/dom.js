// The DOM helpers the views share: make an element, set its text only when it changed, size a
// canvas to its CSS box at the device's pixel ratio.

// ---------------------------------------------------------------------------------------------
// DOM scaffold

export function h(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text != null) el.textContent = text;
  return el;
}

/** Sets textContent only when it changed (no style invalidation on unchanged frames). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Sizes `canvas` to width x height CSS pixels at `dpr` device pixels each (the backing store
 * resized only when it changed; the CSS size set unless `keepStyle`) and returns its 2D context,
 * cleared, drawing in CSS pixels.
 */
export function fitCanvas(canvas, width, height, dpr, { keepStyle = false } = {}) {
  const W = Math.max(1, Math.round(width * dpr));
  const H = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  if (!keepStyle) {
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
