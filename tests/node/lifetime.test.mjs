// tests/node/lifetime.test.mjs: engine.js owns every C++ object it creates, and nothing leaks.
//
// What is measured (engine.memory()):
//   heapUsedBytes  bytes malloc'd in the wasm heap right now (mallinfo().uordblks): the leak meter
//   heapBytes      linear memory; it only grows, so "no growth" after a warm-up means steady state
//   emvalHandles   JS values held by C++ (Embind's handle table)
// Bound: after a warm-up, 1,000 cycles must leave heapUsedBytes exactly where it was (0 bytes;
// a leak of even one 16-byte block per cycle would show as >= 16,000), linear memory unchanged
// and no emval handle left behind.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';

import { loadEngine } from './helpers.mjs';

const CYCLES = 1000;
const CONFIG = { samples: 200, hidden: [32, 32, 32], batchSize: 20, probeSize: 64 };

let engine;
before(async () => { engine = await loadEngine(); });

function assertSameMemory(before, after, what) {
  assert.equal(after.heapUsedBytes - before.heapUsedBytes, 0,
    `${what}: ${after.heapUsedBytes - before.heapUsedBytes} bytes still allocated`);
  assert.equal(after.heapBytes, before.heapBytes, `${what}: linear memory grew`);
  assert.equal(after.emvalHandles, before.emvalHandles, `${what}: emval handles left behind`);
  assert.equal(after.liveRuns, before.liveRuns, `${what}: runs left alive`);
}

// One create / use / dispose cycle that goes through every result path of a Run.
function cycle(i) {
  const run = engine.createRun({ ...CONFIG, seed: i, init: i % 2 ? 'he_normal' : 'orthogonal' });
  run.step(5);
  run.evaluate();
  run.layerStats();
  run.weights(1);
  run.biases(3);
  if (i % 10 === 0) {
    run.dataset();
    run.predictGrid(8);
  }
  run.dispose();
}

test(`${CYCLES} create/step/dispose cycles leave the wasm heap where it was`, (t) => {
  for (let i = 0; i < 20; i++) cycle(i);  // warm-up: the allocator settles, statics initialise
  const before = engine.memory();
  const t0 = performance.now();
  for (let i = 0; i < CYCLES; i++) cycle(i);
  const ms = performance.now() - t0;
  assertSameMemory(before, engine.memory(), `${CYCLES} cycles`);
  assert.equal(engine.memory().liveRuns, 0);
  t.diagnostic(`${CYCLES} cycles in ${ms.toFixed(0)} ms; heap used ${before.heapUsedBytes} B`);
});

test('errors leak nothing: 1,000 rejected calls of each kind', () => {
  const nd = engine.createRun({ dataset: 'gaussian_nd', samples: 100, batchSize: 10, hidden: [8] });
  const run = engine.createRun(CONFIG);
  const failing = [
    () => engine.createRun({ batchSize: 100000 }),            // JS type layer
    () => engine.createRun({ batchSize: 150, samples: 200 }), // the core's validate()
    () => engine.createRun({ hidden: [2048, 2048, 2048] }),   // the parameter cap
    () => engine.sampleInit({ init: 'lsuv', fanIn: 4, fanOut: 4 }),
    () => nd.predictGrid(16),                                 // thrown inside Run
    () => run.weights(9),
  ];
  for (const f of failing) assert.throws(f);  // warm-up
  const before = engine.memory();
  for (const f of failing) {
    for (let i = 0; i < CYCLES; i++) assert.throws(f);
  }
  assertSameMemory(before, engine.memory(), 'after 6,000 errors');
  assert.equal(run.step(2).step, 2, 'the engine still trains');
  run.dispose();
  nd.dispose();
});

test('many live runs disposed in any order free everything', () => {
  cycle(0);
  const before = engine.memory();
  const runs = [];
  for (let i = 0; i < 30; i++) {
    runs.push(engine.createRun({ ...CONFIG, seed: i, optimizer: ['sgd', 'momentum', 'adam'][i % 3] }));
  }
  assert.equal(engine.liveRuns, before.liveRuns + 30);
  for (const r of runs) r.step(3);
  // dispose odd ones, then the rest backwards
  runs.filter((_, i) => i % 2).forEach((r) => r.dispose());
  runs.reverse().forEach((r) => r.dispose());
  const after = engine.memory();
  assert.equal(after.heapUsedBytes - before.heapUsedBytes, 0);
  assert.equal(after.emvalHandles, before.emvalHandles);
  assert.equal(after.liveRuns, before.liveRuns);
});

test('a run dropped without dispose() is freed when it is garbage-collected', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  cycle(0);
  const before = engine.memory();
  (() => {
    for (let i = 0; i < 10; i++) engine.createRun(CONFIG).step(1);  // dropped on purpose
  })();
  assert.ok(engine.memory().heapUsedBytes > before.heapUsedBytes);
  const deadline = Date.now() + 10000;
  while (engine.liveRuns > before.liveRuns && Date.now() < deadline) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));  // finalizers run between tasks
  }
  const after = engine.memory();
  assert.equal(after.liveRuns, before.liveRuns, 'finalizers did not run');
  assert.equal(after.heapUsedBytes - before.heapUsedBytes, 0);
});

test('running out of wasm memory is an Error, not an abort; freeing recovers', async () => {
  // A separate engine: this one grows to the 1 GiB maximum and stays that big.
  const big = await loadEngine();
  const atCap = { samples: 40, batchSize: 4, probeSize: 4, hidden: [2048, 1982, 64], optimizer: 'adam' };
  const runs = [];
  let error = null;
  for (let i = 0; i < 40 && !error; i++) {  // 4,194,304 params x 4 tensors x 4 B = 64 MiB each
    try {
      runs.push(big.createRun(atCap));
    } catch (e) {
      error = e;
    }
  }
  assert.ok(error instanceof Error, 'memory never ran out');
  assert.match(error.message, /out of memory/);
  assert.ok(runs.length >= 8, `only ${runs.length} runs fitted in 1 GiB`);
  for (const r of runs) r.dispose();
  const run = big.createRun(atCap);
  assert.equal(run.step(1).step, 1);
  run.dispose();
  assert.equal(big.liveRuns, 0);
});
