// Sweep mode (views/sweep.js): the Sweep button swaps the chart grid for the sweep view; an embed
// that lists `sweep` shows it. A clicked cell becomes the page's experiment.
//
// page: { state, ready, good, gen, model, catalog } (read when needed), apply(next), notify(text).

import { runConfig, validateState } from '../state/state.js';
import { SweepView } from '../views/sweep.js';
import { saveBlob } from './downloads.js';
import { showIntro } from './intro.js';

const $ = (id) => document.getElementById(id);

export function sweepMode(page) {
  let sweepView = null;         // created by setupSweep() (its workers only when a sweep starts)

  function openSweepPreset(preset) {
    setSweepMode(true);
    sweepView.configure(preset.sweep);
  }

  function setSweepMode(on) {
    document.body.classList.toggle('sweep-mode', on);
    $('b-sweep').setAttribute('aria-pressed', String(on));
    if (on) sweepView?.refreshPreview();   // its axes, empty cells and overlay at once
    if (on) sweepView?.resize();   // the first apply() runs before setupSweep()
    showIntro(on ? sweepView?.describe() : null);   // the intro says what is on screen
  }

  // The experiment the sweep varies: the first compared run, with its sizes resolved once the
  // worker has made it (so an exported config reads as the CLI's).
  function sweepBase() {
    const config = runConfig(page.state, page.state.inits[0]);
    return page.ready && page.good && page.good.gen === page.gen && page.model.config ? { ...page.model.config } : config;
  }

  // The cell's config as page state: every field the state has, the cell's initializer first
  // among the compared ones. inputDim / classes stay as they were unless the sweep changed them
  // (the config has them resolved, the state keeps 0 = the dataset's own).
  function openSweepCell(config) {
    const base = sweepBase();
    const next = { ...page.state };
    for (const [k, v] of Object.entries(config)) {
      if (!(k in page.state) || k === 'inits' || k === 'embed') continue;
      if ((k === 'inputDim' || k === 'classes') && v === base[k]) continue;
      next[k] = v;
    }
    next.gain = typeof config.gain === 'number' ? config.gain : page.state.gain;
    next.inits = [config.init, ...page.state.inits.filter((i) => i !== config.init)].slice(0, 4);
    setSweepMode(false);
    page.apply(validateState(next, page.catalog));
  }

  function setupSweep() {
    // An embed shares the reader's machine with the article around it: one worker, unless the
    // sweep is all the embed shows.
    const embed = page.state.embed;
    sweepView = new SweepView($('v-sweep'), {
      getBase: sweepBase,
      onOpenCell: openSweepCell,
      notify: page.notify,
      save: saveBlob,
      onSettings: () => { if (document.body.classList.contains('sweep-mode')) showIntro(sweepView.describe()); },
      embedded: !!embed && !(embed.length === 1 && embed[0] === 'sweep'),
    });
    new ResizeObserver(() => sweepView.resize()).observe($('v-sweep'));
    $('b-sweep').addEventListener('click', () => setSweepMode(!document.body.classList.contains('sweep-mode')));
    if (embed && embed.includes('sweep')) setSweepMode(true);
  }

  return { openSweepPreset, setSweepMode, setupSweep, get view() { return sweepView; } };
}
