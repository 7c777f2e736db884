// validate.js: the JS-side type checks of engine input, before anything reaches Embind.
//
// Why here: Embind converts silently (NaN -> 0, 1.5 -> 1, "64" -> 64 for an int), and only JS can
// spell out every value (objects, arrays, symbols) without calling back into user code from C++.
// What: types, finiteness, integrality, enum ids and unknown fields, checked against the field
// table the wasm module exports (engine.configFields()), so names and "expected ..." texts are
// the core's. Ranges that depend on other fields (batchSize <= training samples, the parameter
// cap) are left to the core's validate(), whose messages have the same format:
//   invalid <field> = <value>: expected <allowed>

const MAX_SHOWN = 80;  // characters of a formatted array or object before it is cut

// JSON.stringify escapes the C0 controls; DEL, the C1 controls and the bidi formatting characters
// would still act on the message they are shown in (U+202E reverses the text after it), so they
// are escaped as well, like the core's quote().
const INVISIBLE = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export function escapeInvisible(text) {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// The value as error messages show it: JSON-ish, strings quoted, numbers as JS prints them.
export function formatValue(value) {
  switch (typeof value) {
    case 'string': return escapeInvisible(JSON.stringify(value));
    case 'number':
    case 'boolean': return String(value);
    case 'bigint': return `${value}n`;
    case 'undefined': return 'undefined';
    case 'symbol': return value.toString();
    case 'function': return 'a function';
    default: break;
  }
  if (value === null) return 'null';
  let text;
  try {
    text = ArrayBuffer.isView(value) && !(value instanceof DataView)
      ? `${value.constructor.name} ${JSON.stringify(Array.from(value, Number))}`
      : JSON.stringify(value);
  } catch {
    text = undefined;  // cyclic, BigInt inside, a throwing getter...
  }
  if (text === undefined) return Object.prototype.toString.call(value);
  if (text.length > MAX_SHOWN) {
    const size = Array.isArray(value) || ArrayBuffer.isView(value) ? ` (${value.length} items)` : '';
    text = `${text.slice(0, MAX_SHOWN)}...${size}`;
  }
  return escapeInvisible(text);
}

export function configError(field, value, allowed) {
  return new Error(`invalid ${field} = ${formatValue(value)}: expected ${allowed}`);
}

function intRange(lo, hi) {
  return `an integer in ${lo}..${hi}`;
}

// Throws unless value is an integer in [lo, hi] (the core's wording for integer fields).
export function checkInt(field, value, lo, hi, allowed = intRange(lo, hi)) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw configError(field, value, allowed);
  }
  return value;
}

function isList(value) {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function checkField(field, value) {
  const { name, kind, allowed } = field;
  if (value === null && field.nullable) return;  // null = the default behaviour (gain)
  switch (kind) {
    case 'integer':
      checkInt(name, value, field.min, field.max, allowed);
      return;
    case 'number':
      if (field.words.includes(value)) return;  // "auto"
      if (typeof value !== 'number' || !Number.isFinite(value)) throw configError(name, value, allowed);
      return;
    case 'enum':
      if (typeof value !== 'string' || !field.ids.includes(value)) throw configError(name, value, allowed);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw configError(name, value, allowed);
      return;
    case 'intList': {
      if (!isList(value)) throw configError(name, value, allowed);
      for (let i = 0; i < value.length; i++) checkInt(`${name}[${i}]`, value[i], field.min, field.max, field.itemAllowed);
      return;  // the number of layers is the core's to judge (its own message)
    }
    default:
      throw new Error(`validate.js: unknown field kind ${kind} for ${name}`);
  }
}

// The known field closest to an unknown one, ignoring case and separators.
function suggestion(key, names) {
  const squash = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const match = names.find((n) => squash(n) === squash(key));
  return match ? ` (did you mean ${match}?)` : '';
}

// The caller's object read exactly once, own enumerable keys only, into a null-prototype copy
// that both the checks below and the wasm module then read. Why: a getter could show the checks
// one value and C++ another (NaN after 0.1), a getter or Proxy trap that throws inside C++ would
// unwind through C++ frames (skipping their destructors), and a polluted Object.prototype must
// not reach the core as a field. A `hidden` list is copied element by element (each read once),
// stopping at the first bad width, so a sparse array of 2^31 slots is refused at slot 0.
export function snapshotFields(object, fields, what) {
  if (object === undefined) return undefined;
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw configError(what, object, 'an object');
  }
  let keys;
  try {
    keys = Object.keys(object);
  } catch (e) {
    throw new Error(`invalid ${what} = an object whose keys cannot be read (${reason(e)}): ` +
      'expected a plain object');
  }
  const out = Object.create(null);
  for (const key of keys) {
    const field = fields.find((f) => f.name === key);
    let value;
    try {
      value = object[key];
    } catch (e) {
      const allowed = field ? field.allowed : `a known ${what} field`;
      throw new Error(`invalid ${key} = a getter that threw (${reason(e)}): expected ${allowed}`);
    }
    if (field && field.kind === 'intList' && isList(value)) value = copyWidths(field, value);
    out[key] = value;
  }
  return out;
}

function reason(e) {
  try {
    return String(e && e.message !== undefined ? e.message : e).slice(0, MAX_SHOWN);
  } catch {
    return 'unprintable';
  }
}

function copyWidths(field, list) {
  const out = [];
  for (let i = 0; i < list.length; i++) {
    let w;
    try {
      w = list[i];
    } catch (e) {
      throw new Error(`invalid ${field.name}[${i}] = a getter that threw (${reason(e)}): ` +
        `expected ${field.itemAllowed}`);
    }
    out.push(checkInt(`${field.name}[${i}]`, w, field.min, field.max, field.itemAllowed));
  }
  return out;
}

// Checks a createRun config or sampleInit options object against a field table from the module.
// undefined means "all defaults". Throws an Error naming the field and its value.
export function checkFields(object, fields, what) {
  if (object === undefined) return;
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw configError(what, object, 'an object');
  }
  const names = fields.map((f) => f.name);
  const unknown = Object.keys(object).filter((k) => !names.includes(k));
  if (unknown.length > 0) {
    const key = unknown[0];
    const others = unknown.length > 1 ? `; also unknown: ${unknown.slice(1).join(', ')}` : '';
    throw configError(key, object[key],
      `a known ${what} field, one of ${names.join(', ')}${suggestion(key, names)}${others}`);
  }
  for (const field of fields) {
    const value = object[field.name];
    if (value !== undefined) checkField(field, value);
  }
}
