#!/usr/bin/env node
// prepare-data.mjs: the Fashion-MNIST subset the engine loads on demand, build/data/fashion-mnist.bin.
//
// Input: the idx files of the Debian package dataset-fashion-mnist (MIT licensed;
// /usr/share/datasets/fashion-mnist, or $FASHION_MNIST_DIR). Output: a class-balanced pool of
// PER_CLASS images per class, the first ones of each class in the training file's order.
//
// Why 6,000 images (600 per class): the page downloads the file when someone picks the dataset,
// uncompressed (the engine reads it as is), so it costs 784 B per image: 6,000 images are 4.7 MB,
// about a second on a 40 Mbit/s line, where the 12,000 first suggested would be 9.4 MB. 6,000 still
// gives 3,000 training and 3,000 test images at testFraction 0.5, more than a browser trains on
// in a session (the page's default is 1,000 samples). Balanced classes keep chance at exactly
// 10% for any subset size. The official test file (t10k) is not used: the engine draws its own
// train/test split from the pool, as it does for every dataset.
//
// Format (all integers little-endian uint32), read by core/src/image_data.cpp:
//   "ISFM" | version 1 | count | rows | cols | labels: count x uint8 | pixels: count x rows x cols uint8
// Pixels are row-major, 0 = background, 255 = ink, as in the idx files.
//
// Skips the work when the output is newer than the inputs and this script.
// Usage: node scripts/prepare-data.mjs [--out FILE]

import { gunzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PER_CLASS = 600;
const CLASSES = 10;
const VERSION = 1;

const here = fileURLToPath(import.meta.url);
const root = join(dirname(here), '..');
const source = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(root, 'build/data/fashion-mnist.bin');
const images = join(source, 'train-images-idx3-ubyte.gz');
const labels = join(source, 'train-labels-idx1-ubyte.gz');

function fail(message) {
  console.error(`prepare-data: ${message}`);
  process.exit(1);
}

for (const f of [images, labels]) {
  if (!existsSync(f)) {
    fail(`missing ${f}: install the Debian package dataset-fashion-mnist (bash scripts/setup.sh native)`);
  }
}
const shown = relative(process.cwd(), out) || out;
if (existsSync(out)) {
  const built = statSync(out).mtimeMs;
  if ([images, labels, here].every((f) => statSync(f).mtimeMs < built)) {
    console.log(`prepare-data: ${shown} is up to date`);
    process.exit(0);
  }
}

// idx: big-endian magic (0x0000 0x08 = uint8, then the number of dimensions), then each dimension.
function readIdx(file, dims) {
  const bytes = gunzipSync(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== 0x800 + dims) fail(`${file}: idx magic 0x${magic.toString(16)}, expected 0x${(0x800 + dims).toString(16)}`);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const header = 4 + 4 * dims;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) fail(`${file}: ${bytes.length} bytes, expected ${header + size} for shape ${shape.join('x')}`);
  return { shape, data: bytes.subarray(header) };
}

const img = readIdx(images, 3);
const lab = readIdx(labels, 1);
const [n, rows, cols] = img.shape;
if (lab.shape[0] !== n) fail(`${labels} has ${lab.shape[0]} labels for ${n} images`);
const pixelsPer = rows * cols;

// The first PER_CLASS images of each class, kept in file order.
const taken = new Array(CLASSES).fill(0);
const chosen = [];
for (let i = 0; i < n && chosen.length < PER_CLASS * CLASSES; i++) {
  const y = lab.data[i];
  if (y >= CLASSES) fail(`${labels}: label ${y} at ${i}, expected 0..${CLASSES - 1}`);
  if (taken[y] < PER_CLASS) {
    taken[y]++;
    chosen.push(i);
  }
}
if (chosen.length !== PER_CLASS * CLASSES) fail(`${images}: only ${taken.join('/')} images per class`);

const count = chosen.length;
const headerBytes = 20;
const file = new Uint8Array(headerBytes + count + count * pixelsPer);
const header = new DataView(file.buffer);
file.set(Buffer.from('ISFM', 'ascii'), 0);
header.setUint32(4, VERSION, true);
header.setUint32(8, count, true);
header.setUint32(12, rows, true);
header.setUint32(16, cols, true);
chosen.forEach((src, k) => {
  file[headerBytes + k] = lab.data[src];
  file.set(img.data.subarray(src * pixelsPer, (src + 1) * pixelsPer), headerBytes + count + k * pixelsPer);
});

// Written next to the target and renamed, so an interrupted run never leaves a half file that
// looks up to date.
mkdirSync(dirname(out), { recursive: true });
const partial = `${out}.partial`;
writeFileSync(partial, file);
renameSync(partial, out);
console.log(`prepare-data: wrote ${shown} (${count} images ${rows}x${cols}, ${PER_CLASS} per class, ${file.length} bytes)`);
