// The two DOM helpers every view uses: make an element, set its text only when it changed.

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
