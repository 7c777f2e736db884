// Downloads: every logged record of every run as JSON or CSV (the CLI's formats, export.js), and
// each chart panel as a PNG (picture.js).
//
// page: { model, ready } (read when needed) and notify(text).

import { formatHidden } from '../state/state.js';
import { toJSON, toCSV, exportFileName } from '../export/export.js';
import { panelPNG } from '../export/picture.js';
import { latestStep } from './records.js';

const $ = (id) => document.getElementById(id);

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

function downloadNumbers(page, format) {
  if (!page.ready || !page.model.config) return page.notify('nothing to download yet: the runs are still loading');
  const data = { config: page.model.config, runs: page.model.runs };
  const text = format === 'csv' ? toCSV(data) : toJSON(data);
  const type = format === 'csv' ? 'text/csv' : 'application/json';
  saveBlob(new Blob([text], { type }), exportFileName({ seed: page.model.config.seed, step: latestStep(page.model), ext: format }));
}

async function downloadPicture(page, part) {
  const view = document.querySelector(`.panel[data-part="${part}"] .iv-view`);
  if (!view || !page.model.config) return;
  const c = page.model.config;
  const footer = `initscope \u00B7 ${c.dataset} \u00B7 ${c.activation} \u00B7 hidden ${formatHidden(c.hidden)} \u00B7 ` +
    `${c.optimizer} lr ${c.learningRate} \u00B7 seed ${c.seed}`;
  try {
    const blob = await panelPNG(view, { footer });
    saveBlob(blob, exportFileName({ seed: c.seed, step: latestStep(page.model), what: part, ext: 'png' }));
  } catch (e) {
    page.notify(`could not make the picture: ${e.message || e}`);
  }
}

export function setupDownloads(page) {
  const menu = $('download-menu');
  const close = (focus) => {
    menu.open = false;
    if (focus) menu.querySelector('summary').focus();
  };
  $('b-download-json').addEventListener('click', () => { downloadNumbers(page, 'json'); close(true); });
  $('b-download-csv').addEventListener('click', () => { downloadNumbers(page, 'csv'); close(true); });
  menu.addEventListener('keydown', (e) => { if (e.key === 'Escape' && menu.open) { e.preventDefault(); close(true); } });
  document.addEventListener('click', (e) => { if (menu.open && !menu.contains(e.target)) close(false); });
  // A PNG button beside each chart panel's "?".
  for (const panel of document.querySelectorAll('#views .panel[data-part], #theory .panel[data-part]')) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'png';
    b.textContent = 'PNG';
    b.title = 'Save this chart as a PNG image';
    b.setAttribute('aria-label', `Save the ${panel.getAttribute('aria-label').toLowerCase()} chart as a PNG image`);
    b.addEventListener('click', () => downloadPicture(page, panel.dataset.part));
    const tools = panel.querySelector('.panel-tools');
    tools.insertBefore(b, tools.querySelector('.how'));
  }
}
