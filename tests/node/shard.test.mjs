// tests/node/shard.test.mjs: `initscope sweep --shard K/N`, `sweep merge` and `--checkpoint`
// (core/cli/sweep.cpp, core/include/initscope/sweep_parts.hpp) on the real CLI: merged parts and
// resumed runs give the unsharded sweep's bytes, and every broken set of parts is refused with a
// message naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin } from './helpers.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'initscope-shard-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function sweep(...args) {
  const r = spawnSync(bin, ['sweep', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function ok(...args) {
  const r = sweep(...args);
  assert.equal(r.code, 0, `initscope sweep ${args.join(' ')}: ${r.err}`);
  return r.out;
}

// Tiny sweeps: hidden 4x1 on 60 points; a linear net under MSE diverges at lr 10, so diverged
// runs (NaN losses written as "NaN" in a part) are merged too.
const base = ['--samples', '60', '--hidden', '4x1', '--batch-size', '10', '--steps', '8',
  '--activation', 'linear', '--loss', 'mse', '--quiet'];
const sweeps = {
  oneAxis: ['--x', 'learningRate=0.05,0.5,10', '--seeds', '3', ...base],
  twoAxes: ['--x', 'learningRate=0.05,10', '--y', 'depth=1:3:3', '--seeds', '2', ...base],
};

function parts(def, n, tag) {
  const files = [];
  for (let k = 1; k <= n; k++) {
    const file = path.join(dir, `${tag}-${n}-${k}.json`);
    ok(...def, '--shard', `${k}/${n}`, '--out', file);
    files.push(file);
  }
  return files;
}

test('shard: for 1 and 2 axes and every N in 1..7, merge gives the unsharded JSON and CSV bytes', () => {
  for (const [name, def] of Object.entries(sweeps)) {
    const json = ok(...def, '--format', 'json');
    const csv = ok(...def, '--format', 'csv');
    assert.ok(JSON.parse(json).cells.some((c) => c.diverged > 0), `${name} has a diverged cell`);
    for (let n = 1; n <= 7; n++) {
      const files = parts(def, n, name);
      // Shards given in any order merge the same.
      assert.equal(ok('merge', ...files.reverse()), json, `${name} N=${n} json`);
      assert.equal(ok('merge', '--format', 'csv', ...files), csv, `${name} N=${n} csv`);
      // Every task is in exactly one part (more shards than tasks leaves some empty).
      const tasks = files.flatMap((f) => JSON.parse(fs.readFileSync(f, 'utf8')).tasks.map((t) => t[0]));
      assert.deepEqual(tasks.sort((a, b) => a - b), [...Array(JSON.parse(json).cells.length *
        JSON.parse(json).seeds).keys()]);
    }
  }
});

test('shard: --shard values out of range are refused in the project format', () => {
  for (const v of ['0/3', '4/3', '1/0', '1/4097', '3', 'a/b', '1/3/2', '-1/3', '01/3']) {
    const r = sweep(...sweeps.oneAxis, '--shard', v);
    assert.equal(r.code, 2, v);
    assert.equal(r.err,
      `initscope: invalid --shard = "${v}": expected K/N with N an integer in 1..4096 and K in 1..N\n`);
  }
});

test('shard: merge refuses broken sets of parts, naming the file', () => {
  const files = parts(sweeps.twoAxes, 3, 'bad');
  const refused = (args, pattern) => {
    const r = sweep('merge', ...args);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '', 'nothing is written');
    assert.match(r.err, pattern);
  };
  const q = (f) => JSON.stringify(f).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  refused([files[0], files[2]], new RegExp(`invalid parts = ${q(files[0])}, ${q(files[2])}: expected all 3 shards.*missing: shard 2/3`));
  refused([files[0], files[1], files[1], files[2]], new RegExp(`part file ${q(files[1])} shard = 2/3: expected each shard once`));
  // A part of another sweep (another seed count) with the same N.
  const other = path.join(dir, 'other.json');
  ok(...sweeps.twoAxes, '--seeds', '1', '--shard', '2/3', '--out', other);
  refused([files[0], other, files[2]], new RegExp(`part file ${q(other)} definitionHash = .*a part of another sweep`));
  // Another N.
  const four = path.join(dir, 'four.json');
  ok(...sweeps.twoAxes, '--shard', '2/4', '--out', four);
  refused([files[0], four, files[2]], new RegExp(`part file ${q(four)} shard = 2/4: expected K/3`));
  // Truncated at several points.
  const text = fs.readFileSync(files[1], 'utf8');
  for (const cut of [0, 1, Math.floor(text.length / 3), text.length - 3]) {
    const t = path.join(dir, `truncated-${cut}.json`);
    fs.writeFileSync(t, text.slice(0, cut));
    refused([files[0], t, files[2]], new RegExp(`part file ${q(t)}.* = (truncated|not JSON)`));
  }
  // One number edited in the results: the tasks hash catches it.
  const doc = JSON.parse(text);
  const edited = path.join(dir, 'edited.json');
  const row = doc.tasks.findIndex((r) => typeof r[2] === 'number');
  fs.writeFileSync(edited, text.replace(JSON.stringify(doc.tasks[row][2]), String(doc.tasks[row][2] + 1)));
  assert.notEqual(fs.readFileSync(edited, 'utf8'), text);
  refused([files[0], edited, files[2]], new RegExp(`part file ${q(edited)} tasksHash = .*edited or corrupted`));
  // The definition edited (and its hash not): refused too.
  const def = path.join(dir, 'def.json');
  fs.writeFileSync(def, text.replace('"steps": 8', '"steps": 9'));
  refused([files[0], def, files[2]], new RegExp(`part file ${q(def)} definitionHash = .*the file was edited`));
  // A task moved out of range, with the hash recomputed as a careless tool would: the range check.
  // (The hash is FNV-1a 64 of the compact text; recomputing it here keeps this test honest.)
  const moved = structuredClone(doc);
  moved.tasks[moved.tasks.length - 1][0] = 9999;
  const fnv = (s) => {
    let h = 0xcbf29ce484222325n;
    for (const b of Buffer.from(s, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
    return 'fnv1a64:' + h.toString(16).padStart(16, '0');
  };
  // JSON.stringify is the compact text when every number is written as the CLI wrote it.
  assert.equal(fnv(JSON.stringify(doc.tasks)), doc.tasksHash, 'the hash is what the README says');
  moved.tasksHash = fnv(JSON.stringify(moved.tasks));
  const range = path.join(dir, 'range.json');
  fs.writeFileSync(range, JSON.stringify(moved));
  refused([files[0], range, files[2]], new RegExp(`part file ${q(range)} task = 9999: expected a task index in 0..11`));
  // A task of another shard.
  const stolen = structuredClone(doc);
  stolen.tasks = [...stolen.tasks, JSON.parse(fs.readFileSync(files[2], 'utf8')).tasks[0]]
    .sort((a, b) => a[0] - b[0]);
  stolen.tasksHash = fnv(JSON.stringify(stolen.tasks));
  const thief = path.join(dir, 'thief.json');
  fs.writeFileSync(thief, JSON.stringify(stolen));
  refused([files[0], thief, files[2]], new RegExp(`part file ${q(thief)} task = \\d+: expected a task of shard 2/3`));
  // Not a file at all.
  refused([files[0], path.join(dir, 'nope.json'), files[2]], /part file ".*nope\.json" = cannot be read/);
  // And the good set still merges.
  assert.equal(ok('merge', ...files), ok(...sweeps.twoAxes));
});

// Long enough to be killed mid-way (under a second), short overall.
const longSweep = ['--x', 'learningRate=0.01:0.1:12', '--y', 'depth=1,2', '--seeds', '2',
  '--samples', '200', '--hidden', '16x1', '--batch-size', '10', '--steps', '1000', '--jobs', '2',
  '--quiet'];

function killAfter(args, ms) {
  return new Promise((resolve) => {
    const child = spawn(bin, ['sweep', ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

test('shard: a --checkpoint run killed with SIGKILL at random times resumes to the same bytes', async () => {
  // Kill times are drawn over the length of an uninterrupted run (measured here, used only to
  // aim the kills; the assertion does not depend on it).
  const started = process.hrtime.bigint();
  const want = ok(...longSweep);
  const runMs = Number(process.hrtime.bigint() - started) / 1e6;
  const wantPart = ok(...longSweep, '--shard', '2/3');
  let killed = 0;
  for (let round = 0; round < 12; round++) {
    const sharded = round % 3 === 2;  // a shard's checkpoint too, whose output is a part
    const ckpt = path.join(dir, `ckpt-${round}.json`);
    const args = [...longSweep, '--checkpoint', ckpt, '--checkpoint-every', '1',
      ...(sharded ? ['--shard', '2/3'] : [])];
    // Killed once or twice at random moments (before it starts, mid-write, mid-task, ...): the
    // assertion holds whatever the moment, since an unfinished run only leaves a checkpoint.
    for (let kill = 0; kill < 1 + (round % 2); kill++) {
      const r = await killAfter(args, Math.floor(Math.random() * runMs * 1.1));
      if (r.signal === 'SIGKILL') killed++;
    }
    assert.equal(ok(...args), sharded ? wantPart : want, `round ${round}`);
  }
  // Reported, not asserted (how many kills land mid-run depends on the machine's speed).
  console.log(`# ${killed} of the kills interrupted a run (${runMs.toFixed(0)} ms uninterrupted)`);
});

test('shard: a checkpoint of another sweep is refused and left as it was', () => {
  const ckpt = path.join(dir, 'mine.json');
  const first = ok(...sweeps.oneAxis, '--checkpoint', ckpt);
  assert.equal(first, ok(...sweeps.oneAxis), 'a checkpointed run prints the plain output');
  const before = fs.readFileSync(ckpt, 'utf8');
  const r = sweep(...sweeps.twoAxes, '--checkpoint', ckpt);
  assert.equal(r.code, 2);
  assert.match(r.err, new RegExp(`--checkpoint ${JSON.stringify(ckpt).replace(/[.\\/]/g, '\\$&')} definitionHash = .*checkpoint of another sweep`));
  assert.equal(fs.readFileSync(ckpt, 'utf8'), before);
  // A file that is not a part at all is not overwritten either.
  const notes = path.join(dir, 'notes.txt');
  fs.writeFileSync(notes, 'my notes\n');
  const s = sweep(...sweeps.oneAxis, '--checkpoint', notes);
  assert.equal(s.code, 2);
  assert.match(s.err, /notes\.txt.*refusing to overwrite it/);
  assert.equal(fs.readFileSync(notes, 'utf8'), 'my notes\n');
  // Run again on a finished checkpoint: nothing to compute, the same bytes.
  assert.equal(ok(...sweeps.oneAxis, '--checkpoint', ckpt), first);
});

test('shard: --progress writes progress lines to stderr, --quiet none, stdout unchanged', () => {
  const def = sweeps.twoAxes.filter((a) => a !== '--quiet');
  const plain = sweep(...def);
  const loud = sweep(...def, '--progress');
  assert.equal(loud.out, plain.out);
  assert.match(loud.err, /^sweep: 12\/12 runs \(100%\)/m);
  assert.equal(sweep(...def, '--progress', '--quiet').err, '');
  assert.equal(plain.err, '', 'stderr is not a terminal here, so no progress without --progress');
});

test('shard: the README recipe with GNU parallel, 3 shards', (t) => {
  if (spawnSync('parallel', ['--version'], { encoding: 'utf8' }).error) {
    t.skip('GNU parallel is not installed (scripts/setup.sh installs it)');
    return;
  }
  const def = sweeps.twoAxes;
  const r = spawnSync('parallel', ['--will-cite', bin, 'sweep', ...def, '--shard', '{}/3',
    '--out', path.join(dir, 'gnu-{}.json'), ':::', '1', '2', '3'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = [1, 2, 3].map((k) => path.join(dir, `gnu-${k}.json`));
  assert.equal(ok('merge', ...files), ok(...def));
  assert.equal(ok('merge', '--format', 'csv', ...files), ok(...def, '--format', 'csv'));
});
