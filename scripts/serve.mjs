#!/usr/bin/env node
// serve.mjs: the static server of `npm start` (scripts/start.sh): dist/ on localhost, with a
// Content-Security-Policy header on every response, so that no request can leave the origin.
//
//   node scripts/serve.mjs [DIR=dist] [--port N (default $PORT or 8080; the next free one is
//                          taken, 0 = any)] [--host H (default 127.0.0.1)]
//
// Prints `initscope is running at http://HOST:PORT/` once it listens. sirv (the package, as
// middleware in node:http: sirv-cli cannot add headers) serves the files.
//
// The policies, by what the response is:
//   - a Web Worker's script (worker.js, *-worker.js): a worker's policy is its own response's,
//     not the page's. The engine instantiates WebAssembly ('wasm-unsafe-eval') and Embind builds
//     its call glue with new Function ('unsafe-eval'); it may fetch only its own origin (the .wasm,
//     data files).
//   - article.html: KaTeX's typeset math carries style="" attributes ('unsafe-inline' styles),
//     fonts, and the lab in same-origin iframes.
//   - initscope.html (the single file): inline scripts and styles, one blob: worker, no network.
//   - everything else (index.html and every file it loads): scripts, styles and workers from the
//     origin only, images also data: and blob: (PNG export); no inline script or style.
// The pages carry the same policy in a <meta> tag (the single file and the article need it off
// this server too); the header adds the workers, and covers any file opened directly.
// Access-Control-Allow-Origin: * lets a page on another origin load js/embed.js (<initscope-lab>).

import http from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const COMMON = "object-src 'none'; base-uri 'none'; form-action 'none'";
export const POLICIES = Object.freeze({
  page: `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self'; connect-src 'self'; ${COMMON}`,
  worker: `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; connect-src 'self'; ${COMMON}`,
  article: `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; frame-src 'self'; connect-src 'self'; ${COMMON}`,
  single: `default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' blob:; worker-src blob:; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'; ${COMMON}`,
});

/** The policy for a request path (without the query). */
export function policyFor(path) {
  const name = path.split('/').pop();
  if (/^([\w.-]+-)?worker\.js$/.test(name)) return POLICIES.worker;
  if (name === 'article.html') return POLICIES.article;
  if (name === 'initscope.html') return POLICIES.single;
  return POLICIES.page;
}

/** A node:http server for `dir` (not listening yet). */
export function createServer(dir) {
  const serve = sirv(dir, { dev: false, etag: true, single: false });
  return http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    res.setHeader('Content-Security-Policy', policyFor(path.endsWith('/') ? `${path}index.html` : path));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    serve(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('not found');
    });
  });
}

function parseArgs(argv) {
  const out = { dir: 'dist', port: Number(process.env.PORT || 8080), host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port' || a === '--host') {
      const v = argv[++i];
      if (v === undefined) throw new Error(`invalid ${a} = (missing): expected a value after it`);
      if (a === '--host') out.host = v;
      else if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`invalid --port = ${v}: expected an integer in 0..65535`);
      else out.port = Number(v);
    } else if (!a.startsWith('--')) {
      out.dir = a;
    } else {
      throw new Error(`invalid option = ${a}: expected DIR, --port N or --host H`);
    }
  }
  return out;
}

// The first free port from `port` up (0: any), so the URL printed is the one served.
function listen(server, port, host) {
  return new Promise((ok, fail) => {
    const attempt = (p) => {
      const onError = (e) => {
        if (e.code === 'EADDRINUSE' && p !== 0 && p < 65535) attempt(p + 1);
        else fail(e);
      };
      server.once('error', onError);
      server.listen(p, host, () => {
        server.off('error', onError);
        ok(server.address().port);
      });
    };
    attempt(port);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`serve.mjs: ${e.message}`);
    process.exit(2);
  }
  const dir = resolve(args.dir);
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`serve.mjs: no index.html in ${dir}: build the site first (node scripts/build-web.mjs)`);
    process.exit(1);
  }
  const server = createServer(dir);
  const port = await listen(server, args.port, args.host);
  console.log(`initscope is running at http://${args.host}:${port}/  (Ctrl+C to stop)`);
}

