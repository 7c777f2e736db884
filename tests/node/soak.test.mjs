// tests/node/soak.test.mjs: the short version of bench/soak.mjs. Three runs side by side, trained
// and snapshotted the way the page's worker does it (evaluate + layerStats every 100 updates, a
// decision-boundary grid every 30th snapshot), must not grow the wasm heap once warmed up.
//
// Bound: after the warm-up (40 snapshots, one of them with grids: every code path has allocated
// once and the allocator has settled), 300 more snapshots (30,000 updates per run, 10 grids) must
// leave the bytes malloc'd exactly where they were (0 bytes: every snapshot frees what it took,
// and a leak of even one 16-byte block per snapshot would show as >= 4,800) and linear memory
// unchanged. bench/soak.mjs runs the same loop for 1,000,000 updates and reports the figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadEngine } from '../../web/js/engine/engine.js';
import { createSoak } from '../../bench/soak.mjs';

test('30,000 updates x 3 runs with snapshots: no wasm heap growth after the warm-up', async (t) => {
  const engine = await loadEngine();
  const soak = createSoak(engine, {
    base: { dataset: 'spiral', samples: 1000, hidden: [16, 16, 16, 16], batchSize: 32, learningRate: 0.05 },
    inits: ['he_normal', 'xavier_normal', 'zeros'],
    every: 100,
  });
  soak.advance(40);
  const before = soak.memory();
  soak.advance(300);
  const after = soak.memory();
  assert.equal(after.step, 34000);
  assert.deepEqual(soak.runs.map((r) => r.diverged), [null, null, null]);
  assert.equal(after.wasmUsedBytes - before.wasmUsedBytes, 0, 'bytes still malloc\'d');
  assert.equal(after.wasmHeapBytes, before.wasmHeapBytes, 'linear memory grew');
  assert.deepEqual(after.records, [341, 341, 341]);
  t.diagnostic(`wasm heap ${after.wasmHeapBytes} B, ${after.wasmUsedBytes} B malloc'd`);
  soak.dispose();
  assert.equal(engine.liveRuns, 0);
});
