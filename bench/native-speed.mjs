// bench/native-speed.mjs: issue 21's table, natively, in one run (part of `npm run bench`).
// Steps/s of the wide networks of bench/native-configs.json and GEMM GFLOP/s, for
//   before  = the exact path's portable SSE2 kernel (4 x 8 tiles: the only kernel before the
//             AVX2 one; same bits),
//   exact   = the exact path as shipped (AVX2 6 x 16 when the CPU has it; same bits),
//   fast    = --gemm fast (OpenBLAS sgemm, 1 thread),
//   torch   = PyTorch 1 thread (Debian python3-torch; skipped with a notice when absent) and
//             numpy sgemm (python3-numpy), both through /usr/bin/python3.
// The sides run in turns (--rounds R, default 3: before, exact, fast, torch, then again) and
// each figure is the median over rounds of per-CPU-second medians, so a busy machine shifts
// all of them alike. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for these commands only
// (TOOLCHAIN.md) and OPENBLAS_NUM_THREADS=1 makes numpy's and torch's BLAS one thread too.
//
// Usage: node bench/native-speed.mjs [--native PATH] [--rounds R] [--windows N] [--window S]
//        [--out FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const bench = option('--native', join(root, 'build/native/bin/initscope_bench'));
const rounds = Number(option('--rounds', '3'));
const windows = option('--windows', '5');
const window = option('--window', '0.5');
const out = option('--out', join(root, 'bench/results',
  `native-speed-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));
const configsPath = join(root, 'bench/native-configs.json');
const ids = ['N64', 'N256', 'N1024'];

const env = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;

function runJson(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const torchOk = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { env }).status === 0;
const numpyOk = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { env }).status === 0;
if (!torchOk) console.error('native-speed: no PyTorch for /usr/bin/python3 (apt-get install python3-torch): torch column skipped');
if (!numpyOk) console.error('native-speed: no numpy for /usr/bin/python3 (apt-get install python3-numpy): numpy column skipped');

const paths = ['portable', 'exact', 'fast'];
const samples = {};  // key -> [values over rounds]
const push = (k, v) => (samples[k] ??= []).push(v);
let kernel = '';
for (let r = 0; r < rounds; r++) {
  console.error(`== round ${r + 1} of ${rounds}`);
  for (const p of paths) {
    const j = runJson(bench, ['--configs', configsPath, '--only', [...ids, 'gemm'].join(','),
      '--path', p, '--windows', windows, '--window', window, '--warmup', '0.5']);
    if (p === 'exact') kernel = j.kernel;
    for (const c of j.configs) push(`${p}:${c.id}`, c.perSecond);
    for (const g of j.gemm) push(`${p}:gemm:${g.kind}:${g.n}`, g.gflops);
  }
  if (torchOk || numpyOk) {
    const j = runJson('/usr/bin/python3', [join(root, 'bench/torch_bench.py'), '--configs', configsPath,
      '--windows', windows, '--window', window, '--warmup', '0.5']);
    for (const c of j.configs) push(`torch:${c.id}`, c.perSecond);
    for (const g of j.gemm) push(`numpy:gemm:${g.n}`, g.gflops);
  }
}

const median = (v) => {
  if (!v?.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const m = (k) => median(samples[k]);
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : 'n/a');
const labels = { N64: '8 x 64, batch 64', N256: '20 x 256, batch 128', N1024: '4 x 1024, batch 256' };

const lines = [];
lines.push(`Native steps/s per CPU second (gaussian_nd 64-D, relu, He, SGD; median of ${rounds} rounds; exact kernel here: ${kernel})`);
lines.push('');
lines.push('| network | before (SSE2 exact) | exact | fast (OpenBLAS 1t) | torch 1t | exact / before | fast / torch | exact / torch |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const id of ids) {
  const b = m(`portable:${id}`), e = m(`exact:${id}`), fa = m(`fast:${id}`), t = m(`torch:${id}`);
  lines.push(`| ${labels[id]} | ${f(b)} | ${f(e)} | ${f(fa)} | ${f(t)} | ${ratio(e, b)} | ${ratio(fa, t)} | ${ratio(e, t)} |`);
}
lines.push('');
lines.push('| GEMM n^3, GFLOP/s | before nt / tn / nn | exact nt / tn / nn | fast nt / tn / nn | numpy sgemm | fast nn / numpy | exact nn / before nn |');
lines.push('|---|---:|---:|---:|---:|---:|---:|');
for (const n of [64, 256, 1024]) {
  const three = (p) => ['nt', 'tn', 'nn'].map((k) => f(m(`${p}:gemm:${k}:${n}`))).join(' / ');
  const np = m(`numpy:gemm:${n}`);
  lines.push(`| ${n}^3 | ${three('portable')} | ${three('exact')} | ${three('fast')} | ${f(np)} | ` +
    `${ratio(m(`fast:gemm:nn:${n}`), np)} | ${ratio(m(`exact:gemm:nn:${n}`), m(`portable:gemm:nn:${n}`))} |`);
}
console.log(lines.join('\n'));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ kernel, rounds, torch: torchOk, numpy: numpyOk, samples }, null, 1));
console.error(`native-speed: every round's figures in ${out}`);
