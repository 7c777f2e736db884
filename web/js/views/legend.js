// One legend entry of a view (swatch or marker, label, value note); Panel#setLegend lays them out.

import { h } from './dom.js';

export function legendItem({ color, label, dash, dot, marker, note, title, cls }) {
  const li = h('li', `iv-legend-item${cls ? ` ${cls}` : ''}`);
  if (title) li.title = title;
  if (marker) {
    const m = h('span', 'iv-marker', marker);
    if (color) m.style.color = color;
    li.append(m);
  } else if (color) {
    const sw = h('span', `iv-swatch${dash ? ' iv-swatch-dash' : dot ? ' iv-swatch-dot' : ''}`);
    sw.style.color = color;
    li.append(sw);
  }
  if (label) li.append(h('span', 'iv-legend-label', label));
  if (note) li.append(h('span', 'iv-legend-note', note));
  return li;
}
