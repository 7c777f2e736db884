// The page opens a sweep file the CLI wrote, here the merge of 3 shards (web/js/sweep/sweep-file.js,
// the sweep view's "Open file…"): the heatmap shows the file's cells, the title names the file, the
// page's CSV of it is the CLI's, and a broken file is refused in view while the shown sweep stays.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, openPage, load, artifact, ROOT } from './helpers.mjs';

const BIN = process.env.INITSCOPE_BIN ?? join(ROOT, 'build/native/bin/initscope');
const SWEEP = ['sweep', '--x', 'learningRate=0.01,0.1,1', '--y', 'init=he_normal,xavier_normal', '--seeds', '2',
  '--samples', '100', '--hidden', '8x2', '--steps', '20', '--quiet'];

function cli(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${BIN}: ${r.error.message}`);
  assert.equal(r.status, 0, `initscope ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

let server;
let browser;
let dir;
before(async () => {
  server = await serveDist();
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'initscope-open-'));
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('sweep view: a merged cluster file opens, names itself, and exports the CLI\'s CSV', async () => {
  const parts = [1, 2, 3].map((k) => {
    const file = join(dir, `part-${k}.json`);
    cli([...SWEEP, '--shard', `${k}/3`, '--out', file]);
    return file;
  });
  const merged = join(dir, 'merged.json');
  writeFileSync(merged, cli(['sweep', 'merge', ...parts]));
  const broken = join(dir, 'part-1.json');

  const page = await openPage(browser, server.url);
  await load(page, server.url);
  await page.evaluate(() => window.initscope.sweep.setMode(true));
  await page.setInputFiles('#sweep-file-input', merged);
  await page.waitForFunction(() => window.initscope.sweep.info().file === 'merged.json', null, { timeout: 20000 });
  const i = await page.evaluate(() => window.initscope.sweep.info());
  assert.equal(i.cells, 6);
  assert.equal(i.cellsDone, 6);
  assert.deepEqual(i.axes.map((a) => a.field), ['learningRate', 'init']);
  assert.match(await page.textContent('#sweep-status'), /6 \/ 6 cells · from merged\.json/);
  await page.screenshot({ path: artifact('sweep-file.png') });

  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#b-sweep-csv')]);
  assert.equal(await readFile(await d.path(), 'utf8'), cli([...SWEEP, '--format', 'csv']));

  // A part file on its own: refused, in view, and the merged sweep stays shown.
  await page.setInputFiles('#sweep-file-input', broken);
  await page.waitForFunction(() => document.querySelector('.sweep-error')?.textContent.includes('part file'), null, { timeout: 20000 });
  assert.match(await page.textContent('.sweep-error'), /^part-1\.json: invalid sweep file: this is a part file \(shard "1\/3"\).*initscope sweep merge/);
  assert.equal((await page.evaluate(() => window.initscope.sweep.info())).file, 'merged.json');
  await page.close();
});
