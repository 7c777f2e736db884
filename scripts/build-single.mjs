// build-single.mjs: dist/initscope.html, the whole lab in one file that trains from file://
// with the network off. Called by build-web.mjs after dist/ is assembled.
//
// No bundler dependency: our modules are plain ES modules with static `import {..} from './x.js'`
// and `export` declarations, so each becomes a function in a tiny module table (require-style,
// evaluated once on first use). The page's modules go in one inline <script>; the worker's
// (engine, state, validate, the Emscripten factory and the .wasm as base64) go in a
// text block that the page turns into a Blob URL worker. Datasets that need a download
// (fashion_mnist) are refused with a message saying so, instead of a failed fetch.
//
// A few lines of the sources are replaced by name and the build fails if they are not found: the
// `new Worker(...)` of the run pool's shards (app/main.js), of the theory worker (app/tabs.js)
// of the sweep's workers (sweep/sweep-pool.js) and of the Width tab's (width/width-pool.js), which all
// become the one blob worker, named for what it runs; and
// engine.js's dynamic `await import(...)` (the factory, and node:fs for a data file, refused here);
// and fields.js's `await loadRegistry()`, which becomes the registry's JSON itself.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const FAKE_BASE = 'file:///initscope/';

// uPlot's own minified build (the same release as the ES module the page loads: one package),
// 51 KB instead of 145 KB: an IIFE that defines `var uPlot`, wrapped as the module's default.
const UPLOT_MIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules/uplot/dist/uPlot.iife.min.js');

function transform(key, source) {
  if (key === 'vendor/uPlot.esm.js' && existsSync(UPLOT_MIN)) {
    return `__def(${JSON.stringify(key)}, function () {\n${readFileSync(UPLOT_MIN, 'utf8')}\nreturn { default: uPlot };\n});\n`;
  }
  const names = [];
  let defaultName = null;
  // Comments cost bytes and hide `export`s from the patterns below (uPlot keeps a commented-out
  // export): whole-line // comments and block comments that open a line go.
  let code = source.replace(/^[ \t]*\/\*[\s\S]*?\*\/[ \t]*$/gm, '').replace(/^[ \t]*\/\/.*$/gm, '').replace(/\n{2,}/g, '\n');
  // Indentation too (about 60 KB of the page's own modules), where it cannot be inside a string:
  // our modules (js/), and only when no line opens a template literal that runs on to the next
  // (an odd number of backticks on a line), whose text would lose its spaces.
  if (key.startsWith('js/') && !code.split('\n').some((line) => (line.match(/`/g) ?? []).length % 2 === 1)) {
    code = code.replace(/^[ \t]+/gm, '');
  }
  // import X from 'spec';  import { a, b as c } from 'spec';  import 'spec';
  code = code.replace(/^import\s+([\s\S]*?)\s+from\s+'([^']+)';?/gm, (all, what, spec) => {
    const dep = resolve(key, spec);
    const t = what.trim();
    if (t.startsWith('{')) {
      const inner = t.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean)
        .map((s) => s.replace(/\s+as\s+/, ': ')).join(', ');
      return `const { ${inner} } = __req(${JSON.stringify(dep)});`;
    }
    if (t.startsWith('* as ')) return `const ${t.slice(5)} = __req(${JSON.stringify(dep)});`;
    return `const ${t} = __req(${JSON.stringify(dep)}).default;`;
  });
  code = code.replace(/^export\s+\{\s*([\w$]+)\s+as\s+default\s*\};?/gm, (all, n) => { defaultName = n; return ''; });
  code = code.replace(/^export\s+\{([^}]*)\};?/gm, (all, list) => {
    for (const n of list.split(',').map((s) => s.trim()).filter(Boolean)) names.push(n);
    return '';
  });
  code = code.replace(/^export\s+default\s+([\w$]+);?/gm, (all, n) => { defaultName = n; return ''; });
  code = code.replace(/^export\s+(async\s+function\*?|function\*?|class|const|let|var)\s+([\w$]+)/gm, (all, kind, n) => {
    names.push(n);
    return `${kind} ${n}`;
  });
  if (/^\s*(import|export)\s/m.test(code)) throw new Error(`build-single: ${key} has an import/export this bundler does not understand`);
  code = code.replace(/import\.meta\.url/g, JSON.stringify(FAKE_BASE + key));
  const exported = names.map((n) => `${n}`);
  if (defaultName) exported.push(`default: ${defaultName}`);
  return `__def(${JSON.stringify(key)}, function () {\n${code}\nreturn { ${exported.join(', ')} };\n});\n`;
}

function resolve(from, spec) {
  if (!spec.startsWith('.')) throw new Error(`build-single: bare import ${spec} in ${from}`);
  return normalize(join(dirname(from), spec)).replace(/\\/g, '/');
}

// Every module reachable from `entries` (one path or several; keys are paths relative to dist/).
function collect(dist, entries, replace = {}) {
  const seen = new Map();
  const visit = (key) => {
    if (seen.has(key)) return;
    let source = readFileSync(join(dist, key), 'utf8');
    for (const [from, to] of replace[key] ?? []) {
      if (!source.includes(from)) throw new Error(`build-single: expected to find ${JSON.stringify(from)} in ${key}`);
      source = source.split(from).join(to);
    }
    seen.set(key, null);
    for (const m of source.matchAll(/^import\s+[\s\S]*?\s+from\s+'([^']+)';?/gm)) visit(resolve(key, m[1]));
    seen.set(key, transform(key, source));
  };
  for (const entry of [].concat(entries)) visit(entry);
  return [...seen.values()].join('\n');
}

const RUNTIME = `const __mods = new Map(), __done = new Map();
function __def(k, f) { __mods.set(k, f); }
function __req(k) { if (!__done.has(k)) { if (!__mods.has(k)) throw new Error('initscope: no module ' + k); __done.set(k, __mods.get(k)()); } return __done.get(k); }
`;

// </script> inside inline code would end the element early.
const inline = (code) => code.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');

// The page's four kinds of worker share one blob (one copy of the wasm); the worker's name says
// which module it runs: the run pool's shards have none.
const WORKERS = { '': 'js/runs/worker.js', theory: 'js/theory/theory-worker.js', sweep: 'js/sweep/sweep-worker.js', width: 'js/width/width-worker.js' };

export function buildSingle(dist) {
  // The wasm goes in gzipped (about 2.6x smaller as base64 text) and is inflated in the worker
  // with the browser's own DecompressionStream: the file stays under 800 KB with the theory's
  // Eigen code inside.
  const wasm = gzipSync(readFileSync(join(dist, 'wasm/initscope.wasm')), { level: 9 }).toString('base64');
  const factory = transform('wasm/initscope.mjs', readFileSync(join(dist, 'wasm/initscope.mjs'), 'utf8'));
  // The field registry goes in as a literal: the file has no network to fetch it with.
  const fields = [['await loadRegistry()', readFileSync(join(dist, 'js/fields.json'), 'utf8').trim()]];
  const OFFLINE = 'this single-file copy of initscope works offline, without its data files: ' +
    'fashion_mnist needs a 4.7 MB download, so open the hosted lab (index.html) for it';
  const workerCode = `${RUNTIME}
const __wasm = new Response(new Blob([Uint8Array.from(atob(${JSON.stringify(wasm)}), (c) => c.charCodeAt(0))])
  .stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer().then((b) => new Uint8Array(b));
self.fetch = () => Promise.reject(new Error(${JSON.stringify(OFFLINE)}));
${factory}
async function __import(href) {
  // engine.js reads data files with node:fs when its URL is a file: URL, as this one's is.
  if (String(href).startsWith('node:')) throw new Error(${JSON.stringify(OFFLINE)});
  const f = __req('wasm/initscope.mjs').default;
  return { default: async (options) => f({ ...options, wasmBinary: await __wasm }) };
}
${collect(dist, Object.values(WORKERS), { 'js/engine/engine.js': [['await import(', 'await __import(']], 'js/engine/fields.js': fields })}
__req(${JSON.stringify(WORKERS)}[self.name] ?? 'js/runs/worker.js');
`;
  const pageCode = `${RUNTIME}
const __workerUrl = URL.createObjectURL(new Blob([document.getElementById('initscope-worker').textContent], { type: 'text/javascript' }));
${collect(dist, 'js/app/main.js', {
    'js/app/main.js': [
      ["new Worker(new URL('../runs/worker.js', import.meta.url), { type: 'module' })", 'new Worker(__workerUrl)'],
    ],
    'js/app/tabs.js': [
      ["new Worker(new URL('../theory/theory-worker.js', import.meta.url), { type: 'module' })", "new Worker(__workerUrl, { name: 'theory' })"],
    ],
    'js/engine/fields.js': fields,
    'js/sweep/sweep-pool.js': [["new Worker(WORKER_URL, { type: 'module' })", "new Worker(__workerUrl, { name: 'sweep' })"]],
    'js/width/width-pool.js': [["new Worker(WORKER_URL, { type: 'module' })", "new Worker(__workerUrl, { name: 'width' })"]],
  })}
__req('js/app/main.js');
`;
  let html = readFileSync(join(dist, 'index.html'), 'utf8');
  const css = (href) => `<style>\n${readFileSync(join(dist, href), 'utf8').replace(/<\/style/gi, '<\\/style')}\n</style>`;
  html = html.replace(/<link rel="stylesheet" href="([^"]+)">/g, (all, href) => css(href));
  // The file has no origin to speak of and no network: scripts are inline, the worker a blob,
  // which inherits this policy; Embind builds its glue with new Function, hence 'unsafe-eval'
  // (the hosted site's worker is a file of its own, outside the page's policy).
  html = html.replace(/<meta http-equiv="Content-Security-Policy"\s+content="[^"]*">/,
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'unsafe-inline\' \'unsafe-eval\' \'wasm-unsafe-eval\' blob:; worker-src blob:; style-src \'unsafe-inline\'; img-src data: blob:; connect-src \'none\'; object-src \'none\'; base-uri \'none\'; form-action \'none\'">');
  const loads = html.match(/<script[^>]+src=[^>]*>|<link rel="stylesheet"[^>]*>/g) ?? [];
  if (loads.length !== 1 || !loads[0].includes('js/app/main.js')) throw new Error(`build-single: still loaded from files: ${loads.join(' ')}`);
  html = html.replace('<script type="module" src="js/app/main.js"></script>',
    `<script type="text/plain" id="initscope-worker">${inline(workerCode)}</script>\n<script type="module">${inline(pageCode)}</script>`);
  // Links to the rest of the site do not exist next to a single file, and an embed snippet
  // would point at this file's path: the header link and the Embed button go.
  html = html.replace(/<a href="article\.html">[^<]*<\/a>/, '').replace('</head>', '<style>#b-embed { display: none !important; }</style>\n</head>');
  writeFileSync(join(dist, 'initscope.html'), html);
  return { path: relative(process.cwd(), join(dist, 'initscope.html')), bytes: Buffer.byteLength(html) };
}
