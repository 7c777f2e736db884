// frame.js: the page's side of being embedded (an <iframe> in someone else's article).
//
// What the page tells its parent (postMessage to window.parent only, never to other windows):
//   { source: 'initscope', type: 'height', height }        its content height, on every change
//   { source: 'initscope', type: 'ready', valid }          first runs at step 0 (valid: the
//                                                          embed's settings had no notice)
//   { source: 'initscope', type: 'progress', step, runs }  runs: [{ init, loss, accuracy }],
//                                                          at most 4 a second while training
//   { source: 'initscope', type: 'diverged', run, init, step }
//   { source: 'initscope', type: 'playing', playing }
// None of it is secret (the parent chose the experiment), but it goes to the parent's origin
// when the browser tells us which it is (location.ancestorOrigins; else the referrer's origin);
// only with neither known is it posted to '*', which still reaches no window but the parent.
//
// What the parent may ask (accepted only from window.parent, from its origin when known, and
// only in exactly this shape): { source: 'initscope', type: 'autosize' | 'play' | 'pause' | 'reset' }.
// 'autosize' switches the page to its natural height (the parent sizes the iframe to it);
// without it an embed keeps filling a fixed-height iframe as before.
//
// Scrolled out of the reader's view, a playing embed pauses; back in view, it plays on.

const SOURCE = 'initscope';
const COMMANDS = new Set(['autosize', 'play', 'pause', 'reset']);
const PROGRESS_MS = 250;

export const framed = (() => {
  try {
    return window.parent !== window;
  } catch {
    return true;
  }
})();

function parentOrigin() {
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length && ancestors[0] !== 'null') return ancestors[0];
  try {
    if (document.referrer) return new URL(document.referrer).origin;
  } catch { /* no usable referrer */ }
  return null;
}

// Exactly { source, type } with a known type: anything more or less is not from our element.
export function isCommand(data) {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const keys = Object.keys(data);
  return keys.length === 2 && data.source === SOURCE && typeof data.type === 'string' && COMMANDS.has(data.type);
}

// actions: { play(), pause(), reset(), isPlaying() }. Returns the hooks main.js calls.
export function connectFrame(actions) {
  const noop = () => {};
  if (!framed) return { ready: noop, progress: noop, playing: noop, refuse: noop };

  const origin = parentOrigin();
  const send = (message) => window.parent.postMessage({ source: SOURCE, ...message }, origin || '*');
  let valid = true;
  let lastProgress = -Infinity;
  let progressTimer = 0;
  let pendingRuns = null;
  const diverged = new Set();
  let pausedOffscreen = false;
  let visible = true;

  // -- height ----------------------------------------------------------------------------------
  let lastHeight = -1;
  const measure = () => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      send({ type: 'height', height });
    }
  };
  new ResizeObserver(measure).observe(document.body);

  // -- commands from the parent --------------------------------------------------------------
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent) return;
    if (origin && event.origin !== origin) return;
    if (!isCommand(event.data)) return;
    const { type } = event.data;
    if (type === 'autosize') {
      document.documentElement.classList.add('autosize');
      lastHeight = -1;
      measure();
    } else if (type === 'play') {
      // An embed whose settings were refused shows its notice and runs nothing by itself.
      if (valid) {
        pausedOffscreen = false;
        if (visible) actions.play(); else pausedOffscreen = true;
      }
    } else if (type === 'pause') {
      pausedOffscreen = false;
      actions.pause();
    } else if (type === 'reset') {
      actions.reset();
    }
  });

  // -- off screen: pause; back: play on (implicit root = the reader's viewport, across origins) --
  new IntersectionObserver((entries) => {
    const entry = entries[entries.length - 1];
    visible = entry.isIntersecting;
    if (!visible && actions.isPlaying()) {
      pausedOffscreen = true;
      actions.pause();
    } else if (visible && pausedOffscreen) {
      pausedOffscreen = false;
      actions.play();
    }
  }).observe(document.documentElement);

  function flushProgress() {
    progressTimer = 0;
    if (!pendingRuns) return;
    lastProgress = performance.now();
    const runs = pendingRuns;
    pendingRuns = null;
    let step = 0;
    const out = runs.map((run) => {
      const r = run.records[run.records.length - 1];
      if (r) step = Math.max(step, r.step);
      return { init: run.init, loss: r ? r.trainLoss : null, accuracy: r ? r.trainAccuracy : null };
    });
    send({ type: 'progress', step, runs: out });
  }

  return {
    // Called once per set of runs at step 0; notices: whether the link's settings had any.
    ready(hadNotices) {
      valid = !hadNotices;
      diverged.clear();
      send({ type: 'ready', valid });
      measure();
    },
    progress(runs) {
      runs.forEach((run, i) => {
        if (run.diverged != null && !diverged.has(i)) {
          diverged.add(i);
          send({ type: 'diverged', run: i, init: run.init, step: run.diverged });
        }
      });
      pendingRuns = runs;
      if (progressTimer) return;
      const wait = lastProgress + PROGRESS_MS - performance.now();
      if (wait <= 0) flushProgress();
      else progressTimer = setTimeout(flushProgress, wait);
    },
    playing(playing) {
      send({ type: 'playing', playing });
    },
  };
}
