// longtask-bench.mjs: the page at the size limit, as the main thread feels it. Four runs of
// 200 hidden layers at the parameter cap (width 144: 144 x 144 x 200 + ... = 4.17 M parameters,
// under the 4,194,304 cap) train for --seconds while a PerformanceObserver counts the main
// thread's long tasks (> 50 ms, the browser's own definition). Prints the count, the longest,
// the frames drawn and the steps per second per run, once with the runs on one worker
// (workers=1) and once on the pool (workers=auto). The target (issue 9): no long task at all.
//
// Before the panels' resizes were moved to tasks of their own (views/panel.js Panel#deliver),
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
        for (const e of list.getEntries()) window.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await load(page, server.url, `${HASH}&workers=${workers}`);
    const stepNow = () => page.evaluate(() => window.initscope.runs()[0]?.latest?.step ?? 0);
    const before = { draws: await page.evaluate(() => window.initscope.draws), step: await stepNow() };
    // Training starts at the click. The observer reports a task after it ends, so a task of the
    // page's first draw at step 0 can arrive after the click: tasks are split by their start.
    const playedAt = await page.evaluate(() => performance.now());
    await page.click('#b-play');
    await page.waitForTimeout(SECONDS * 1000);
    await page.click('#b-play');
    const after = await page.evaluate(() => ({ draws: window.initscope.draws, longTasks: window.longTasks.slice(), pool: window.initscope.pool }));
    after.step = await stepNow();
    const training = after.longTasks.filter((t) => t.start >= playedAt).map((t) => t.duration);
    const loading = after.longTasks.filter((t) => t.start < playedAt).map((t) => t.duration);
    const longest = training.length ? Math.max(...training) : 0;
    results.push({
      workers, activeWorkers: after.pool.active, config: HASH, seconds: SECONDS,
      longTasks: training.length, longestMs: Math.round(longest),
      loadLongTasksMs: loading.map(Math.round),
      drawsPerSecond: (after.draws - before.draws) / SECONDS,
      stepsPerSecondPerRun: (after.step - before.step) / SECONDS,
      problems: page.problems,
    });
    await page.context().close();
  }
  console.log(JSON.stringify(results, null, 2));
  console.log('\n| workers | long tasks while training (> 50 ms) | longest | before Play (load, first draw) | redraws/s | steps/s per run |\n|---|---:|---:|---|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.workers} (${r.activeWorkers} used) | ${r.longTasks} | ${r.longestMs} ms | ${r.loadLongTasksMs.map((d) => `${d} ms`).join(', ') || 'none'} | ` +
      `${r.drawsPerSecond.toFixed(2)} | ${r.stepsPerSecondPerRun.toFixed(2)} |`);
  }
} finally {
  await browser.close();
  await server.close();
}
