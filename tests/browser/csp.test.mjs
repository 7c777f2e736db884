// csp.test.mjs: `npm start`'s server (scripts/serve.mjs, as scripts/start.sh runs it) sends a
// Content-Security-Policy header on every response, strict enough that no request can leave the
// origin, and the lab still works under it in Chromium: the page trains, the Theory tab computes
// (its worker gets the worker policy from its own response), a sweep finishes, the article and
// its embedded figure load, with no CSP violation anywhere (page, frames, console).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, launch } from './helpers.mjs';

let server;
let origin;
let browser;

before(async () => {
  // The command line of scripts/start.sh, on any free port.
  server = spawn(process.execPath, [join(ROOT, 'scripts/serve.mjs'), 'dist', '--port', '0', '--host', '127.0.0.1'], { cwd: ROOT });
  let out = '';
  origin = await new Promise((resolve, reject) => {
    const seen = (d) => {
      out += d;
      const m = out.match(/running at (http:\/\/[^/\s]+)\//);
      if (m) resolve(m[1]);
    };
    server.stdout.on('data', seen);
    server.stderr.on('data', (d) => { out += d; });
    server.once('exit', (code) => reject(new Error(`serve.mjs exited ${code}: ${out}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

const directives = (header) => Object.fromEntries(header.split(';').map((d) => d.trim()).filter(Boolean)
  .map((d) => { const [k, ...v] = d.split(/\s+/); return [k, v]; }));

test('every response carries a policy that keeps requests on the origin', async () => {
  for (const path of ['/', '/index.html', '/js/main.js', '/js/worker.js', '/css/main.css', '/article.html',
    '/wasm/initscope.wasm', '/initscope.html', '/no-such-file']) {
    const res = await fetch(`${origin}${path}`);
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy');
    assert.ok(csp, `${path}: no Content-Security-Policy header`);
    const d = directives(csp);
    assert.ok(d['default-src'], `${path}: no default-src in ${csp}`);
    for (const [k, v] of Object.entries(d)) {
      for (const source of v) {
        assert.ok(["'self'", "'none'", "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", 'data:', 'blob:'].includes(source),
          `${path}: ${k} allows ${source}, which is not this origin`);
      }
    }
    assert.deepEqual(d['object-src'], ["'none'"], path);
    assert.deepEqual(d['base-uri'], ["'none'"], path);
  }
  const page = directives((await fetch(`${origin}/`)).headers.get('content-security-policy'));
  assert.deepEqual(page['script-src'], ["'self'"], 'the page runs no inline or eval\'d script');
  assert.deepEqual(page['connect-src'], ["'self'"]);
  const worker = directives((await fetch(`${origin}/js/worker.js`)).headers.get('content-security-policy'));
  assert.ok(worker['script-src'].includes("'wasm-unsafe-eval'"), 'the engine\'s worker may instantiate WebAssembly');
  assert.deepEqual(worker['connect-src'], ["'self'"]);
  assert.equal((await fetch(`${origin}/js/embed.js`)).headers.get('access-control-allow-origin'), '*', 'CORS for <initscope-lab>, as before');
});

async function watchedPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.problems = { csp: [], console: [], pageErrors: [], foreign: [] };
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.console.push(m.text());
    if (/Content Security Policy|CSP-VIOLATION/i.test(m.text())) page.problems.csp.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.pageErrors.push(String(e)));
  context.on('request', (r) => { if (!r.url().startsWith(`${origin}/`) && !/^(data|blob):/.test(r.url())) page.problems.foreign.push(r.url()); });
  page.on('worker', (w) => w.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.problems.csp.push(`worker: ${m.text()}`); }));
  return page;
}

test('under the header: the page trains, the Theory tab computes, a sweep finishes', { timeout: 180000 }, async () => {
  const page = await watchedPage();
  await page.goto(`${origin}/#inits=mean_field,mean_field&activation=tanh&weightVar=1,1.76&biasVar=0.05&hidden=16x4&dataset=gaussian_nd`);
  await page.waitForFunction(() => window.initscope?.ready, null, { timeout: 60000 });
  await page.click('#b-play');
  await page.waitForFunction(() => Number(document.body.dataset.step) >= 100, null, { timeout: 60000 });
  await page.click('#b-play');
  await page.click('#tab-theory');
  await page.waitForFunction(() => window.initscope.theory.phase === 'ready' && window.initscope.theory.jacobian === 2, null, { timeout: 120000 });
  await page.click('#tab-training');
  await page.evaluate(() => {
    window.initscope.sweep.setMode(true);
    window.initscope.sweep.configure({ xField: 'weightVar', xSpec: '1,4', yField: 'depth', ySpec: '2,3', steps: 5, seeds: 1 });
    window.initscope.sweep.start();
  });
  await page.waitForFunction(() => { const i = window.initscope.sweep.info(); return i.cells === 4 && i.cellsDone === 4 && i.overlay; }, null, { timeout: 120000 });
  assert.deepEqual(page.problems.csp, []);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.foreign, []);
  await page.context().close();
});

test('under the header: the article and its embedded figure load', { timeout: 120000 }, async () => {
  const page = await watchedPage();
  await page.goto(`${origin}/article.html`);
  // The first figure is in view, so its element creates its iframe (embed.js); the lab in it
  // loads under the page policy, its worker under the worker policy.
  const element = await page.waitForSelector('initscope-lab iframe', { timeout: 60000 });
  const frame = await element.contentFrame();
  await frame.waitForFunction(() => window.initscope?.ready, null, { timeout: 60000 });
  assert.ok(await page.locator('.katex').count() > 0, 'the typeset math is there');
  // KaTeX's fonts load (font-src 'self')
  await page.evaluate(() => document.fonts.ready);
  assert.deepEqual(page.problems.csp, []);
  assert.deepEqual(page.problems.pageErrors, []);
  assert.deepEqual(page.problems.console, []);
  assert.deepEqual(page.problems.foreign, []);
  await page.context().close();
});
