// themes.js: the theme choices of the URL state's `theme` field. A leaf of its own so that
// state.js (which validates the field) and theme.js (which applies it, for the views) share it
// without the views importing the state, and with it the field registry.
export const THEMES = Object.freeze(['auto', 'light', 'dark']);
