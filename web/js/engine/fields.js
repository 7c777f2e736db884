// fields.js: the core's registry of config fields (core/include/initscope/fields.hpp), as the
// JSON that engine.configFields() returns and scripts/build-web.mjs writes to dist/js/fields.json
// (and build/fields.json, for Node loading web/js from the repository):
//
//   { version: 1, fields: [{ name, flag, short, group, kind, ids, words, nullable, min, max,
//     minOpen, maxOpen, allowed, itemAllowed (intList), help, defaultNote, default, data, sweepable, perRun }, ...] }
//
// in Config order. Modules with no engine at hand (state.js, sweep-grid.js, embed.js, the
// controls) read a field's name, flag, kind, range, allowed text and default here, never from
// a copy of their own: a field added to core/src/fields.cpp reaches them all.
//
// Loaded once, before any importer runs (top-level await): the page and its workers fetch it
// beside this folder; Node reads the file. scripts/build-single.mjs puts the JSON in its place.

export const KINDS = Object.freeze(['integer', 'number', 'enum', 'intList', 'boolean']);

async function loadRegistry() {
  const deployed = new URL('../fields.json', import.meta.url);        // dist/js/fields.json
  if (deployed.protocol !== 'file:') {
    const response = await fetch(deployed);
    if (!response.ok) throw new Error(`initscope: cannot load ${deployed.href} (HTTP ${response.status}): the site is missing its field registry; rebuild it with \`node scripts/build-web.mjs\``);
    return response.json();
  }
  const { readFile } = await import('node:fs/promises');
  const tried = [];
  for (const url of [deployed, new URL('../../../build/fields.json', import.meta.url)]) {
    try {
      return JSON.parse(await readFile(url, 'utf8'));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
      tried.push(url.href);
    }
  }
  throw new Error(`initscope: cannot find the field registry; tried ${tried.join(', ')}. ` +
    'Write it with `node scripts/build-web.mjs` (after scripts/build-wasm.sh; npm test does both).');
}

/** Throws naming what is wrong when `json` is not the registry format this module reads. */
export function checkRegistry(json) {
  const bad = (what) => { throw new Error(`initscope: the field registry is not usable: ${what}`); };
  if (!json || json.version !== 1 || !Array.isArray(json.fields)) bad(`expected {"version":1,"fields":[...]}, got version ${json?.version}`);
  const names = new Set();
  for (const f of json.fields) {
    if (!f || typeof f.name !== 'string' || !f.name) bad('a field without a name');
    if (names.has(f.name)) bad(`the field ${f.name} twice`);
    names.add(f.name);
    if (!KINDS.includes(f.kind)) bad(`field ${f.name} has kind ${JSON.stringify(f.kind)}, expected one of ${KINDS.join(', ')}`);
    if (typeof f.flag !== 'string' || !f.flag) bad(`field ${f.name} has no flag`);
    if (typeof f.allowed !== 'string' || !f.allowed) bad(`field ${f.name} has no allowed text`);
    if (f.kind === 'intList' && (typeof f.itemAllowed !== 'string' || !f.itemAllowed)) bad(`list field ${f.name} has no itemAllowed text`);
    if (f.kind === 'enum' && !(Array.isArray(f.ids) && f.ids.length)) bad(`enum field ${f.name} has no ids`);
  }
  return json;
}

export const REGISTRY = Object.freeze(checkRegistry(await loadRegistry()));
/** Every config field, in Config order. */
export const CONFIG_FIELDS = Object.freeze(REGISTRY.fields.map((f) => Object.freeze(f)));
const BY_NAME = new Map(CONFIG_FIELDS.map((f) => [f.name, f]));

/** The field called `name` (its public camelCase name), or undefined. */
export const configField = (name) => BY_NAME.get(name);

/** The core's default of every field: { name: default } (gain's null = the initializer's own). */
export function coreDefaults() {
  return Object.fromEntries(CONFIG_FIELDS.map((f) => [f.name, Array.isArray(f.default) ? f.default.slice() : f.default]));
}

/** Whether a number is inside the field's range (its open and closed ends). */
export function inRange(f, v) {
  return Number.isFinite(v) && (f.minOpen ? v > f.min : v >= f.min) && (f.maxOpen ? v < f.max : v <= f.max);
}
