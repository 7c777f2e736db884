// tests/node/hostile-hash.test.mjs: hostile URL hashes through web/js/state/state.js, one table row per
// case with the exact notice it must give.
//
// A link is text anyone can write, and the page quotes it back in notices. So for every field:
// markup, a `javascript:` URL and an attribute breakout become a notice that quotes the value as
// inert text (shown with textContent by main.js) and the field falls back to its default; the
// state that comes out is valid, and the hash written back from it carries none of the payload.
// Also: unknown and prototype keys, repeated keys, a 1 MB hash, broken percent-encoding, and
// unicode (full-width digits, bidi overrides that would reorder the notice's text, emoji).
// browser/security.test.mjs loads the same payloads in Chromium and watches for script.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadEngine } from '../../web/js/engine/engine.js';
import { DEFAULTS, FIELDS, parseHash, toHash, validateState, engineCatalog } from '../../web/js/state/state.js';

// At the top: the tables quote the engine's id lists (theirs to grow; the wording is ours).
const catalog = engineCatalog(await loadEngine());
const INIT_IDS = catalog.initializers.map((i) => i.id).join(', ');

export const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '"><svg onload=alert(1)>',
  "'-alert(1)-'",
];

function hashOf(pairs) {
  return `#${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

function assertSafe(state, what) {
  assert.deepEqual(validateState(state, catalog), state, `${what}: the state is valid`);
  const back = decodeURIComponent(toHash(state));
  for (const bad of ['<', '>', 'javascript:', 'alert']) {
    assert.ok(!back.includes(bad), `${what}: the written hash carries ${bad}: ${back.slice(0, 80)}`);
  }
}

test('markup and javascript: in every field: a quoting notice, the default, a clean hash', () => {
  let checked = 0;
  for (const field of FIELDS) {
    for (const payload of PAYLOADS) {
      const { state, notices } = parseHash(hashOf([[field, payload]]), catalog);
      const what = `${field}=${payload}`;
      assert.equal(notices.length, 1, `${what}: ${notices.join(' | ')}`);
      const prefix = `invalid ${field} = ${JSON.stringify(payload)}: expected `;
      assert.ok(notices[0].startsWith(prefix), `${what}: ${notices[0]}`);
      assert.match(notices[0], / \(using [^<>]*\)$/, what);
      assert.deepEqual(state[field], DEFAULTS[field] === null ? null : validateState(DEFAULTS, catalog)[field], what);
      assertSafe(state, what);
      checked++;
    }
  }
  assert.equal(checked, FIELDS.length * PAYLOADS.length);
});

// [what, hash, exact notices, check of the state]
const HASHES = [
  ['a markup key', '#%3Cscript%3E=1', ['ignored unknown setting "<script>"']],
  ['__proto__', '#__proto__=1&__proto__[seed]=5', ['ignored unknown setting "__proto__"', 'ignored unknown setting "__proto__[seed]"'],
    (s) => assert.equal(s.seed, DEFAULTS.seed)],
  ['constructor and toString', '#constructor=x&toString=y&hasOwnProperty=z',
    ['ignored unknown setting "constructor"', 'ignored unknown setting "toString"', 'ignored unknown setting "hasOwnProperty"']],
  ['a repeated key', '#seed=1&seed=2&seed=3', ['ignored a repeated setting "seed"', 'ignored a repeated setting "seed"'],
    (s) => assert.equal(s.seed, 1)],
  ['a 1 MB hash', `#seed=7&x=${'a'.repeat(1 << 20)}`,
    ['the link\'s settings are too long (over 8192 characters) and were ignored'],
    (s) => assert.equal(s.seed, DEFAULTS.seed)],
  ['broken percent-encoding', '#seed=%E0%A4%A&dataset=%',
    [`invalid dataset = "%": expected one of ${catalog.datasets.map((d) => d.id).join(', ')} (using spiral)`,
      'invalid seed = "\ufffd%A": expected an integer in 0..4294967295 (using 42)']],
  ['full-width digits', '#hidden=%EF%BC%96%EF%BC%94x3',
    ['invalid hidden = "６４x3": expected "WIDTHxDEPTH" (e.g. 64x10) or a list of widths (e.g. 128,64,32), 1..200 layers (using 64x10)']],
  ['a bidi override', '#dataset=spiral%E2%80%AEevil',
    [`invalid dataset = "spiral\\u202eevil": expected one of ${catalog.datasets.map((d) => d.id).join(', ')} (using spiral)`]],
  ['C1 controls and NUL', '#activation=relu%C2%9B%00',
    ['invalid activation = "relu\\u009b\\u0000": expected one of relu, leaky_relu, tanh, sigmoid, linear, selu, gelu (using relu)']],
  ['an emoji', '#inits=he_normal,%F0%9F%92%A3',
    [`invalid inits = "💣": expected one of ${INIT_IDS} (using he_normal,xavier_normal,zeros)`]],
  ['a huge depth', '#hidden=64x999999', ['invalid hidden = 999999 layers: expected 1..200 hidden layers (using 64x10)']],
  ['NaN and Infinity', '#learningRate=NaN&noise=Infinity&seed=-0',
    ['invalid noise = "Infinity": expected a number in [0, 2] (using 0.05)', 'invalid learningRate = "NaN": expected a number in (0, 10] (using 0.05)'],
    (s) => assert.equal(Object.is(s.seed, -0) ? 'negative zero' : s.seed, 0)],
];

for (const [what, hash, notices, check] of HASHES) {
  test(`hash with ${what}: exact notices, a valid state`, () => {
    const { state, notices: got } = parseHash(hash, catalog);
    assert.deepEqual(got, notices);
    assertSafe(state, what);
    if (check) check(state);
  });
}
