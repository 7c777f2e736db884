// theme.js: light and dark. The page's colours are CSS custom properties (css/theme.css);
// canvases and uPlot cannot read CSS, so they ask here, at draw time, for the current values.
//
// `theme` is a view field of the URL state ('auto' | 'light' | 'dark'): 'auto' follows the
// system's prefers-color-scheme and keeps following it while the page is open.

import { THEMES } from './themes.js';

export { THEMES };

const DARK_QUERY = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

let chosen = 'auto';
let onChange = () => {};

export function resolveTheme(theme) {
  if (theme === 'light' || theme === 'dark') return theme;
  return DARK_QUERY && DARK_QUERY.matches ? 'dark' : 'light';
}

export function currentTheme() {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

// Sets <html data-theme> and calls `changed(resolved)` whenever the resolved theme changes
// (a new choice, or the system's setting while the choice is 'auto').
export function applyTheme(theme, changed) {
  chosen = THEMES.includes(theme) ? theme : 'auto';
  if (changed) onChange = changed;
  const resolved = resolveTheme(chosen);
  const root = document.documentElement;
  if (root.dataset.theme === resolved) return;
  root.dataset.theme = resolved;
  root.style.colorScheme = resolved;
  onChange(resolved);
}

DARK_QUERY?.addEventListener?.('change', () => applyTheme(chosen));

// A colour from the page's custom properties, or the fallback (views also run outside the page).
// Cached per theme: views ask on every frame.
const cache = new Map();
export function cssColor(name, fallback) {
  if (typeof document === 'undefined') return fallback;
  const key = `${document.documentElement.dataset.theme}|${name}`;
  let v = cache.get(key);
  if (v === undefined) {
    v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    cache.set(key, v);
  }
  return v || fallback;
}

// Run colours are chosen for a white background; black ("nothing learns": zeros, constant)
// would vanish on a dark one, so it becomes the dark theme's text colour there.
export function themedRunColor(color) {
  if (color && color.toLowerCase() === '#000000' && currentTheme() === 'dark') return cssColor('--text', '#e6e9ef');
  return color;
}
