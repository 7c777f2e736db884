// The frame every view lives in (title, legend, plot area, readout, screen-reader summary) and
// its resize handling: a view redraws on resize in a task of its own (Panel#deliver).
//
// Views receive the page's `model` (see app/main.js) on every frame, up to ~30 times a second, so
// everything here is allocation-light and never reads layout inside update().

import { h, setText } from './dom.js';
import { legendItem } from './legend.js';

let uid = 0;

/**
 * The frame every view lives in:
 *   header (title, subtitle), legend, plot area (absolutely positioned content so the chart's own
 *   size never feeds back into layout), readout line, and a visually hidden summary that screen
 *   readers get instead of the canvas, refreshed at most once a second.
 */
export class Panel {
  constructor(container, { kind, title, options = {} }) {
    this.container = container;
    const id = `iv-${kind}-${++uid}`;
    this.root = h('section', `iv-view iv-${kind}`);
    this.root.setAttribute('aria-labelledby', `${id}-title`);
    this.root.setAttribute('aria-describedby', `${id}-sr`);
    this.head = h('div', 'iv-head');
    this.title = h('h3', 'iv-title', options.title === false ? '' : options.title ?? title);
    this.title.id = `${id}-title`;
    if (options.title === false) this.title.classList.add('iv-sr');
    this.sub = h('span', 'iv-sub');
    this.head.append(this.title, this.sub);
    this.legend = h('ul', 'iv-legend');
    this.plot = h('div', 'iv-plot');
    this.plot.setAttribute('aria-hidden', 'true');
    this.inner = h('div', 'iv-plot-inner');
    this.plot.append(this.inner);
    this.readout = h('div', 'iv-readout');
    this.readout.setAttribute('aria-hidden', 'true');
    this.sr = h('p', 'iv-sr');
    this.sr.id = `${id}-sr`;
    this.root.append(this.head, this.legend, this.plot, this.readout, this.sr);
    container.append(this.root);

    this.size = { width: this.plot.clientWidth || 300, height: this.plot.clientHeight || 160 };
    this.onResize = null;
    this.ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      const width = Math.max(0, Math.floor(r.width));
      const height = Math.max(0, Math.floor(r.height));
      if (width === this.size.width && height === this.size.height) return;
      this.size = { width, height };
      this.#deliver();
    });
    this.ro.observe(this.plot);
    this.resizeTimer = 0;

    this.summaryFn = null;
    this.summaryAt = -Infinity;
    this.summaryTimer = 0;
  }

  /** Re-measures (for the page's explicit resize() calls, e.g. after un-hiding a panel). */
  measure() {
    const width = this.plot.clientWidth;
    const height = this.plot.clientHeight;
    if (width > 0 && height > 0) this.size = { width, height };
    this.#deliver();
  }

  // A resize redraws the view at its new size, in a task of its own and once however many
  // observers reported it: when the run strip grows by a line every chart of the grid resizes at
  // once, and redrawing them all inside the one layout task took 113 ms at depth 200
  // (bench/longtask-bench.mjs); one task per panel keeps each well under the 50 ms of a long task.
  #deliver() {
    if (this.resizeTimer) return;
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = 0;
      this.onResize?.(this.size);
    }, 0);
  }

  /** Schedules the hidden text summary; `fn` is only called when the text is due. */
  summary(fn) {
    this.summaryFn = fn;
    const now = performance.now();
    const due = this.summaryAt + 1000 - now;
    if (due <= 0) this.flushSummary();
    else if (!this.summaryTimer) this.summaryTimer = setTimeout(() => this.flushSummary(), due);
  }

  flushSummary() {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = 0;
    this.summaryAt = performance.now();
    if (this.summaryFn) setText(this.sr, this.summaryFn());
  }

  /** Legend items from [{ color, label, dash, dot, marker, note, title }]; rebuilt only when changed. */
  setLegend(items) {
    // Most frames only change the values (notes): update those text nodes in place.
    const shape = JSON.stringify(items.map((it) => ({ ...it, note: it.note ? 1 : 0 })));
    if (shape === this.legendShape) {
      items.forEach((it, i) => {
        const note = this.legend.children[i]?.querySelector('.iv-legend-note');
        if (note) setText(note, it.note);
      });
      return;
    }
    this.legendShape = shape;
    this.legend.replaceChildren(...items.map(legendItem));
  }

  destroy() {
    this.ro.disconnect();
    clearTimeout(this.summaryTimer);
    clearTimeout(this.resizeTimer);
    this.root.remove();
  }
}
