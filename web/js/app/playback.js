// The run strip: Play / Step / Reset, the step counter and the scrubber over the logged steps,
// and the keys (space = play/pause, s = step, r = reset). The pool plays; this only asks it.

import { latestIndex, timeline } from './records.js';

const $ = (id) => document.getElementById(id);

/** The step counter and the scrubber for the records in `model` (model.cursor -1 = latest). */
export function drawStrip(model) {
  const records = timeline(model);
  const last = records.length - 1;
  const shown = model.cursor < 0 ? last : model.cursor;
  const step = shown >= 0 ? records[shown].step : 0;
  $('step-counter').textContent = `step ${step.toLocaleString('en-US')}`;
  const scrub = $('c-scrub');
  scrub.max = String(Math.max(0, last));
  scrub.value = String(Math.max(0, shown));
  scrub.setAttribute('aria-valuetext', `step ${step}`);
  document.body.dataset.step = String(last >= 0 ? records[last].step : 0);
}

export function showPlaying(playing) {
  const b = $('b-play');
  b.textContent = playing ? 'Pause' : 'Play';
  b.setAttribute('aria-pressed', String(playing));
  document.body.dataset.playing = String(playing);
}

/** ctx: { pool, isPlaying(), hasState(), reset(), model, scheduleDraw() } */
export function setupPlayback({ pool, isPlaying, hasState, reset, model, scheduleDraw }) {
  const toggle = () => pool.postMessage({ type: isPlaying() ? 'pause' : 'play' });
  $('b-play').addEventListener('click', toggle);
  $('b-step').addEventListener('click', () => pool.postMessage({ type: 'step' }));
  $('b-reset').addEventListener('click', reset);
  $('c-scrub').addEventListener('input', (e) => {
    const i = Number(e.target.value);
    model.cursor = i >= latestIndex(model) ? -1 : i;
    scheduleDraw();
  });

  // space = play/pause, s = step, r = reset; never while typing, and never over a focused
  // control's own meaning of the key.
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || !hasState()) return;
    const t = e.target;
    if (t.closest && t.closest('input, select, textarea, dialog, [contenteditable]')) return;
    const onControl = t.closest && t.closest('button, summary, a');
    if (e.key === ' ' && !onControl) {
      e.preventDefault();
      toggle();
    } else if (e.key === 's' || e.key === 'S') {
      pool.postMessage({ type: 'step' });
    } else if (e.key === 'r' || e.key === 'R') {
      reset();
    }
  }
  document.addEventListener('keydown', onKey);
}
