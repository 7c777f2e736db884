// helpers.mjs: what every browser test needs: dist/ (or another folder) served on a free
// localhost port (sirv, the same static server `npm start` uses), headless Chromium, and a page
// that records console errors and every request that leaves the origin.

import http from 'node:http';
import { before, after } from 'node:test';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

// Serves dist/ under `prefix` (a subpath, like a project page on a static host).
export async function serveDist(prefix = '/') {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(DIST, 'wasm', 'initscope.wasm'))) {
    throw new Error('dist/ is not built: run `node scripts/build-web.mjs` (after scripts/build-wasm.sh)');
  }
  return serveDir(DIST, prefix);
}

// Serves a static folder on a free localhost port, under `prefix`.
export async function serveDir(dir, prefix = '/') {
  const serve = sirv(dir, { dev: true, etag: false });
  const server = http.createServer((req, res) => {
    if (!req.url.startsWith(prefix)) {
      res.statusCode = 404;
      res.end('outside the site');
      return;
    }
    req.url = `/${req.url.slice(prefix.length)}`;
    // As static hosts like GitHub Pages do: lets another site load js/embed.js as a module.
    res.setHeader('Access-Control-Allow-Origin', '*');
    serve(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: `${origin}${prefix}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

// One served dist/ and one browser for a whole test file: `site.server` and `site.browser` are
// set before its first test and closed after its last.
export function useSite(prefix = '/') {
  const site = { server: null, browser: null };
  before(async () => {
    site.server = await serveDist(prefix);
    site.browser = await launch();
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// A page that keeps every console error, page error and off-origin request in `page.problems`.
export async function openPage(browser, origin, { width = 1280, height = 800, reducedMotion } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, reducedMotion });
  const page = await context.newPage();
  page.problems = { console: [], pageErrors: [], foreign: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.console.push(msg.text());
  });
  page.on('pageerror', (err) => page.problems.pageErrors.push(String(err)));
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:')) page.problems.foreign.push(u);
  });
  // The worker's requests (engine, wasm) are the context's too.
  context.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:') && !page.problems.foreign.includes(u)) {
      page.problems.foreign.push(u);
    }
  });
  return page;
}

// Loads the page (hash optional) and waits for the first step-0 snapshot.
export async function load(page, url, hash = '') {
  await page.goto(`${url}${hash}`);
  await waitReady(page);
}

export async function waitReady(page, timeout = 20000) {
  await page.waitForFunction(() => window.initscope && window.initscope.ready, null, { timeout });
}

export async function waitStep(page, atLeast, timeout = 20000) {
  await page.waitForFunction((n) => Number(document.body.dataset.step) >= n, atLeast, { timeout });
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
