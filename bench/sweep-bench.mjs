// sweep-bench.mjs: a 200-cell sweep (learningRate x depth, 20 x 10, width 64, 300 updates each,
// spiral) computed by the page's worker pool (wasm, headless Chromium) and by the native CLI
// (`initscope sweep --jobs N`), in turns (page, native, page, native, ...) so a drifting machine
// affects both alike. Prints cells per second of each, the ratio per pair and the medians, and
// checks that both produced the same CSV bytes.
//
//   npm run build && node bench/sweep-bench.mjs [--rounds 3] [--jobs 2] [--x SPEC] [--y SPEC]
//                                               [--steps 300] [--width 64] [--out FILE]
//   node bench/sweep-bench.mjs --page-only      one page sweep, for farm-bench (prints cells/s)
//   node bench/sweep-bench.mjs --preset edge_of_chaos_sweep [--rounds 1]
//                                               a sweep preset as a student starts it: the page
//                                               opened at #preset=ID, Start pressed, against
//                                               `initscope sweep --preset ID --jobs N`
//
// Page time is from the Start click to the last cell (the engine is loaded and the workers are
// warm: a first, small sweep runs before timing); native time is the whole process (start-up
// ~10 ms). The page's workers are min(navigator.hardwareConcurrency, 8).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { serveDist, launch, openPage, load, ROOT } from '../tests/browser/helpers.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const X = opt('x', 'learningRate=0.005:0.1:20');
const Y = opt('y', 'depth=1:10:10');
const STEPS = Number(opt('steps', '300'));
const WIDTH = Number(opt('width', '64'));
const JOBS = Number(opt('jobs', '2'));
const ROUNDS = Number(opt('rounds', '3'));
const PAGE_ONLY = args.includes('--page-only');
const BIN = process.env.INITSCOPE_BIN ?? join(ROOT, 'build/native/bin/initscope');

const split = (spec) => {
  const eq = spec.indexOf('=');
  return [spec.slice(0, eq), spec.slice(eq + 1)];
};
const [xField, xSpec] = split(X);
const [yField, ySpec] = split(Y);
const PRESET = opt('preset', null);
const HASH = PRESET ? `#preset=${PRESET}` : `#inits=he_normal&hidden=${WIDTH}x1&seed=42`;
const cliArgs = PRESET ? ['sweep', '--preset', PRESET, '--format', 'csv']
  : ['sweep', '--x', X, '--y', Y, '--hidden', `${WIDTH}x1`, '--steps', String(STEPS),
    '--seeds', '1', '--seed', '42', '--init', 'he_normal', '--lr', '0.05', '--format', 'csv'];

async function pageSweep(page, settings) {
  // settings null: the sweep the page holds (a preset's, as its link opened it).
  if (settings) {
    await page.evaluate((s) => {
      window.initscope.sweep.setMode(true);
      window.initscope.sweep.configure(s);
    }, settings);
  }
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#b-sweep-start');
  await page.waitForFunction(() => {
    const i = window.initscope.sweep.info();
    return !i.running && i.cells > 0 && i.cellsDone === i.cells;
  }, null, { timeout: 3600 * 1000, polling: 50 });
  const t1 = await page.evaluate(() => performance.now());
  const info = await page.evaluate(() => window.initscope.sweep.info());
  return { seconds: (t1 - t0) / 1000, cells: info.cells, workers: info.poolSize, csv: await page.evaluate(() => window.initscope.sweep.csv()) };
}

function nativeSweep() {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(BIN, [...cliArgs, '--jobs', String(JOBS)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`initscope sweep failed: ${r.stderr}`);
  return { seconds, csv: r.stdout };
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

const server = await serveDist();
const browser = await launch();
try {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, HASH);
  const settings = PRESET ? null : { xField, xSpec, yField, ySpec, steps: STEPS, seeds: 1 };
  // Warm-up: load every worker's engine and let V8 optimise (a preset is timed as a student meets
  // it: cold, straight after the link opened the page, which is the 'within a minute' question).
  if (!PRESET) await pageSweep(page, { ...settings, xSpec: '0.01,0.02', ySpec: '1,2', steps: 50 });
  if (PAGE_ONLY) {
    const p = await pageSweep(page, settings);
    console.log(JSON.stringify({ cellsPerSecond: p.cells / p.seconds, seconds: p.seconds, cells: p.cells, workers: p.workers }));
  } else {
    const rows = [];
    for (let round = 0; round < ROUNDS; round++) {
      const p = await pageSweep(page, settings);
      const n = nativeSweep();
      if (p.csv !== n.csv) throw new Error('the page and the CLI computed different numbers');
      rows.push({ round, cells: p.cells, workers: p.workers, page: p.seconds, native: n.seconds, ratio: p.seconds / n.seconds });
      console.log(`round ${round}: ${p.cells} cells, page (${p.workers} workers) ${p.seconds.toFixed(2)} s = ${(p.cells / p.seconds).toFixed(1)} cells/s, ` +
        `native --jobs ${JOBS} ${n.seconds.toFixed(2)} s = ${(p.cells / n.seconds).toFixed(1)} cells/s, page/native time ${(p.seconds / n.seconds).toFixed(3)}; same CSV bytes`);
    }
    const cells = rows[0].cells;
    const summary = {
      date: new Date().toISOString(), load: os.loadavg(), cpus: os.cpus().length, sweep: { x: X, y: Y, steps: STEPS, width: WIDTH },
      preset: PRESET,
      pageCellsPerSecond: cells / median(rows.map((r) => r.page)),
      nativeCellsPerSecond: cells / median(rows.map((r) => r.native)),
      medianRatio: median(rows.map((r) => r.ratio)),
      rows,
    };
    console.log(`median: page ${summary.pageCellsPerSecond.toFixed(1)} cells/s, native ${summary.nativeCellsPerSecond.toFixed(1)} cells/s, ` +
      `page takes ${summary.medianRatio.toFixed(3)}x native's time (median of the pairs); load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
    const out = opt('out', null);
    if (out) writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  }
} finally {
  await browser.close();
  await server.close();
}
