// tests/node/fields.test.mjs: the engine reads and writes config fields through the core's one
// registry (core/include/initscope/fields.hpp, issue 17). The cases are loops over
// engine.configFields(), so a field added to the registry is tested here without a new line.
//
// For every field, a value of the wrong type and values out of range are refused with exactly
// `invalid <name> = <value>: expected <allowed>` (the registry's allowed text), both by
// engine.createRun (web/js/engine/validate.js checks first) and by the wasm module beneath it (the C++
// reader, which must not trust its caller); defaultConfig() and a run's config are the
// registry's fields, in its order, with its defaults.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { loadEngine, formatValue, root } from './helpers.mjs';

const KINDS = ['integer', 'number', 'enum', 'intList', 'boolean'];
const SMALL = { samples: 100, hidden: [8, 8], batchSize: 10, probeSize: 32 };

const engine = await loadEngine();
const FIELDS = engine.configFields();

let raw;  // the Embind module itself: returns Errors instead of throwing
before(async () => {
  const factory = (await import(pathToFileURL(path.join(root, 'build/wasm/initscope.mjs')).href)).default;
  raw = await factory({ wasmBinary: await readFile(path.join(root, 'build/wasm/initscope.wasm')) });
});

// The message createRun refuses `config` with, through engine.js and through the raw module, or
// null where it accepted it (the run is freed).
function refusals(config) {
  let viaEngine = null;
  try {
    engine.createRun(config).dispose();
  } catch (e) {
    viaEngine = e.message;
  }
  const r = raw.createRun(config);
  let viaModule = null;
  if (r instanceof Error) viaModule = r.message;
  else r.delete();
  return { viaEngine, viaModule };
}

function assertRefused(config, name, shown, allowed) {
  const expected = `invalid ${name} = ${formatValue(shown)}: expected ${allowed}`;
  const { viaEngine, viaModule } = refusals(config);
  assert.equal(viaEngine, expected, `engine.createRun(${JSON.stringify(config)})`);
  assert.equal(viaModule, expected, `module.createRun(${JSON.stringify(config)})`);
}

// A value no field of this kind takes.
function wrongType(field) {
  return field.kind === 'enum' ? 7 : 'x';  // 'x' is no number, no list, no boolean, no word
}

// Values just outside the field's range: [value, the name the message gives, the value it shows,
// the allowed text]. An intList's message names the element (hidden[0] = 0), in check_field's
// words; an enum's out-of-range value is an unknown id.
function outOfRange(field) {
  const { name, min, max, allowed } = field;
  switch (field.kind) {
    case 'integer':
      return [[min - 1, name, min - 1, allowed], [max + 1, name, max + 1, allowed]];
    case 'number': {  // an open end is itself outside
      const low = field.minOpen ? min : min - 1;
      const high = field.maxOpen ? max : max + 1;
      return [[low, name, low, allowed], [high, name, high, allowed]];
    }
    case 'enum':
      return [['nope', name, 'nope', allowed]];
    case 'intList': {
      // One element's words: the range, then (hidden) whose caps they are (core SizeCaps).
      const each = field.itemAllowed;
      assert.ok(each.startsWith(`an integer in ${min}..${max}`), `${name}: itemAllowed ${each}`);
      return [[[8, min - 1], `${name}[1]`, min - 1, each], [[max + 1], `${name}[0]`, max + 1, each]];
    }
    default:
      return [];  // a boolean has no range
  }
}

describe('engine.configFields() is the registry', () => {
  test('fields_json() shape: every field has a known kind, an allowed text and its default', () => {
    assert.ok(FIELDS.length > 20, `${FIELDS.length} fields`);
    for (const f of FIELDS) {
      assert.ok(KINDS.includes(f.kind), `${f.name}: kind ${f.kind}`);
      assert.ok(typeof f.allowed === 'string' && f.allowed.length > 0, `${f.name}: allowed`);
      assert.ok('default' in f, `${f.name}: default`);
      assert.ok(Array.isArray(f.ids) && Array.isArray(f.words), `${f.name}: ids, words`);
      if (f.kind === 'enum') assert.ok(f.ids.includes(f.default), `${f.name}: default ${f.default}`);
    }
    assert.deepEqual(raw.configFields(), FIELDS, 'engine.js hands the module\'s table on unchanged');
  });

  test('defaultConfig(): exactly the registry\'s fields, in order, with their defaults', () => {
    for (const defaults of [engine.defaultConfig(), raw.defaultConfig()]) {
      assert.deepEqual(Object.keys(defaults), FIELDS.map((f) => f.name));
      for (const f of FIELDS) assert.deepEqual(defaults[f.name], f.default, f.name);
    }
  });

  test('a run\'s config: the registry\'s fields; inputDim and classes resolved', () => {
    const run = engine.createRun(SMALL);
    const config = run.config;
    run.dispose();
    assert.deepEqual(Object.keys(config), FIELDS.map((f) => f.name));
    assert.equal(config.inputDim, 2, 'spiral: 2 inputs, not the default 0');
    assert.equal(config.classes, 2);
    assert.deepEqual(config.hidden, SMALL.hidden);
    assert.equal(config.samples, SMALL.samples);
  });

  test('the other tables reuse the registry\'s entries (sampleInit, meanField, ...)', () => {
    const byName = new Map(FIELDS.map((f) => [f.name, f]));
    const tables = { sampleFields: 10, meanFieldFields: 4, criticalWeightVarFields: 3, phaseDiagramFields: 2 };
    for (const [table, shared] of Object.entries(tables)) {
      const fields = raw[table]();
      const fromRegistry = fields.filter((f) => byName.has(f.name));
      assert.equal(fromRegistry.length, shared, table);
      for (const f of fromRegistry) assert.deepEqual(f, byName.get(f.name), `${table}: ${f.name}`);
      for (const f of fields) assert.ok(KINDS.includes(f.kind), `${table}: ${f.name} kind ${f.kind}`);
    }
  });
});

describe('createRun refuses each field\'s wrong type and out-of-range values, in the registry\'s words', () => {
  for (const field of FIELDS) {
    test(`${field.name} (${field.kind})`, () => {
      const bad = wrongType(field);
      assertRefused({ ...SMALL, [field.name]: bad }, field.name, bad, field.allowed);
      if (field.nullable) {
        const { viaEngine, viaModule } = refusals({ ...SMALL, [field.name]: null });
        assert.equal(viaEngine, null, `null is ${field.name}'s default`);
        assert.equal(viaModule, null, `null is ${field.name}'s default`);
      } else {
        assertRefused({ ...SMALL, [field.name]: null }, field.name, null, field.allowed);
      }
      for (const [value, name, shown, allowed] of outOfRange(field)) {
        assertRefused({ ...SMALL, [field.name]: value }, name, shown, allowed);
      }
      for (const word of field.words) {
        const { viaEngine, viaModule } = refusals({ ...SMALL, [field.name]: word });
        assert.equal(viaEngine, null, `${field.name} takes ${word}`);
        assert.equal(viaModule, null, `${field.name} takes ${word}`);
      }
    });
  }
});

// sampleInit and the theory functions read a part of the registry plus inputs of their own
// (fanIn, depth, nx, ...) the same way: a wrong type gets the table's own allowed text.
describe('sampleInit, meanField, criticalWeightVar, phaseDiagram refuse wrong types in their tables\' words', () => {
  const calls = {
    sampleFields: ['sampleInit', { init: 'he_normal', fanIn: 4, fanOut: 3 }],
    meanFieldFields: ['meanField', { activation: 'tanh', depth: 3 }],
    criticalWeightVarFields: ['criticalWeightVar', { activation: 'tanh' }],
    phaseDiagramFields: ['phaseDiagram', { activation: 'tanh', nx: 4, ny: 4 }],
  };
  for (const [table, [fn, base]] of Object.entries(calls)) {
    test(`${fn}: every field of ${table}`, () => {
      assert.ok(!(raw[fn](base) instanceof Error), `${fn}(${JSON.stringify(base)}) works`);
      for (const field of raw[table]()) {
        const bad = wrongType(field);
        const input = { ...base, [field.name]: bad };
        const expected = `invalid ${field.name} = ${formatValue(bad)}: expected ${field.allowed}`;
        assert.throws(() => engine[fn](input), { message: expected }, `engine.${fn}`);
        const r = raw[fn](input);
        assert.ok(r instanceof Error, `module.${fn}(${JSON.stringify(input)}) refused`);
        assert.equal(r.message, expected, `module.${fn}`);
      }
    });
  }
});
