// window.initscope: a read-only window onto what the page shows, for tests and the curious
// (copies, no handles). page: main.js's live values; sweep: sweep-mode.js's handle; width:
// width-tab.js's.

import { runConfig } from '../state/state.js';

function copyRecords(model, i) {
  const run = model.runs[i];
  return run ? structuredClone(run.records) : null;
}

export function exposeInspector({ page, pool, sweep, width, isPlaying, draws }) {
  Object.defineProperty(window, 'initscope', {
    value: Object.freeze({
      get state() { return page.state && structuredClone(page.state); },
      get configs() { const state = page.state; return state ? state.inits.map((init, i) => runConfig(state, init, i)) : []; },
      // what the Theory tab has: the phase grid's status, and the number of runs with a spectrum
      get theory() {
        const p = page.model.theory.phase;
        const j = page.model.theory.jacobian;
        return {
          phase: p ? (p.error ? `error: ${p.error}` : p.pending ? 'pending' : 'ready') : null,
          jacobian: j ? j.filter((s) => s && !s.error).length : null,
          jacobianErrors: j ? j.filter((s) => s?.error).map((s) => s.error) : [],
        };
      },
      get playing() { return isPlaying(); },
      get ready() { return page.ready; },
      get gen() { return page.gen; },
      get cursor() { return page.model.cursor; },
      get draws() { return draws(); },
      // the run pool: { shards started, active (used by these runs), gen, issued, merged }
      get pool() { return pool.info(); },
      runs() {
        return page.model.runs.map((r, i) => ({
          init: r.init, label: r.label, color: r.color, diverged: r.diverged,
          records: r.records.length, latest: structuredClone(r.records[r.records.length - 1]),
          hasGrid: !!r.grid, index: i,
          predictions: r.predictions && { step: r.predictions.step, pred: Array.from(r.predictions.pred), classAccuracy: Array.from(r.predictions.classAccuracy) },
        }));
      },
      records: (i) => copyRecords(page.model, i),
      sweep: Object.freeze({
        info: () => sweep.view?.info(),
        csv: () => sweep.view?.csv(),
        memory: () => sweep.view?.memory(),
        start: () => sweep.view?.start(),
        cancel: () => sweep.view?.cancel(),
        configure: (settings) => sweep.view?.configure(settings),
        setMode: (on) => sweep.setSweepMode(on),
        setTheorySource: (fn) => sweep.view?.setTheorySource(fn),
        engineTheory: (query) => sweep.view?.engineTheory(query),
      }),
      // the Width tab's coordinate check: its settings, whether it runs, its slopes, its panels
      width: Object.freeze({
        info: () => width?.view && structuredClone(width.view.describe()),
        workers: () => width?.view?.pool?.started ?? 0,
      }),
    }),
  });
}
