#!/usr/bin/env node
// build-web.mjs: assembles the deployable static site in dist/.
//
//   dist/            <- web/ (index.html, css/, js/ by feature: engine/, runs/, views/, ... as in web/js/)
//   dist/wasm/       <- build/wasm/initscope.{mjs,wasm}  (scripts/build-wasm.sh makes them)
//   dist/data/       <- build/data/fashion-mnist.bin     (scripts/prepare-data.mjs, run by build-wasm.sh;
//                       the engine fetches it only when a run uses that dataset)
//   dist/vendor/     <- uPlot's ES module and stylesheet from node_modules
//   dist/vendor/katex/ <- KaTeX's stylesheet and woff2 fonts (the article's math is typeset here,
//                       at build time, with katex.renderToString: no KaTeX script at run time)
//   dist/article.html  <- web/article.html with every <span|div class="math"> rendered
//   dist/initscope.html <- the whole lab in one file (scripts/build-single.mjs), for file:// offline
//   dist/js/fields.json <- the core's field registry, engine.configFields() of the built wasm
//                       engine (web/js/engine/fields.js reads it); also build/fields.json, which
//                       Node code loading web/js from the repository reads
//
// Every URL in the site is relative, so dist/ works from any static host and any subpath.
// Fails with a clear message (and exit code 1) when an input is missing; nothing is fetched.

import { cpSync, existsSync, mkdirSync, rmSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import katex from 'katex';
import { buildSingle } from './build-single.mjs';
import { loadEngine } from '../web/js/engine/engine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const inputs = [
  { from: 'build/wasm/initscope.mjs', to: 'wasm/initscope.mjs', hint: 'run `bash scripts/build-wasm.sh` first (or `npm run build`)' },
  { from: 'build/wasm/initscope.wasm', to: 'wasm/initscope.wasm', hint: 'run `bash scripts/build-wasm.sh` first (or `npm run build`)' },
  { from: 'build/data/fashion-mnist.bin', to: 'data/fashion-mnist.bin', hint: 'run `bash scripts/build-wasm.sh` first (it runs scripts/prepare-data.mjs)' },
  { from: 'node_modules/uplot/dist/uPlot.esm.js', to: 'vendor/uPlot.esm.js', hint: 'run `npm ci` (package uplot)' },
  { from: 'node_modules/uplot/dist/uPlot.min.css', to: 'vendor/uPlot.min.css', hint: 'run `npm ci` (package uplot)' },
  { from: 'node_modules/katex/dist/katex.min.css', to: 'vendor/katex/katex.min.css', hint: 'run `npm ci` (package katex)' },
  { from: 'web/index.html', to: null, hint: 'the page source is missing' },
  { from: 'web/js/engine/engine.js', to: null, hint: 'the engine wrapper is missing' },
];

const missing = inputs.filter((i) => !existsSync(join(root, i.from)));
if (missing.length) {
  for (const m of missing) console.error(`build-web: missing ${m.from}: ${m.hint}`);
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
// The views demo (synthetic data, for developing the charts) is not part of the site.
const devOnly = /views-demo\.(html|js)$/;
cpSync(join(root, 'web'), dist, { recursive: true, filter: (src) => !devOnly.test(src) });
for (const { from, to } of inputs) {
  if (!to) continue;
  mkdirSync(dirname(join(dist, to)), { recursive: true });
  cpSync(join(root, from), join(dist, to));
}

// The field registry, from the engine itself: the page's defaults, checks, hash keys, the
// element's attributes and the sweep's axes are loops over it (web/js/engine/fields.js).
// INITSCOPE_FIELDS_FIXTURE: a registry JSON file to use while the engine has no configFields()
// yet (development only; a warning says so).
async function fieldRegistry() {
  const engine = await loadEngine();
  const raw = typeof engine.configFields === 'function' ? engine.configFields() : undefined;
  const parsed = typeof raw === 'string' ? JSON.parse(raw) : raw;
  // engine.configFields() is the registry's `fields` array (core fields_json(), version 1)
  const fields = Array.isArray(parsed) ? { version: 1, fields: parsed } : parsed;
  if (fields?.version === 1) return fields;
  const fixture = process.env.INITSCOPE_FIELDS_FIXTURE;
  if (fixture) {
    console.warn(`build-web: WARNING: the wasm engine has no registry configFields(); using the fixture ${fixture}`);
    return JSON.parse(readFileSync(fixture, 'utf8'));
  }
  console.error('build-web: the wasm engine in build/wasm does not return the field registry from ' +
    'configFields() ({"version":1,"fields":[...]}, core/include/initscope/fields.hpp); rebuild it with ' +
    '`bash scripts/build-wasm.sh` from a tree whose wasm/ binds the registry (issue 17)');
  process.exit(1);
}
const registry = await fieldRegistry();
if (registry?.version !== 1 || !Array.isArray(registry.fields) || registry.fields.length === 0) {
  console.error(`build-web: engine.configFields() is not {"version":1,"fields":[...]}: ${JSON.stringify(registry).slice(0, 200)}`);
  process.exit(1);
}
const registryText = `${JSON.stringify(registry)}\n`;
writeFileSync(join(dist, 'js/fields.json'), registryText);
mkdirSync(join(root, 'build'), { recursive: true });
writeFileSync(join(root, 'build/fields.json'), registryText);
console.log(`build-web: dist/js/fields.json and build/fields.json (${registry.fields.length} config fields)`);

// KaTeX: only the woff2 fonts (every browser that runs the lab reads woff2, so the css's
// woff/ttf fallbacks are never requested).
const fontDir = join(root, 'node_modules/katex/dist/fonts');
mkdirSync(join(dist, 'vendor/katex/fonts'), { recursive: true });
for (const name of readdirSync(fontDir).filter((n) => n.endsWith('.woff2'))) {
  cpSync(join(fontDir, name), join(dist, 'vendor/katex/fonts', name));
}

// The article's math, typeset now. Source: <span class="math">TeX</span> (inline) and
// <div class="math display">TeX</div>; TeX may use &lt; &gt; &amp; for < > &.
const MATH = /<(span|div) class="math( display)?">([\s\S]*?)<\/\1>/g;
const unescape = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const article = readFileSync(join(root, 'web/article.html'), 'utf8').replace(MATH, (all, tag, display, tex) => {
  const html = katex.renderToString(unescape(tex.trim()), { displayMode: !!display, throwOnError: true, output: 'htmlAndMathml' });
  return `<${tag} class="math${display || ''}">${html}</${tag}>`;
});
writeFileSync(join(dist, 'article.html'), article);

// dist/initscope.html: everything in one file, for file:// and offline (scripts/build-single.mjs).
const single = buildSingle(dist);
console.log(`build-web: ${single.path} (${(single.bytes / 1024).toFixed(0)} KiB, one file)`);

let files = 0;
let bytes = 0;
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) walk(p);
    else { files++; bytes += s.size; }
  }
})(dist);
console.log(`build-web: ${relative(process.cwd(), dist) || 'dist'}/ ready (${files} files, ${(bytes / 1024).toFixed(0)} KiB)`);
