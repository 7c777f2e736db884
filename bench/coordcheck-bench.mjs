// coordcheck-bench.mjs (issue 18, `npm run bench`): the default coordinate check's time, in the
// page and natively. The page: headless Chromium opens the Width tab (#tab=width), waits until
// its command line shows (a worker has loaded the engine), and times the Run click to the last
// result (window.initscope.width.info().done) in the tab's worker pool (2 workers, one wasm
// engine each). Native: the command line the page shows (`initscope coordcheck ...`, the page's
// default settings: sp and mup, widths 128..1024, depth 3, 3 steps, 3 seeds) run as a whole
// process with --jobs 2, as many threads as the page has workers. Rounds alternate page and
// native so a drifting machine affects both alike; prints each pair's page/native time ratio and
// the medians. Round 0's page time includes V8's first compilation of the check's code (a
// reader's first press); the later rounds are warm.
//
//   npm run build && node bench/coordcheck-bench.mjs [--rounds 3] [--jobs 2] [--out FILE]

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
const ROUNDS = Number(opt('rounds', '3'));
const JOBS = Number(opt('jobs', '2'));
const BIN = process.env.INITSCOPE_BIN ?? join(ROOT, 'build/native/bin/initscope');
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

async function pageCheck(page) {
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#b-width-run');
  await page.waitForFunction(() => window.initscope.width.info()?.done, null, { timeout: 600 * 1000, polling: 20 });
  const t1 = await page.evaluate(() => performance.now());
  return (t1 - t0) / 1000;
}

function nativeCheck(command) {
  const cli = command.replace(/^\$ initscope /, '').split(' ');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(BIN, [...cli, '--jobs', String(JOBS), '--format', 'json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`initscope ${cli.join(' ')} failed: ${r.stderr}`);
  return seconds;
}

const server = await serveDist();
const browser = await launch();
try {
  const page = await openPage(browser, server.origin);
  await load(page, server.url, '#tab=width');
  await page.waitForSelector('#b-width-run', { state: 'visible' });
  await page.waitForFunction(() => document.getElementById('width-command').textContent.startsWith('$ initscope coordcheck'));
  const command = (await page.textContent('#width-command')).trim();
  console.log(`coordcheck-bench: the Width tab's default check, ${command}`);
  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    const p = await pageCheck(page);
    const n = nativeCheck(command);
    rows.push({ round, page: p, native: n, ratio: p / n });
    console.log(`round ${round}: page (2 workers, wasm) ${p.toFixed(2)} s, native --jobs ${JOBS} ${n.toFixed(2)} s, page/native ${(p / n).toFixed(2)}`);
  }
  const summary = {
    date: new Date().toISOString(), load: os.loadavg(), cpus: os.cpus().length, command,
    pageSeconds: median(rows.map((r) => r.page)), nativeSeconds: median(rows.map((r) => r.native)),
    medianRatio: median(rows.map((r) => r.ratio)), rows,
  };
  console.log(`median: page ${summary.pageSeconds.toFixed(2)} s, native ${summary.nativeSeconds.toFixed(2)} s, ` +
    `page/native ${summary.medianRatio.toFixed(2)} (median of the pairs); load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  const out = opt('out', null);
  if (out) writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  await browser.close();
  await server.close();
}
