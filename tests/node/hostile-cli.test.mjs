// tests/node/hostile-cli.test.mjs: hostile command lines and data files for the native CLI, one
// table row per case with the exact error it must print.
//
// cli.test.mjs covers the ordinary mistakes (a wrong number, an unknown id); this file covers what
// someone pasting from a web page or a fuzzer would type: markup, `javascript:` URLs, terminal
// escape sequences and other control characters (they must come back escaped, never raw: the
// message goes to a terminal), unicode, a 120 kB value, and data files
// that are truncated, of another format, or claim enormous sizes. scripts/sanitize.sh runs this
// file again against the ASan + UBSan build of the CLI (INITSCOPE_BIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { bin } from './helpers.mjs';

function cli(...args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// The id lists in messages are the core's to grow (cli.test.mjs checks them); taken from the
// CLI's own message for a plainly wrong id, so these rows check only how hostile text is shown.
const listAfter = (args) => /: expected (?:one of )?(.*)\n$/.exec(cli(...args).err)[1];
const INITS = listAfter(['sample', '--init', 'nope']);
const DATASETS = listAfter(['run', '--dataset', 'nope']);
const VERBS = listAfter(['nope']);
// Linux passes at most 128 KiB in one argument (MAX_ARG_STRLEN); the URL hash gets the 1 MB case.
const MEGA = 'x'.repeat(120000);

// [args, the whole stderr line after "initscope: "]; exit code 2, nothing on stdout.
const FLAGS = [
  [['run', '--init', '<script>alert(1)</script>'],
    `invalid init = "<script>alert(1)</script>": expected one of ${INITS}`],
  [['run', '--dataset', 'javascript:alert(1)'],
    `invalid dataset = "javascript:alert(1)": expected one of ${DATASETS}`],
  [['run', '--activation', '\x1b[2J\x1b[31mred'],
    'invalid activation = "\\u001b[2J\\u001b[31mred": expected one of relu, leaky_relu, tanh, sigmoid, linear, selu, gelu'],
  [['run', '--loss', 'a\nb\tc\rd'],
    'invalid loss = "a\\nb\\tc\\u000dd": expected one of cross_entropy, mse'],
  [['run', '--optimizer', 'ädam☃'],
    'invalid optimizer = "ädam☃": expected one of sgd, momentum, adam'],
  [['run', '--hidden', '６４'], 'invalid hidden = "６４": expected 1..200 layers of width 1..8192, at most 268435456 parameters (the native CLI\'s caps; the page\'s are width 2048 and 4194304 parameters)'],
  [['run', '--hidden', '64x1e9'], 'invalid hidden = "64x1e9": expected 1..200 layers of width 1..8192, at most 268435456 parameters (the native CLI\'s caps; the page\'s are width 2048 and 4194304 parameters)'],
  [['run', '--hidden', '64x-1'], 'invalid hidden = "64x-1": expected 1..200 layers of width 1..8192, at most 268435456 parameters (the native CLI\'s caps; the page\'s are width 2048 and 4194304 parameters)'],
  [['run', '--hidden', `${'1,'.repeat(60000)}1`], 'invalid hidden = a list of 60001 layers: expected 1..200 hidden layers'],
  [['run', '--hidden', '99999999999x2'], 'invalid hidden = "99999999999x2": expected 1..200 layers of width 1..8192, at most 268435456 parameters (the native CLI\'s caps; the page\'s are width 2048 and 4194304 parameters)'],
  [['run', '--samples', '1e308'], 'invalid samples = 1e308: expected an integer in 10..20000'],
  [['run', '--samples', '-0'], 'invalid samples = 0: expected an integer in 10..20000'],
  [['run', '--samples', '1.0000000000000002e3'], 'invalid samples = 1.0000000000000002e3: expected an integer in 10..20000'],
  [['run', '--seed', '18446744073709551616'], 'invalid seed = 18446744073709551616: expected an integer in 0..4294967295'],
  [['run', '--lr', '5e-324'], null],  // the smallest double is a valid (useless) learning rate
  [['run', '--lr', '-0'], 'invalid learningRate = 0: expected a number in (0, 10] (flag --lr)'],
  [['run', '--lr', 'Infinity'], 'invalid learningRate = "Infinity": expected a number in (0, 10] (flag --lr)'],
  [['run', '--steps', '1e10'], 'invalid --steps = 1e10: expected an integer in 0..1000000000'],
  [['run', '--init', MEGA], `invalid init = "${MEGA}": expected one of ${INITS}`],
  [['run', `--${MEGA}`], `invalid flag = "--${MEGA}": expected a flag listed by 'initscope run --help'`],
  [['run', ''], 'invalid argument = "": expected --flag value pairs (see \'initscope run --help\')'],
  [['run', '--'], 'invalid argument = "--": expected --flag value pairs (see \'initscope run --help\')'],
  [['run', '--init'], `invalid init = (missing): expected ids from: ${INITS}`],
  [['javascript:alert(1)'], `invalid command = "javascript:alert(1)": expected ${VERBS}`],
];

test('hostile flags: each gives its exact message, escaped, exit 2 and no output', () => {
  for (const [args, message] of FLAGS) {
    const shown = args.map((a) => (a.length > 40 ? `${a.slice(0, 40)}...` : a)).join(' ');
    const r = cli(...(message === null ? [...args, '--samples', '20', '--hidden', '2', '--batch-size', '0', '--steps', '1'] : args));
    if (message === null) {
      assert.equal(r.code, 0, `${shown}: ${r.err}`);
      continue;
    }
    assert.equal(r.code, 2, `${shown}: exit ${r.code}, ${r.err.slice(0, 200)}`);
    assert.equal(r.out, '', shown);
    assert.equal(r.err, `initscope: ${message}\n`, shown);
    // Nothing a terminal would interpret: no raw control character but the final newline.
    assert.ok(!/[\x00-\x09\x0b-\x1f\x7f]/.test(r.err), `${shown}: raw control character in ${JSON.stringify(r.err.slice(0, 100))}`);
  }
});

test('repeated flags: the last one wins (scripts append overrides)', () => {
  const r = cli('run', '--samples', '20', '--hidden', '2', '--batch-size', '0', '--steps', '0', '--seed', '1',
    '--seed', '7', '--seed=9');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).config.seed, 9);
});

// Data files: the fashion_mnist pool read from --data-dir. Exit 1 (a runtime failure), the path
// and the reason on stderr.
let dir;
before(() => { dir = mkdtempSync(path.join(tmpdir(), 'initscope-hostile-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function pool({ magic = 'ISFM', version = 1, count = 10, rows = 28, cols = 28, body = true } = {}) {
  const head = Buffer.alloc(20);
  head.write(magic, 0, 'latin1');
  head.writeUInt32LE(version, 4);
  head.writeUInt32LE(count, 8);
  head.writeUInt32LE(rows, 12);
  head.writeUInt32LE(cols, 16);
  if (!body) return head;
  const rest = Buffer.alloc(count * (1 + rows * cols));
  for (let i = 0; i < count; i++) rest[i] = i % 10;
  for (let i = count; i < rest.length; i++) rest[i] = (i * 37) % 256;
  return Buffer.concat([head, rest]);
}

const FILES = [
  ['empty', Buffer.alloc(0), 'invalid data = a file of 0 bytes: expected an image pool: a 20-byte header ("ISFM", version, count, rows, cols) then labels and pixels'],
  ['a PNG', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), pool().subarray(4)]),
    'invalid data = a file starting "\\u0089PNG": expected the magic "ISFM" of a pool written by scripts/prepare-data.mjs'],
  ['markup', Buffer.from('<html><script>alert(1)</script></html>'),
    'invalid data = a file starting "<htm": expected the magic "ISFM" of a pool written by scripts/prepare-data.mjs'],
  ['truncated', pool().subarray(0, 7000),
    'invalid data = a file of 7000 bytes: expected 7870 bytes = 20 + count x (1 + rows x cols) for 10 images of 28 x 28 (truncated, or not this format)'],
  ['one byte too many', Buffer.concat([pool(), Buffer.from([0])]),
    'invalid data = a file of 7871 bytes: expected 7870 bytes = 20 + count x (1 + rows x cols) for 10 images of 28 x 28 (truncated, or not this format)'],
  ['huge dimensions', pool({ count: 2 ** 31 - 1, rows: 4096, cols: 4096, body: false }),
    'invalid data = a file of 20 bytes: expected 36028799149670419 bytes = 20 + count x (1 + rows x cols) for 2147483647 images of 4096 x 4096 (truncated, or not this format)'],
  ['rows over the cap', pool({ rows: 65536, body: false }), 'invalid data = images of 65536 x 28: expected rows and cols in 1..4096'],
  ['count 0', pool({ count: 0, body: false }), 'invalid data = count 0: expected 1..2147483647 images'],
  ['version 0', pool({ version: 0 }), 'invalid data = version 0: expected version 1 (rebuild the file: node scripts/prepare-data.mjs)'],
  ['a label of 200', (() => { const b = pool(); b[25] = 200; return b; })(),
    'invalid data = label 200 (image 5): expected labels in 0..9 for fashion_mnist'],
  ['flat images', (() => { const b = pool(); b.fill(7, 30); return b; })(),
    'invalid data = images whose pixels are all 7: expected images with some contrast (pixel variance > 0)'],
];

test('hostile data files: each gives its exact message naming the file, exit 1', () => {
  for (const [what, bytes, message] of FILES) {
    const sub = path.join(dir, what.replace(/\W+/g, '-'));
    mkdirSync(sub);
    const file = path.join(sub, 'fashion-mnist.bin');
    writeFileSync(file, bytes);
    const r = cli('run', '--dataset', 'fashion_mnist', '--samples', '10', '--hidden', '4',
      '--batch-size', '0', '--steps', '1', '--data-dir', sub);
    assert.equal(r.code, 1, `${what}: exit ${r.code}, ${r.err}`);
    assert.equal(r.out, '', what);
    assert.equal(r.err, `initscope: error: ${file}: ${message}\n`, what);
  }
});

test('a data file that is a folder, or missing, is a clear error too', () => {
  const sub = path.join(dir, 'folder');
  mkdirSync(path.join(sub, 'fashion-mnist.bin'), { recursive: true });
  const r = cli('run', '--dataset', 'fashion_mnist', '--samples', '10', '--hidden', '4',
    '--batch-size', '0', '--data-dir', sub);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /^initscope: error: cannot read .*folder\/fashion-mnist\.bin \(a folder, not a file\)/);
  const missing = cli('run', '--dataset', 'fashion_mnist', '--data-dir', path.join(dir, 'nowhere'));
  assert.equal(missing.code, 1, missing.err);
  assert.match(missing.err, /^initscope: error: cannot read .*nowhere\/fashion-mnist\.bin \(No such file or directory\)/);
});
