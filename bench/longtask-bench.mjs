// longtask-bench.mjs: the page at the size limit, as the main thread feels it. Four runs of
// 200 hidden layers at the parameter cap (width 144: 144 x 144 x 200 + ... = 4.17 M parameters,
// under the 4,194,304 cap) train for --seconds while a PerformanceObserver counts the main
// thread's long tasks (> 50 ms, the browser's own definition). Prints the count, the longest,
// the frames drawn and the steps per second per run, once with the runs on one worker
// (workers=1) and once on the pool (workers=auto). The target (issue 9): no long task at all.
//
// Before the panels' resizes were moved to tasks of their own (views/common.js Panel#deliver),
// the run strip growing by a line when a badge appeared resized every chart inside one layout
// task: 79-119 ms. That is the long task this bench caught.
//
//   npm run build && node bench/longtask-bench.mjs [--seconds 15] [--speed 1]

import { serveDist, launch, openPage, load } from '../tests/browser/helpers.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(opt('seconds', '15'));
const SPEED = opt('speed', '1');
const HASH = `#inits=he_normal,xavier_normal,lecun_normal,orthogonal&hidden=144x200&batchSize=32&speed=${SPEED}`;

const server = await serveDist();
const browser = await launch();
const results = [];
try {
  for (const workers of ['1', 'auto']) {
    const page = await openPage(browser, server.origin);
    await page.addInitScript(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await load(page, server.url, `${HASH}&workers=${workers}`);
    await page.evaluate(() => { window.longTasks.length = 0; });
    const stepNow = () => page.evaluate(() => window.initscope.runs()[0]?.latest?.step ?? 0);
    const before = { draws: await page.evaluate(() => window.initscope.draws), step: await stepNow() };
    await page.click('#b-play');
    await page.waitForTimeout(SECONDS * 1000);
    await page.click('#b-play');
    const after = await page.evaluate(() => ({ draws: window.initscope.draws, longTasks: window.longTasks.slice(), pool: window.initscope.pool }));
    after.step = await stepNow();
    const longest = after.longTasks.length ? Math.max(...after.longTasks) : 0;
    results.push({
      workers, activeWorkers: after.pool.active, config: HASH, seconds: SECONDS,
      longTasks: after.longTasks.length, longestMs: Math.round(longest),
      drawsPerSecond: (after.draws - before.draws) / SECONDS,
      stepsPerSecondPerRun: (after.step - before.step) / SECONDS,
      problems: page.problems,
    });
    await page.context().close();
  }
  console.log(JSON.stringify(results, null, 2));
  console.log('\n| workers | long tasks (> 50 ms) | longest | redraws/s | steps/s per run |\n|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.workers} (${r.activeWorkers} used) | ${r.longTasks} | ${r.longestMs} ms | ${r.drawsPerSecond.toFixed(2)} | ${r.stepsPerSecondPerRun.toFixed(2)} |`);
} finally {
  await browser.close();
  await server.close();
}
