// embed.js: everything about putting an experiment into someone else's page.
//
// 1. Loaded by itself with a script tag on any page, it defines <initscope-lab config="...">:
//      <script type="module" src="https://example.org/initscope/js/embed.js"></script>
//      <initscope-lab config="inits=he_normal,zeros&hidden=64x10&embed=loss,variance"></initscope-lab>
//    The element is an iframe of this site's page with the config as its hash, so the reader
//    gets the same experiment, isolated from the host page (its styles, its scripts, its CSP).
// 2. Imported by main.js: embed mode (hide what the link's `embed=` does not list) and the
//    embed dialog that writes both snippets.

import { VIEW_PARTS, EMBED_PARTS } from './state.js';

const PAGE_URL = new URL('../index.html', import.meta.url);
const SCRIPT_URL = new URL('./embed.js', import.meta.url);
const DEFAULT_HEIGHT = 560;

// The iframe src for a config string (the hash without '#'); embed mode on unless it says so.
export function embedSrc(config) {
  const params = new URLSearchParams(String(config || '').replace(/^#/, ''));
  if (!params.has('embed')) params.set('embed', VIEW_PARTS.join(','));
  const url = new URL(PAGE_URL);
  url.hash = params.toString().replace(/%2C/g, ',');
  return url.href;
}

if (typeof customElements !== 'undefined' && !customElements.get('initscope-lab')) {
  customElements.define('initscope-lab', class extends HTMLElement {
    static get observedAttributes() { return ['config', 'height']; }

    connectedCallback() { this.render(); }

    attributeChangedCallback() { if (this.isConnected) this.render(); }

    render() {
      const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
      let frame = root.querySelector('iframe');
      if (!frame) {
        const style = document.createElement('style');
        style.textContent = ':host{display:block}iframe{display:block;width:100%;border:0}';
        frame = document.createElement('iframe');
        frame.title = 'initscope: weight initialization experiment';
        frame.loading = 'lazy';
        root.append(style, frame);
      }
      const height = Number.parseInt(this.getAttribute('height'), 10);
      frame.style.height = `${Number.isFinite(height) && height > 100 && height < 5000 ? height : DEFAULT_HEIGHT}px`;
      const src = embedSrc(this.getAttribute('config'));
      if (frame.src !== src) frame.src = src;
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
