// embed.js: everything about putting an experiment into someone else's page.
//
// 1. Loaded by itself with a script tag on any page, it defines <initscope-lab>:
//      <script type="module" src="https://example.org/initscope/js/embed.js"></script>
//      <initscope-lab inits="he_normal,zeros" hidden="64x10" embed="loss,variance" autoplay></initscope-lab>
//    Every field of the link's state (state.js FIELDS) is an attribute of the same name (or its
//    kebab-case form, learning-rate); `config="inits=...&hidden=..."` gives many at once and the
//    attributes override it. The element is an iframe of this site's page with those settings as
//    its hash, so the reader gets the same experiment isolated from the host page (its styles,
//    its scripts, its CSP), and the page validates them exactly as it validates a link.
//    Polite on a long article: the iframe (and with it the wasm and the worker) is only created
//    when the element comes within about a viewport of the screen; the page pauses itself when
//    scrolled out of view (frame.js). The iframe is as tall as its content (no inner scrollbar).
//    Events: ready, progress (at most ~4/s), diverged. Methods: play(), pause(), reset().
// 2. The same script makes a plain <iframe src=".../index.html#..."> of this site auto-size.
// 3. Imported by main.js: embed mode (hide what the link's `embed=` does not list) and the
//    embed dialog that writes both snippets.
//
// Messages (see frame.js for the other side) are accepted only from our own iframe's window and
// origin, and only in exactly the expected shape; commands go to that window and origin only.

import { VIEW_PARTS, EMBED_PARTS, FIELDS } from '../state/state.js';

const PAGE_URL = new URL('../../index.html', import.meta.url);
const PAGE_ORIGIN = PAGE_URL.origin;
// The snippet names the public entry js/embed.js (a one-line re-export of this module), the URL
// that pages already embedding the lab load.
const SCRIPT_URL = new URL('../embed.js', import.meta.url);
const DEFAULT_HEIGHT = 560;
const SOURCE = 'initscope';
const MAX_HEIGHT = 20000;
// Loaded when within about one viewport of the screen (above or below).
const LOAD_MARGIN = '100% 0px 100% 0px';

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
// HTML lower-cases attribute names: learningRate is read as learningrate (or learning-rate).
const FIELD_ATTRIBUTES = FIELDS.map((field) => ({ field, names: [...new Set([field.toLowerCase(), kebab(field)])] }));
export const OBSERVED_ATTRIBUTES = Object.freeze(['config', 'height', ...FIELD_ATTRIBUTES.flatMap((f) => f.names)]);

// The iframe src for a config string (the hash without '#'); embed mode on unless it says so.
// overrides: { field: text } from attributes, which win over the config string.
export function embedSrc(config, overrides = {}) {
  const params = new URLSearchParams(String(config || '').replace(/^#/, ''));
  for (const [field, value] of Object.entries(overrides)) params.set(field, value);
  if (!params.has('embed')) params.set('embed', VIEW_PARTS.join(','));
  const url = new URL(PAGE_URL);
  url.hash = params.toString().replace(/%2C/g, ',');
  return url.href;
}

// ---------------------------------------------------------------------------------------------
// Messages from a framed page: exactly these shapes, nothing else.

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const isStep = (v) => isNum(v) && Number.isInteger(v) && v >= 0;
const isText = (v) => typeof v === 'string' && v.length <= 64;
const hasKeys = (o, keys) => {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(o, k));
};
const SHAPES = {
  height: (m) => hasKeys(m, ['source', 'type', 'height']) && isNum(m.height) && m.height >= 0 && m.height <= MAX_HEIGHT,
  ready: (m) => hasKeys(m, ['source', 'type', 'valid']) && typeof m.valid === 'boolean',
  playing: (m) => hasKeys(m, ['source', 'type', 'playing']) && typeof m.playing === 'boolean',
  diverged: (m) => hasKeys(m, ['source', 'type', 'run', 'init', 'step']) && isStep(m.run) && m.run < 8 && isText(m.init) && isStep(m.step),
  progress: (m) => hasKeys(m, ['source', 'type', 'step', 'runs']) && isStep(m.step) && Array.isArray(m.runs) && m.runs.length <= 8 &&
    m.runs.every((r) => r && typeof r === 'object' && hasKeys(r, ['init', 'loss', 'accuracy']) && isText(r.init) &&
      (r.loss === null || isNum(r.loss)) && (r.accuracy === null || isNum(r.accuracy))),
};

// The message from `frame` if it is one of ours, else null.
function frameMessage(event, frame) {
  if (!frame || event.source !== frame.contentWindow || event.origin !== PAGE_ORIGIN) return null;
  const m = event.data;
  if (!m || typeof m !== 'object' || Array.isArray(m) || m.source !== SOURCE) return null;
  const check = Object.prototype.hasOwnProperty.call(SHAPES, m.type) ? SHAPES[m.type] : null;
  return check && check(m) ? m : null;
}

function command(frame, type) {
  frame.contentWindow?.postMessage({ source: SOURCE, type }, PAGE_ORIGIN);
}

function setHeight(frame, height) {
  frame.style.height = `${Math.ceil(height)}px`;
}

// ---------------------------------------------------------------------------------------------
// <initscope-lab>

if (typeof customElements !== 'undefined' && !customElements.get('initscope-lab')) {
  customElements.define('initscope-lab', class InitscopeLab extends HTMLElement {
    static get observedAttributes() { return OBSERVED_ATTRIBUTES; }

    constructor() {
      super();
      this.frame = null;
      this.autosized = false;
      this.wantPlay = false;
      this.isPlaying = false;
      this.onMessage = (event) => this.receive(event);
      const root = this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      // `hidden` is one of our attributes (the layer widths), not a request to hide; !important
      // from inside the shadow tree also wins over a host page's [hidden] { display: none }.
      style.textContent = ':host{display:block !important;contain:content}' +
        'iframe,.placeholder{display:block;width:100%;border:0;margin:0;padding:0;background:transparent}';
      this.placeholder = document.createElement('div');
      this.placeholder.className = 'placeholder';
      root.append(style, this.placeholder);
      this.root = root;
    }

    connectedCallback() {
      this.placeholder.style.height = `${this.reservedHeight()}px`;
      window.addEventListener('message', this.onMessage);
      if (this.frame) return;
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this.load();
      }, { rootMargin: LOAD_MARGIN });
      this.observer.observe(this);
    }

    disconnectedCallback() {
      window.removeEventListener('message', this.onMessage);
      this.observer?.disconnect();
      this.observer = null;
    }

    attributeChangedCallback() {
      // Only the hash changes: the framed page re-reads it (hashchange) without reloading.
      const src = this.frame && this.src();
      if (src && this.frame.src !== src) this.frame.src = src;
      else this.placeholder.style.height = `${this.reservedHeight()}px`;
    }

    // What the element holds until it loads (and the iframe until the page reports its height).
    reservedHeight() {
      const height = Number.parseInt(this.getAttribute('height'), 10);
      return Number.isFinite(height) && height > 100 && height < 5000 ? height : DEFAULT_HEIGHT;
    }

    src() {
      const overrides = {};
      for (const { field, names } of FIELD_ATTRIBUTES) {
        for (const name of names) if (this.hasAttribute(name)) overrides[field] = this.getAttribute(name);
      }
      return embedSrc(this.getAttribute('config'), overrides);
    }

    load() {
      if (this.frame) return;
      this.observer?.disconnect();
      this.observer = null;
      const frame = document.createElement('iframe');
      frame.title = this.getAttribute('title') || 'initscope: weight initialization experiment';
      frame.style.height = `${this.reservedHeight()}px`;
      frame.src = this.src();
      this.frame = frame;
      this.placeholder.replaceWith(frame);
    }

    receive(event) {
      const m = frameMessage(event, this.frame);
      if (!m) return;
      if (m.type === 'height') {
        if (!this.autosized) {
          this.autosized = true;
          command(this.frame, 'autosize');
        }
        setHeight(this.frame, m.height);
      } else if (m.type === 'ready') {
        if (m.valid && (this.wantPlay || (this.hasAttribute('autoplay') && !this.autoplayed))) {
          this.autoplayed = true;
          this.wantPlay = false;
          command(this.frame, 'play');
        }
        this.emit('ready', { valid: m.valid });
      } else if (m.type === 'playing') {
        this.isPlaying = m.playing;
      } else if (m.type === 'progress') {
        this.emit('progress', { step: m.step, runs: m.runs.map((r) => ({ init: r.init, loss: r.loss, accuracy: r.accuracy })) });
      } else if (m.type === 'diverged') {
        this.emit('diverged', { run: m.run, init: m.init, step: m.step });
      }
    }

    emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }

    get playing() { return this.isPlaying; }

    play() {
      if (this.frame) command(this.frame, 'play');
      else {
        this.wantPlay = true;
        this.load();
      }
    }

    pause() {
      this.wantPlay = false;
      if (this.frame) command(this.frame, 'pause');
    }

    reset() {
      if (this.frame) command(this.frame, 'reset');
    }
  });
}

// A plain <iframe src=".../index.html#..."> of this site on a page that loads this script:
// sized to its content like the element's own iframe.
if (typeof window !== 'undefined' && typeof document !== 'undefined') {
  const sized = new WeakSet();
  const pagePath = PAGE_URL.href.replace(/#.*$/, '');
  window.addEventListener('message', (event) => {
    if (event.origin !== PAGE_ORIGIN) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow !== event.source) continue;
      if (frame.src.replace(/#.*$/, '') !== pagePath) return;
      const m = frameMessage(event, frame);
      if (!m || m.type !== 'height') return;
      if (!sized.has(frame)) {
        sized.add(frame);
        command(frame, 'autosize');
      }
      frame.removeAttribute('height');
      setHeight(frame, m.height);
      return;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Embed mode on the page itself.

// parts: null (the full page) or the list of parts to keep. The transport bar always stays.
export function applyEmbedMode(parts) {
  document.body.classList.toggle('embed', !!parts);
  for (const el of document.querySelectorAll('[data-part]')) {
    el.hidden = !!parts && !parts.includes(el.dataset.part);
  }
  const views = document.getElementById('views');
  views.dataset.count = String(VIEW_PARTS.filter((p) => p !== 'badges' && (!parts || parts.includes(p))).length);
}

function escapeAttribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

// The dialog: choose parts, copy an iframe or a script snippet. getHash() -> current '#...'.
export function setupEmbedDialog({ getHash, notify }) {
  const dialog = document.getElementById('embed-dialog');
  const box = document.getElementById('embed-parts');
  const chosen = new Set(['loss', 'variance', 'badges']);
  for (const part of EMBED_PARTS) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = part;
    input.checked = chosen.has(part);
    input.addEventListener('change', () => {
      if (input.checked) chosen.add(part); else chosen.delete(part);
      write();
    });
    label.append(input, ` ${part}`);
    box.append(label);
  }

  function config() {
    const params = new URLSearchParams(getHash().replace(/^#/, ''));
    const parts = EMBED_PARTS.filter((p) => chosen.has(p));
    params.set('embed', parts.length ? parts.join(',') : 'loss');
    return params.toString().replace(/%2C/g, ',');
  }
  function write() {
    const c = config();
    document.getElementById('embed-iframe').value =
      `<iframe src="${escapeAttribute(embedSrc(c))}" width="100%" height="${DEFAULT_HEIGHT}" style="border:0" title="initscope experiment" loading="lazy"></iframe>`;
    document.getElementById('embed-script').value =
      `<script type="module" src="${escapeAttribute(SCRIPT_URL.href)}"></script>\n<initscope-lab config="${escapeAttribute(c)}"></initscope-lab>`;
  }
  async function copy(id) {
    const area = document.getElementById(id);
    area.select();
    try {
      await navigator.clipboard.writeText(area.value);
      notify('copied to the clipboard');
    } catch {
      notify('select the text and copy it (the clipboard is not available here)');
    }
  }

  document.getElementById('b-embed').addEventListener('click', () => {
    write();
    dialog.showModal();
  });
  document.getElementById('embed-copy-iframe').addEventListener('click', () => copy('embed-iframe'));
  document.getElementById('embed-copy-script').addEventListener('click', () => copy('embed-script'));
}
