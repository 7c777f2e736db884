// bench/page-bench.mjs: the page itself in headless Chromium, as a person would open it.
//   - time from navigation to the first chart (the first redraw after the step-0 snapshot of the
//     runs has arrived), in a fresh browser context each time (no HTTP or code cache), median of 3;
//   - while playing the default experiment (three runs, He / Xavier / zeros, 10x64 on spiral):
//     frames per second of the page (requestAnimationFrame callbacks), chart redraws per second
//     and training steps per second per run, at the default speed (10 steps per tick) and at the
//     fastest (200), where the engine rather than the page's pacing sets the rate.
// Serves dist/ (scripts/build-web.mjs) with sirv on a free local port; writes a JSON result and a
// screenshot into bench/results/.
//
// Usage: node bench/page-bench.mjs [--dist DIR] [--seconds S] [--out FILE]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import sirv from 'sirv';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const opts = {
  dist: option('--dist', join(root, 'dist')),
  seconds: Number(option('--seconds', '10')),
  out: option('--out', join(root, 'bench/results', `page-${stamp}.json`)),
};
if (!existsSync(join(opts.dist, 'index.html'))) {
  console.error(`page-bench: ${opts.dist}/index.html not found: run \`node scripts/build-web.mjs\` first`);
  process.exit(1);
}
const log = (...a) => console.error(...a);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// TOOLCHAIN.md: these flags keep Chromium from reaching outside hosts.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const server = http.createServer(sirv(opts.dist, { dev: false, etag: true }));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

const result = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadavg: os.loadavg(), chromium: browser.version() },
  firstChartMs: [],
  playing: {},
};

async function openPage(hash = '') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + hash);
  // The first chart: the page has its step-0 snapshot and has drawn it. performance.now() counts
  // from the navigation start; polled every frame, so +-1 frame.
  const ms = await page.waitForFunction(
    () => (window.initscope && window.initscope.ready && window.initscope.draws > 0 ? performance.now() : 0),
    null, { polling: 'raf', timeout: 60000 },
  ).then((h) => h.jsonValue());
  return { context, page, ms, errors };
}

// Navigation to first chart, three cold loads.
for (let i = 0; i < 3; ++i) {
  const { context, ms, errors } = await openPage();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  result.firstChartMs.push(ms);
  log(`first chart ${ms.toFixed(0)} ms`);
  await context.close();
}

// Playing: the default experiment (three runs of 10x64 on spiral) at two speeds.
for (const speed of [10, 200]) {
  const { context, page, errors } = await openPage(`#speed=${speed}`);
  const shown = await page.evaluate(() => window.initscope.state);
  if (shown.speed !== speed) throw new Error(`the page did not take speed=${speed} from the hash`);
  await page.click('#b-play');
  await page.waitForFunction(() => window.initscope.playing);
  await page.waitForTimeout(2000);  // warm-up: tier-up of the wasm code, first grids
  const sample = () => page.evaluate(() => ({
    t: performance.now(), draws: window.initscope.draws,
    steps: window.initscope.runs().map((r) => r.latest.step),
  }));
  // Count animation frames in the page for the whole window.
  await page.evaluate(() => {
    window.__frames = 0;
    const count = () => { window.__frames++; requestAnimationFrame(count); };
    requestAnimationFrame(count);
  });
  const a = await sample();
  await page.waitForTimeout(opts.seconds * 1000);
  const b = await sample();
  const frames = await page.evaluate(() => window.__frames);
  const dt = (b.t - a.t) / 1000;
  const runs = await page.evaluate(() => window.initscope.runs().map((r) => ({ init: r.init, diverged: r.diverged })));
  const entry = {
    stepsPerTick: speed,
    seconds: dt,
    fps: frames / dt,
    redrawsPerSecond: (b.draws - a.draws) / dt,
    stepsPerSecond: runs.map((r, i) => ({ init: r.init, diverged: r.diverged, stepsPerSecond: (b.steps[i] - a.steps[i]) / dt })),
  };
  result.playing[speed] = entry;
  log(`speed ${speed}: ${entry.fps.toFixed(1)} fps, ${entry.redrawsPerSecond.toFixed(1)} redraws/s, steps/s ${entry.stepsPerSecond.map((r) => `${r.init} ${r.stepsPerSecond.toFixed(0)}`).join(', ')}`);
  mkdirSync(dirname(opts.out), { recursive: true });
  await page.screenshot({ path: opts.out.replace(/\.json$/, `-speed${speed}.png`) });
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await context.close();
}

await browser.close();
server.close();

const lines = [
  `Navigation to first chart: ${median(result.firstChartMs).toFixed(0)} ms (median of ${result.firstChartMs.map((v) => v.toFixed(0)).join(', ')})`,
  '',
  '| speed (steps per tick) | fps | chart redraws/s | steps/s per run |',
  '|---:|---:|---:|---|',
  ...Object.values(result.playing).map((e) => `| ${e.stepsPerTick} | ${e.fps.toFixed(1)} | ${e.redrawsPerSecond.toFixed(1)} | ${e.stepsPerSecond.map((r) => `${r.init} ${r.stepsPerSecond.toFixed(0)}`).join(', ')} |`),
];
result.table = lines.join('\n');
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
console.log(result.table);
console.log(`\nwritten: ${opts.out}`);
