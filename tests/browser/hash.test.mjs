// The page's state rules without a browser (web/js/state/state.js, presets.js) against the real
// engine: every preset and the default survive a hash round trip; the page refuses exactly the
// configs the engine refuses, naming the same field; hostile hash text only produces notices.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../../web/js/engine/engine.js';
import {
  DEFAULTS, StateError, VIEW_PARTS, parseHash, toHash, validateState, runConfig, engineCatalog,
} from '../../web/js/state/state.js';
import { pagePresets } from '../../web/js/state/presets.js';

let engine;
let catalog;

before(async () => {
  engine = await loadEngine();
  // mup_transfer trains on Fashion-MNIST: its file, as the page fetches it (npm test prepares it).
  await engine.loadDataset('fashion_mnist', { bytes: readFileSync(fileURLToPath(new URL('../../build/data/fashion-mnist.bin', import.meta.url))) });
  catalog = engineCatalog(engine);   // what worker.js sends the page
  catalog.pagePresets = pagePresets(catalog);   // what main.js adds
});

test('the default and every preset survive the hash round trip, and the engine accepts them', () => {
  const states = [DEFAULTS, ...catalog.pagePresets.filter((p) => p.state).map((p) => p.state)];
  for (const raw of states) {
    const state = validateState(raw, catalog);
    const { state: back, notices } = parseHash(toHash(state), catalog);
    assert.deepEqual(notices, []);
    assert.deepEqual(back, state);
    state.inits.forEach((init, i) => engine.createRun(runConfig(state, init, i)).dispose());
  }
});

test('a page preset builds exactly the runs the core preset describes (one source of truth)', () => {
  const core = engine.presets();
  assert.ok(core.length >= 9);
  for (const p of catalog.pagePresets) {
    const c = core.find((x) => x.id === p.id);
    assert.ok(p.state, `${p.id} loads on the page (${p.unsupported})`);
    const state = validateState(p.state, catalog);
    assert.equal(state.inits.length, c.runs.length, p.id);
    state.inits.forEach((init, i) => {
      const run = engine.createRun(runConfig(state, init, i));
      const expected = engine.createRun(c.runs[i]);
      assert.deepEqual(run.config, expected.config, `${p.id} run ${i}`);
      run.dispose();
      expected.dispose();
    });
  }
  // The default experiment is the `default` preset.
  const def = catalog.pagePresets.find((p) => p.id === 'default');
  assert.deepEqual(validateState(def.state, catalog), validateState(DEFAULTS, catalog));
});

test('#preset=ID loads a preset and later keys override it; an unknown id is a notice', () => {
  const { state, notices } = parseHash('#preset=he2015&seed=7', catalog);
  assert.deepEqual(notices, []);
  assert.deepEqual(state.inits, ['he_normal', 'lecun_normal']);
  assert.equal(state.hidden.length, 30);
  assert.equal(state.seed, 7);
  const bad = parseHash('#preset=nope', catalog);
  assert.match(bad.notices.join('\n'), /invalid preset = "nope": expected one of symmetry, default/);
  assert.deepEqual(bad.state, validateState(DEFAULTS, catalog));
});

// One field changed at a time, to values on both sides of each rule.
const CASES = {
  samples: [9, 10, 20000, 20001],
  noise: [-0.1, 0, 2, 2.01],
  testFraction: [0, 0.9, 0.91],
  seed: [0, 4294967295],
  leakySlope: [-0.01, 0, 1, 1.5],
  learningRate: [0, 1e-9, 10, 10.5],
  momentum: [0, 0.999, 1],
  batchSize: [0, 500, 501],
  hidden: [[1], Array(200).fill(8), Array(201).fill(8), [2048, 2048], [2049], [0], Array(10).fill(1024)],
  gain: ['auto', 0, 100, 101],
  classes: [0, 1, 2, 10, 11],
  inputDim: [0, 2, 3],
};

test('the page refuses exactly what the engine refuses, and names the same field', () => {
  let checked = 0;
  for (const [field, values] of Object.entries(CASES)) {
    for (const value of values) {
      for (const extra of [{}, { dataset: 'gaussian_nd' }, { activation: 'gelu' }]) {
        const raw = { ...DEFAULTS, ...extra, [field]: value };
        let pageError = null;
        let state = null;
        try {
          state = validateState(raw, catalog);
        } catch (e) {
          if (!(e instanceof StateError)) throw e;
          pageError = e;
        }
        let engineError = null;
        try {
          const config = state ? runConfig(state, 'he_normal') : runConfig({ ...raw, gain: raw.gain }, 'he_normal');
          engine.createRun(config).dispose();
        } catch (e) {
          engineError = e;
        }
        const what = `${field} = ${JSON.stringify(value).slice(0, 40)} with ${JSON.stringify(extra)}`;
        assert.equal(!!pageError, !!engineError, `${what}: page ${pageError?.message} / engine ${engineError?.message}`);
        if (pageError) {
          const fieldOf = (m) => /^invalid ([\w[\]]+)/.exec(m)?.[1].replace(/\[\d+\]$/, '');
          assert.equal(fieldOf(pageError.message), fieldOf(engineError.message), what);
        }
        checked++;
      }
    }
  }
  assert.ok(checked > 100);
});

test('hostile hash text gives notices and a valid state, never a throw', () => {
  const hostile = [
    '#%E0%A4%A', '#inits=', '#inits=he_normal,he_normal', '#inits=a,b,c,d,e',
    '#hidden=64x99999999999', '#hidden=1,2,,3', '#hidden=-5', '#seed=1.5', '#seed=0x10',
    '#learningRate=1e999', '#__proto__=1', '#constructor=x&toString=y', '#embed=all&embed=loss',
    `#${'a'.repeat(9000)}`, '#speed=7', '#hist=9', '#logY=true',
  ];
  for (const h of hostile) {
    const { state, notices } = parseHash(h, catalog);
    assert.ok(notices.length > 0, `${h.slice(0, 40)} gives a notice`);
    assert.deepEqual(validateState(state, catalog), state, `${h.slice(0, 40)} gives a valid state`);
    for (const n of notices) assert.equal(typeof n, 'string');
  }
  // every view part: the six of the Training tab and the three of the Theory tab
  assert.deepEqual(parseHash('#embed=all', catalog).state.embed, VIEW_PARTS.slice());
  assert.equal(VIEW_PARTS.length, 9);
});
