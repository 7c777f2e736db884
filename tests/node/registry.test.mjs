// tests/node/registry.test.mjs: walks the core's field registry (engine/fields.js, the JSON of
// core/include/initscope/fields.hpp) and checks that every entry point knows every field:
//   the CLI (`initscope run --<flag>` refuses a bad value naming the field),
//   the JS API (engine.createRun({ [name]: bad }) throws naming it),
//   the URL hash (state.js's parser validates the key instead of ignoring it as unknown),
//   <initscope-lab> (the field's attribute is observed),
//   sweeps (a sweepable field is an axis of `initscope sweep` and of the page's sweep grid; the
//     others are refused as axes by both),
// and that a value of the wrong kind gets the same message from the CLI, the JS API and state.js
// (the registry's `allowed`). A field missing anywhere fails its test, by name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bin, loadEngine } from './helpers.mjs';
import { CONFIG_FIELDS } from '../../web/js/engine/fields.js';
import { DEFAULTS, FIELDS, engineCatalog, parseHash, stateKey, validateField, validateState } from '../../web/js/state/state.js';
import { OBSERVED_ATTRIBUTES } from '../../web/js/embed/embed.js';
import { NUMERIC_FIELDS, CATEGORICAL_FIELDS, parseAxis } from '../../web/js/sweep/sweep-grid.js';

const engine = await loadEngine();
const catalog = engineCatalog(engine);
// One run, so a per-run field's message is the registry's alone (no "or a list of N").
const base = validateState({ ...DEFAULTS, inits: ['mean_field'] }, catalog);

// A value of the wrong kind for the field: refused by its registry entry in every entry point
// before any rule across fields can speak. (hidden: a width below the range, as the JS API
// takes arrays and the CLI and the hash have their own WIDTHxDEPTH syntax.)
function badValue(f) {
  if (f.kind === 'enum') return 'nope';
  if (f.kind === 'intList') return [f.min - 1];
  if (f.kind === 'boolean') return 'maybe';
  return 'abc';
}
// A valid value, to sweep over.
function goodValue(f) {
  // residualScale's default is a word ("one"); a sweep axis of a number field takes numbers.
  if (f.kind === 'number' && typeof f.default === 'string') return Math.max(f.min, Math.min(f.max, 1));
  if (f.default !== null && f.default !== undefined) return f.default;
  return f.kind === 'number' ? Math.max(f.min, Math.min(f.max, 1)) : f.ids?.[0];
}
const text = (v) => (Array.isArray(v) ? v.join(',') : String(v));
// `invalid <field> = <value>: expected <allowed>` out of a message (the CLI adds a prefix and,
// for some flags, " (flag --x)").
function coreMessage(message) {
  const m = /invalid (.+?) = (.+?): expected (.+?)(?: \(flag --[\w-]+\))?$/m.exec(message ?? '');
  return m ? `invalid ${m[1]} = ${m[2]}: expected ${m[3]}` : null;
}
const names = (f, message) => new RegExp(`^invalid ${f.name}(\\[\\d+\\])? = `).test(message ?? '');

function cliRun(...args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message} (build it with scripts/build-native.sh)`);
  return r;
}

// What each entry point says about the field's bad value ({ cli, js, state }: a message or null
// when it took the value) and whether it knows the field at all: the checks a test then asserts.
function walk(f) {
  const bad = badValue(f);
  const key = stateKey(f);
  const r = cliRun('run', `--${f.flag}`, text(bad), '--steps', '0');
  const cli = r.status === 0 ? null : coreMessage(r.stderr);
  let js = null;
  try {
    engine.createRun({ [f.name]: bad }).dispose();
  } catch (e) {
    js = coreMessage(e.message) ?? e.message;
  }
  let state = null;
  try {
    validateField(key, f.perRun && f.kind === 'enum' ? [bad] : bad, base, catalog);
  } catch (e) {
    state = e.message;
  }
  const hash = parseHash(`#${encodeURIComponent(key)}=${encodeURIComponent(text(bad))}`, catalog).notices;
  return { bad, key, cli, js, state, hash };
}

test('the registry is the one the engine reports, in Config order, with the core defaults', () => {
  assert.ok(CONFIG_FIELDS.length >= 25, `${CONFIG_FIELDS.length} fields`);
  assert.deepEqual(CONFIG_FIELDS.map((f) => f.name), Object.keys(engine.defaultConfig()),
    'the registry lists exactly the fields of the engine\'s Config, in its order');
  const defaults = engine.defaultConfig();
  for (const f of CONFIG_FIELDS) assert.deepEqual(f.default, defaults[f.name], `${f.name}: registry default vs engine.defaultConfig()`);
});

test('the walk can fail: a field the entry points do not know is caught by every check', () => {
  const ghost = { name: 'notAField', flag: 'not-a-field', kind: 'number', ids: [], words: [], min: 0, max: 1,
    minOpen: false, maxOpen: false, allowed: 'a number in [0, 1]', perRun: false, sweepable: true, default: 0.5 };
  const r = cliRun('run', `--${ghost.flag}`, 'abc', '--steps', '0');
  assert.ok(!names(ghost, coreMessage(r.stderr)), 'the CLI does not name a field it does not have');
  assert.ok(!FIELDS.includes(ghost.name), 'state.js has no such key');
  assert.deepEqual(parseHash('#notAField=abc', catalog).notices, ['ignored unknown setting "notAField"']);
  assert.ok(!OBSERVED_ATTRIBUTES.includes('not-a-field'));
  assert.ok(![...NUMERIC_FIELDS, ...CATEGORICAL_FIELDS].includes(ghost.name));
  assert.throws(() => parseAxis('notAField=1'), /invalid axis field = "notAField"/);
  assert.notEqual(coreMessage('initscope: invalid x = 1: expected y (flag --x)'), coreMessage('invalid x = 1: expected z'));
});

for (const f of CONFIG_FIELDS) {
  test(`registry field ${f.name} (--${f.flag}, ${f.kind}): known to the CLI, the JS API, the hash, the element and sweeps, with one message`, () => {
    const w = walk(f);
    if (f.kind === 'boolean') {
      // The CLI spells a boolean as a switch (given: true), so it has no bad value to refuse:
      // it must take the switch, and list it in --help.
      const on = cliRun('run', `--${f.flag}`, '--steps', '0');
      assert.equal(on.status, 0, `initscope run --${f.flag}: ${on.stderr}`);
      assert.match(cliRun('run', '--help').stdout, new RegExp(`--${f.flag}\\b`), `initscope run --help lists --${f.flag}`);
      w.cli = `invalid ${f.name} = ${JSON.stringify(w.bad)}: expected ${f.allowed}`;  // the registry's words
    } else if (f.kind === 'intList') {
      // The native CLI checks widths against its own, larger caps (core SizeCaps) and says so;
      // the page's words are the registry's itemAllowed. The rest of the message is the same.
      assert.match(w.cli ?? '', /: expected an integer in 1\.\.\d+ \(the native CLI's caps; the page's are width \d+ and \d+ parameters\)$/,
        `the CLI names its own caps for ${f.name}, said: ${w.cli}`);
      w.cli = w.cli.replace(/: expected .*$/, `: expected ${f.itemAllowed}`);
    } else if (f.nullable && f.kind === 'number') {
      // The CLI's word for null (the default behaviour) is "default": it lists it beside the
      // registry's words (core/cli/common.cpp field_flag); the JS API and the hash take null.
      const cliAllowed = `${f.allowed.slice(0, f.allowed.indexOf(' or '))}, ${f.words.join(', ')} or default`;
      assert.equal(w.cli, `invalid ${f.name} = ${JSON.stringify(w.bad)}: expected ${cliAllowed}`);
      w.cli = `invalid ${f.name} = ${JSON.stringify(w.bad)}: expected ${f.allowed}`;
    }
    assert.ok(names(f, w.cli), `the CLI: \`initscope run --${f.flag} ${text(w.bad)}\` should refuse it naming ${f.name}, said: ${w.cli}`);
    assert.ok(names(f, w.js), `the JS API: createRun({ ${f.name}: ${JSON.stringify(w.bad)} }) should throw naming ${f.name}, threw: ${w.js}`);
    assert.ok(FIELDS.includes(w.key), `state.js has no hash key ${w.key} for ${f.name}`);
    assert.equal(w.hash.length, 1, `#${w.key}=${text(w.bad)}: ${w.hash.join(' | ')}`);
    assert.match(w.hash[0], new RegExp(`^invalid ${w.key}(\\[\\d+\\])? = `), `state.js's parser should read and refuse #${w.key}=${text(w.bad)}`);
    assert.ok(OBSERVED_ATTRIBUTES.includes(w.key.toLowerCase()) &&
      OBSERVED_ATTRIBUTES.includes(w.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)),
      `<initscope-lab> should observe the attribute ${w.key} (and its kebab-case form)`);

    // One message: the page's state keeps `init` as `inits` (its compared runs), named so.
    const stateAsCore = w.state?.replace(new RegExp(`^invalid ${w.key}`), `invalid ${f.name}`);
    assert.equal(w.js, w.cli, `${f.name}: the JS API and the CLI word the same bad value differently`);
    assert.equal(stateAsCore, w.cli, `${f.name}: state.js and the CLI word the same bad value differently`);

    const axes = [...NUMERIC_FIELDS, ...CATEGORICAL_FIELDS];
    const spec = `${f.name}=${text(goodValue(f))}`;
    const r = cliRun('sweep', '--x', spec, '--steps', '0', '--samples', '100', '--hidden', '4');
    if (f.sweepable) {
      assert.ok(axes.includes(f.name), `the page's sweep grid has no axis ${f.name}`);
      assert.equal(parseAxis(spec).field, f.name);
      assert.equal(r.status, 0, `initscope sweep --x ${spec}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout).axes.map((a) => a.field), [f.name]);
    } else {
      assert.ok(!axes.includes(f.name), `${f.name} is not sweepable, yet the page offers it as an axis`);
      assert.notEqual(r.status, 0, `initscope sweep --x ${spec} should refuse a field that is not sweepable`);
      assert.match(r.stderr, /invalid --x field/);
    }
  });
}

test('an out-of-range value is refused by every entry point, naming the field', () => {
  for (const f of CONFIG_FIELDS.filter((g) => (g.kind === 'number' || g.kind === 'integer') && Number.isFinite(g.max))) {
    const bad = f.max + 1;
    assert.throws(() => engine.createRun({ [f.name]: bad }), (e) => names(f, e.message), `createRun ${f.name} = ${bad}`);
    assert.throws(() => validateField(stateKey(f), bad, base, catalog), (e) => e.message.startsWith(`invalid ${stateKey(f)} = ${bad}: expected`), `state.js ${f.name} = ${bad}`);
    assert.ok(names(f, coreMessage(cliRun('run', `--${f.flag}`, String(bad), '--steps', '0').stderr)), `initscope run --${f.flag} ${bad}`);
  }
});

// Two valid, different values of a per-run field (to give two runs of one initializer each).
function twoValues(f) {
  if (f.kind === 'enum') return f.ids.slice(0, 2);
  if (f.words.length >= 2) return f.words.slice(0, 2);
  return [1, 2];
}
const PER_RUN = CONFIG_FIELDS.filter((f) => f.perRun && f.name !== 'init');

test('every per-run field takes one value per run in the CLI and the hash, and refuses a wrong count', () => {
  assert.ok(PER_RUN.length >= 7, 'weightVar, biasVar, parametrization, residualScale, residualGate, norm, normPosition');
  for (const f of PER_RUN) {
    const [a, b] = twoValues(f);
    // The hash: two runs of one initializer that differ in this field are two runs.
    const init = f.name === 'weightVar' || f.name === 'biasVar' ? 'mean_field' : 'he_normal';
    // (residual blocks, so that a gate or a norm position is a real difference)
    const { state, notices } = parseHash(`#inits=${init},${init}&architecture=residual&${f.name}=${a},${b}`, catalog);
    assert.deepEqual(notices, [], `${f.name}=${a},${b}`);
    assert.deepEqual(state.inits, [init, init], f.name);
    assert.deepEqual(state[f.name], [a, b], f.name);
    // Three values for two runs: the field named, the count allowed.
    assert.throws(() => validateState({ ...state, [f.name]: [a, b, a] }, catalog),
      (e) => e.message.startsWith(`invalid ${f.name} = `) && /one per run/.test(e.message), `${f.name} x3`);
    // The CLI: the list gives run i its value (JSON config: a list), a wrong count is refused.
    const r = cliRun('run', '--init', `${init},${init}`, '--architecture', 'residual', `--${f.flag}`, `${a},${b}`,
      '--steps', '0', '--hidden', '8x2');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).config[f.name], [a, b], `run --${f.flag} ${a},${b}`);
    const bad = cliRun('run', '--init', `${init},${init}`, `--${f.flag}`, `${a},${b},${a}`, '--steps', '0');
    assert.equal(bad.status, 2, `run --${f.flag} ${a},${b},${a}`);
    assert.match(bad.stderr, /invalid init = a list of 2: expected one value, or one per run \(3\)/);
  }
});

test('the same run twice is refused by a control and dropped from a link, with a notice', () => {
  const twice = { ...DEFAULTS, inits: ['he_normal', 'he_normal'] };
  assert.throws(() => validateState(twice, catalog), /invalid inits = "he_normal,he_normal": expected runs that differ/);
  // weightVar is mean_field's only: two He runs do not differ by it.
  assert.throws(() => validateState({ ...twice, weightVar: [1, 2] }, catalog), /expected runs that differ/);
  assert.deepEqual(validateState({ ...twice, normPosition: ['pre', 'post'] }, catalog).normPosition, ['pre', 'post']);
  const { state, notices } = parseHash('#inits=he_normal,xavier_normal,he_normal&norm=layer,batch,layer', catalog);
  assert.deepEqual(state.inits, ['he_normal', 'xavier_normal']);
  assert.deepEqual(state.norm, ['layer', 'batch']);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /runs that differ.*\(dropping run 3\)/);
});

test('sweep --help lists every sweepable field as an axis (read off the registry, never stale)', () => {
  const r = cliRun('sweep', '--help');
  assert.equal(r.status, 0, r.stderr);
  const axes = r.stdout.slice(r.stdout.indexOf('Numeric axes:'), r.stdout.indexOf('Seed index'));
  const listed = new Set(axes.replace(/Numeric axes:|Lists only:/g, '').split(/[\s,.]+/).filter(Boolean));
  const want = new Set(['depth', 'width', ...CONFIG_FIELDS.filter((f) => f.sweepable).map((f) => f.name)]);
  assert.deepEqual([...listed].sort(), [...want].sort());
});
