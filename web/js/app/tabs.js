// The Training, Theory and Width tabs, and the Theory tab's numbers (the Width tab is
// width-tab.js's, told here when it is shown: page.widthShown()). state.tab is in the link; an embed
// shows whichever tab has parts it keeps, the tabs only if both. The numbers come from
// theory/theory-worker.js (its own engine, started on first use) into page.model.theory.
//
// page: { state, ready, gen, views, model } (read when needed) and apply(next), scheduleDraw().

import { THEORY_PARTS, VIEW_PARTS, runConfig } from '../state/state.js';

const $ = (id) => document.getElementById(id);

export function theoryTabs(page) {
  const TRAINING_PARTS = VIEW_PARTS.filter((p) => p !== 'badges' && !THEORY_PARTS.includes(p));

  function shownTab() {
    const parts = page.state.embed;
    const training = TRAINING_PARTS.filter((p) => !parts || parts.includes(p));
    const theoryParts = THEORY_PARTS.filter((p) => !parts || parts.includes(p));
    let tab = !training.length && theoryParts.length ? 'theory' : !theoryParts.length ? 'training' : page.state.tab;
    // an embed shows the parts it lists; the Width tab is none of them
    if (parts && tab === 'width') tab = training.length ? 'training' : 'theory';
    return { tab, both: training.length > 0 && theoryParts.length > 0, training, theoryParts };
  }

  function applyTab() {
    const { tab, both, training, theoryParts } = shownTab();
    $('view-tabs').hidden = !both;
    for (const b of document.querySelectorAll('#view-tabs [role="tab"]')) {
      const on = b.dataset.tab === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    $('views').hidden = tab !== 'training';
    $('theory').hidden = tab !== 'theory';
    $('width').hidden = tab !== 'width';
    $('tab-width').hidden = !!page.state.embed;
    // embed layouts count the panels each tab shows (embed.js counts every view part)
    $('views').dataset.count = String(training.length);
    $('theory').classList.toggle('single', theoryParts.length < 2 || !theoryParts.includes('phase'));
    for (const [part, view] of Object.entries(page.views)) {
      if (!document.querySelector(`[data-part="${part}"]`)?.closest('[hidden]')) view.resize?.();
    }
    requestTheory();
    if (tab === 'width') page.widthShown?.();
    page.scheduleDraw();
  }

  function setupTabs() {
    const tabs = [...document.querySelectorAll('#view-tabs [role="tab"]')];
    const choose = (b) => {
      if (page.state.tab !== b.dataset.tab) page.apply({ ...page.state, tab: b.dataset.tab });
    };
    for (const b of tabs) {
      b.addEventListener('click', () => choose(b));
      // WAI-ARIA tabs: arrows move between tabs (and select them), Home / End jump
      b.addEventListener('keydown', (e) => {
        const shown = tabs.filter((t) => !t.hidden);
        const i = shown.indexOf(b);
        const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shown.length - 1 }[e.key];
        if (j === undefined) return;
        e.preventDefault();
        const next = shown[(j + shown.length) % shown.length];
        next.focus();
        choose(next);
      });
    }
  }

  const PHASE_GRID = { nx: 36, ny: 24 };   // smoothed when drawn; ~1-4 s per activation in the worker
  // The plane shown: sigma_w^2 in (0, wMax], sigma_b^2 in [0, bMax], where every activation's
  // critical line (if any: sigmoid has none, it is ordered everywhere) starts. Runs beyond it sit
  // on the edge as a triangle. wMax 4.5, not 4: sigma_w^2 = 4 is the deep-chaos run of the
  // presets and of the sweep's axis, and deserves to be a dot inside the plane, not on its edge.
  const PHASE_RANGE = { default: { wMax: 4.5, bMax: 0.5 } };
  let theoryWorker = null;
  const phaseCache = new Map();   // activation|leakySlope -> phase grid, { pending } or { error }
  let jacobianAsked = -1;         // the gen whose spectra were asked for

  function requestTheory() {
    if (!page.state || !page.ready || $('theory').hidden) return;
    if (theoryFailed) {
      theoryFailure(theoryFailed);
      return;
    }
    if (!theoryWorker) {
      try {
        theoryWorker = new Worker(new URL('../theory/theory-worker.js', import.meta.url), { type: 'module' });
      } catch (e) {
        // e.g. a page whose policy forbids workers (the single file starts this one from a blob)
        console.warn('initscope: no theory worker', e);
        theoryFailure(`the Theory tab could not start its worker: ${e.message || e}`);
        return;
      }
      theoryWorker.onmessage = onTheory;
      theoryWorker.onerror = (e) => theoryFailure(`the theory worker failed: ${e.message || 'unknown error'}`);
    }
    const key = `${page.state.activation}|${page.state.leakySlope}`;
    if (!phaseCache.has(key)) {
      phaseCache.set(key, { pending: true, key });
      const range = PHASE_RANGE[page.state.activation] ?? PHASE_RANGE.default;
      theoryWorker.postMessage({ type: 'phase', id: key, activation: page.state.activation, leakySlope: page.state.leakySlope, ...range, ...PHASE_GRID });
    }
    page.model.theory.phase = { key, ...phaseCache.get(key) };
    if (jacobianAsked !== page.gen) {
      jacobianAsked = page.gen;
      page.model.theory.jacobian = null;
      theoryWorker.postMessage({ type: 'jacobian', id: page.gen, configs: page.state.inits.map((init, i) => runConfig(page.state, init, i)) });
    }
  }

  let theoryFailed = null;       // why the theory worker cannot run, once it could not
  function theoryFailure(error) {
    theoryFailed = error;
    page.model.theory.phase = { error };
    page.model.theory.jacobian = page.model.runs.map(() => ({ error }));
    page.scheduleDraw();
  }

  function onTheory(event) {
    const msg = event.data;
    if (msg.type === 'phase') {
      phaseCache.set(msg.id, { key: msg.id, ...msg });
    } else if (msg.type === 'jacobian') {
      if (msg.id === page.gen) page.model.theory.jacobian = msg.spectra;
    } else if (msg.type === 'error') {
      if (msg.kind === 'phase') phaseCache.set(msg.id, { key: msg.id, error: msg.message });
      else if (msg.id === page.gen) page.model.theory.jacobian = page.state.inits.map(() => ({ error: msg.message }));
    }
    const key = `${page.state.activation}|${page.state.leakySlope}`;
    if (phaseCache.has(key)) page.model.theory.phase = { key, ...phaseCache.get(key) };
    page.scheduleDraw();
  }

  return { applyTab, setupTabs, requestTheory };
}
