// article.js: the article's theme toggle. The choice lives in the link (#theme=dark) like the
// lab's, sets the page's colours, and is handed to every figure as its `theme` attribute.

import { THEMES } from '../theme/themes.js';
import { applyTheme } from '../theme/theme.js';

const select = document.getElementById('c-theme');

function chosen() {
  const t = new URLSearchParams(location.hash.slice(1)).get('theme');
  return THEMES.includes(t) ? t : 'auto';
}

function show(theme) {
  applyTheme(theme);
  select.value = theme;
  for (const figure of document.querySelectorAll('initscope-lab')) figure.setAttribute('theme', theme);
}

select.addEventListener('change', () => {
  history.replaceState(null, '', select.value === 'auto' ? location.pathname : `#theme=${select.value}`);
  show(select.value);
});
window.addEventListener('hashchange', () => show(chosen()));
show(chosen());
