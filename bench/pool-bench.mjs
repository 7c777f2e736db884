// pool-bench.mjs: the page's run pool (web/js/runs/run-pool.js) against the single-worker path, in
// one run. The same page trains the same runs (10 hidden layers of 64, ReLU, spiral, the
// fastest speed: 200 steps per tick, so the engine and not the page's pacing sets the rate)
// with `workers=1` and with `workers=auto` (one worker per core, up to one per run), in turns,
// ROUNDS times each. Reported: aggregate training steps per second (summed over the runs, after a
// warm-up), chart redraws per second, and the ratio pool / single of each round (the machines are
// shared: a ratio within one round is what can be compared, not the absolute rates).
//
//   npm run build && node bench/pool-bench.mjs [--seconds 6] [--rounds 3] [--runs 2,4]

import os from 'node:os';
import { serveDist, launch, openPage, load } from '../tests/browser/helpers.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(opt('seconds', '6'));
const ROUNDS = Number(opt('rounds', '3'));
const RUN_COUNTS = opt('runs', '2,4').split(',').map(Number);
const INITS = ['he_normal', 'xavier_normal', 'lecun_normal', 'orthogonal'];
const WARMUP_MS = 2000;   // tier-up of the wasm code in every worker, first grids
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function measure(browser, server, runs, workers) {
  const page = await openPage(browser, server.origin);
  const hash = `#inits=${INITS.slice(0, runs).join(',')}&hidden=64x10&speed=200&workers=${workers}`;
  await load(page, server.url, hash);
  const pool = await page.evaluate(() => window.initscope.pool);
  await page.click('#b-play');
  await page.waitForTimeout(WARMUP_MS);
  const sample = () => page.evaluate(() => ({
    t: performance.now(), draws: window.initscope.draws,
    steps: window.initscope.runs().map((r) => r.latest.step),
  }));
  const a = await sample();
  await page.waitForTimeout(SECONDS * 1000);
  const b = await sample();
  await page.click('#b-play');
  const dt = (b.t - a.t) / 1000;
  const problems = [...page.problems.pageErrors, ...page.problems.console];
  await page.context().close();
  if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`);
  const perRun = b.steps.map((s, i) => (s - a.steps[i]) / dt);
  return { workers, active: pool.active, stepsPerSecond: perRun.reduce((x, y) => x + y, 0), perRun, redrawsPerSecond: (b.draws - a.draws) / dt };
}

const server = await serveDist();
const browser = await launch();
const result = { date: new Date().toISOString(), cores: os.cpus().length, loadavg: os.loadavg(), seconds: SECONDS, rows: [] };
try {
  for (const runs of RUN_COUNTS) {
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const single = await measure(browser, server, runs, 1);
      const pool = await measure(browser, server, runs, 'auto');
      rounds.push({ single, pool, ratio: pool.stepsPerSecond / single.stepsPerSecond });
      console.error(`${runs} runs, round ${r + 1}: single ${single.stepsPerSecond.toFixed(0)} steps/s, pool (${pool.active} workers) ${pool.stepsPerSecond.toFixed(0)} steps/s, ratio ${rounds.at(-1).ratio.toFixed(2)}`);
    }
    result.rows.push({ runs, rounds });
  }
} finally {
  await browser.close();
  await server.close();
}

const lines = [
  `${result.cores} cores, load average at start ${result.loadavg.map((x) => x.toFixed(1)).join(' ')}; medians of ${ROUNDS} rounds of ${SECONDS} s`,
  '',
  '| runs | workers | single worker: steps/s (sum over runs) | pool: steps/s | pool / single (per round) | redraws/s single / pool |',
  '|---:|---:|---:|---:|---|---|',
  ...result.rows.map(({ runs, rounds }) => `| ${runs} | ${rounds[0].pool.active} | ${median(rounds.map((x) => x.single.stepsPerSecond)).toFixed(0)} | ${median(rounds.map((x) => x.pool.stepsPerSecond)).toFixed(0)} | **${median(rounds.map((x) => x.ratio)).toFixed(2)}x** (${rounds.map((x) => x.ratio.toFixed(2)).join(', ')}) | ${median(rounds.map((x) => x.single.redrawsPerSecond)).toFixed(0)} / ${median(rounds.map((x) => x.pool.redrawsPerSecond)).toFixed(0)} |`),
];
result.table = lines.join('\n');
console.log(JSON.stringify(result));
console.log(result.table);
