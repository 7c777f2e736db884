// The Width tab (views/width.js, the coordinate check): created the first time the tab is
// shown, with its own pool of workers (width/width-pool.js), started only then, so the training
// screen pays nothing for it. A preset opens it with its settings.
//
// page: { notify(text) }.

import { WidthView } from '../views/width.js';
import { saveBlob } from './downloads.js';

const $ = (id) => document.getElementById(id);

export function widthTab(page) {
  let view = null;

  function ensure() {
    if (view) return view;
    // one worker per core, up to 4: a check has 2 x 4 x 3 = 24 short tasks by default
    const cores = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
    view = new WidthView($('v-width'), { save: saveBlob, notify: page.notify, poolSize: Math.max(1, Math.min(cores, 4)) });
    new ResizeObserver(() => view.resize()).observe($('v-width'));
    return view;
  }

  return {
    /** tabs.js: the tab is on screen. */
    shown: () => ensure().shown(),
    /** The theme changed: redraw with its colours. */
    reset: () => view?.reset(),
    /** A preset's settings ({ start } runs the check at once). */
    configure: (settings, options) => ensure().configure(settings, options),
    get view() { return view; },
  };
}
