// tests/node/helpers.mjs: shared by the engine, parity and lifetime tests (not a test file itself).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export { loadEngine } from '../../web/js/engine/engine.js';
export { formatValue } from '../../web/js/engine/validate.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = process.env.INITSCOPE_BIN ?? path.join(root, 'build/native/bin/initscope');

// Population variance in double of float32 values, as the core computes weightVar.
export function variance(values) {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let m2 = 0;
  for (const v of values) m2 += (v - mean) ** 2;
  return m2 / values.length;
}

// Runs the native CLI and parses its JSON output.
export function cliJson(...args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `initscope ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Asserts that fn throws an Error in the core's format naming the field and the value
// ("invalid <field> = <value>: expected ..."), and returns the message.
export function assertConfigError(fn, field, valueText) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected an error for ${field} = ${valueText}`);
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  const prefix = `invalid ${field} = ${valueText}: expected `;
  assert.ok(error.message.startsWith(prefix),
    `message ${JSON.stringify(error.message)} does not start with ${JSON.stringify(prefix)}`);
  assert.ok(error.message.length > prefix.length, 'the allowed values are missing');
  return error.message;
}

// Largest elementwise difference, for messages (llm.c check_tensor style).
export function maxDiff(a, b) {
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > worst || Number.isNaN(d)) { worst = d; at = i; }
  }
  return { worst, at };
}
