// package.test.mjs: the npm tarball, as a user gets it. `npm pack` (of the built dist/), then
// `npm install --offline <tarball>` into an empty folder: (a) `import { loadEngine } from
// 'initscope'` trains in Node; (b) node_modules/initscope/dist/ served as a static folder makes
// <initscope-lab> work on a page of another origin, the CDN form of the embed.

import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, serveDir, launch, openPage } from './helpers.mjs';

test('npm pack -> npm install --offline: the engine trains in Node and the element works from node_modules', { timeout: 180000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'initscope-pack-'));
  try {
    // --ignore-scripts: dist/ is already built by the test command (prepack would rebuild it).
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp, '--loglevel=error'], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    const app = join(tmp, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'reader', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(tmp, tarball)], { cwd: app, stdio: 'pipe' });

    // (a) Node: the package's own name, nothing from the repository.
    writeFileSync(join(app, 'train.mjs'), `
import { loadEngine } from 'initscope';
import { embedSrc } from 'initscope/embed';
const engine = await loadEngine();
const run = engine.createRun({ dataset: 'spiral', hidden: [16, 16], init: 'he_normal', seed: 3, learningRate: 0.1 });
const before = run.evaluate().trainLoss;
run.step(300);
const after = run.evaluate().trainLoss;
run.dispose();
console.log(JSON.stringify({ before, after, src: embedSrc('inits=zeros') }));
`);
    const out = JSON.parse(execFileSync('node', ['train.mjs'], { cwd: app, encoding: 'utf8' }).trim());
    assert.ok(Number.isFinite(out.before) && Number.isFinite(out.after));
    assert.ok(out.after < out.before, `it learned (${out.before} -> ${out.after})`);
    assert.match(out.src, /index\.html#inits=zeros&embed=/);

    // (b) The CDN form: node_modules/initscope/dist/ served as is, the element on another origin.
    const cdn = await serveDir(join(app, 'node_modules', 'initscope', 'dist'), '/npm/initscope/');
    const blog = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>blog</title><script type="module" src="${cdn.url}js/embed.js"></script>
<initscope-lab inits="he_normal,zeros" hidden="8x2" embed="loss"></initscope-lab>`);
    });
    await new Promise((resolve) => blog.listen(0, '127.0.0.1', resolve));
    const browser = await launch();
    try {
      const page = await openPage(browser, cdn.origin);
      await page.goto(`http://localhost:${blog.address().port}/`);
      const frame = await (await page.waitForSelector('initscope-lab >> iframe')).contentFrame();
      await frame.waitForFunction(() => window.initscope && window.initscope.ready, null, { polling: 100, timeout: 20000 });
      assert.deepEqual(await frame.evaluate(() => window.initscope.state.inits), ['he_normal', 'zeros']);
      assert.match(frame.url(), /\/npm\/initscope\/index\.html#/);
      assert.deepEqual(page.problems.pageErrors, []);
    } finally {
      await browser.close();
      await cdn.close();
      await new Promise((resolve) => blog.close(resolve));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
