// tests/node/imports.test.mjs: web/js's imports run one way. Every relative import (static, and
// dynamic with a literal path) of web/js/**/*.js must name a file that exists, and neither the
// modules nor the feature folders (app/, engine/, views/, ...) may import in a circle: a circle of
// folders means two features know each other, and the next move of a file breaks one of them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const JS = join(dirname(fileURLToPath(import.meta.url)), '../../web/js');

function modules() {
  const out = [];
  (function walk(dir) {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.js')) out.push(relative(JS, p).split('\\').join('/'));
    }
  })(JS);
  return out.sort();
}

// Relative imports of one module, as paths under web/js (vendor/ and ../ outside js/ excluded).
export function importsOf(key, source) {
  const specs = [
    ...source.matchAll(/^\s*import\s+(?:[\s\S]*?\s+from\s+)?'([^']+)'/gm),
    ...source.matchAll(/^\s*export\s+(?:\*|\{[^}]*\})\s+from\s+'([^']+)'/gm),
    ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]).filter((s) => s.startsWith('.'));
  return specs.map((s) => posix.normalize(posix.join(posix.dirname(key), s)))
    .filter((p) => !p.startsWith('..'));
}

export function findCycle(graph) {
  const state = new Map();   // node -> 1 visiting, 2 done
  const stack = [];
  const visit = (n) => {
    if (state.get(n) === 2) return null;
    if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

const folderOf = (key) => (key.includes('/') ? key.split('/')[0] : '(web/js)');

const graph = new Map();
const folders = new Map();
const missing = [];
for (const key of modules()) {
  const deps = importsOf(key, readFileSync(join(JS, key), 'utf8'));
  graph.set(key, deps);
  for (const d of deps) {
    if (!existsSync(join(JS, d))) missing.push(`${key} imports ${d}, which does not exist`);
    const [a, b] = [folderOf(key), folderOf(d)];
    if (a === b) continue;
    if (!folders.has(a)) folders.set(a, new Set());
    folders.get(a).add(b);
  }
}

test('the checker finds a circle when there is one (it can fail)', () => {
  assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.equal(findCycle(new Map([['a', ['b']], ['b', []], ['c', ['a', 'b']]])), null);
  assert.deepEqual(importsOf('app/x.js', "import { a } from '../engine/e.js';\nexport * from './y.js';\nawait import('../v/p.js');"),
    ['engine/e.js', 'app/y.js', 'v/p.js']);
});

test('web/js is grouped by feature: no module left loose beside the public entry js/embed.js', () => {
  const loose = [...graph.keys()].filter((k) => !k.includes('/'));
  assert.deepEqual(loose, ['embed.js'], `modules directly in web/js: ${loose.join(', ')}`);
  assert.ok(graph.size > 20, `only ${graph.size} modules found under ${JS}`);
});

test('every relative import of web/js names a file that exists', () => {
  assert.deepEqual(missing, []);
});

test('no module imports itself through others', () => {
  const c = findCycle(graph);
  assert.equal(c, null, c && `import circle: ${c.join(' -> ')}`);
});

test('no feature folder imports a folder that imports it back', () => {
  const g = new Map([...folders].map(([k, v]) => [k, [...v]]));
  const c = findCycle(g);
  assert.equal(c, null, c && `folder circle: ${c.join(' -> ')} (${[...folders].map(([k, v]) => `${k} -> ${[...v].join(',')}`).join('; ')})`);
});
