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

// The value as error messages show it: JSON-ish, strings quoted, numbers as JS prints them.
export function formatValue(value) {
  switch (typeof value) {
    case 'string': return JSON.stringify(value);
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
  return text;
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
  switch (kind) {
    case 'int':
      checkInt(name, value, field.min, field.max, allowed);
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw configError(name, value, allowed);
      return;
    case 'enum':
      if (typeof value !== 'string' || !field.ids.includes(value)) throw configError(name, value, allowed);
      return;
    case 'gain':
      if (value === null || value === 'auto') return;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw configError(name, value, allowed);
      return;
    case 'hidden': {
      if (!isList(value)) throw configError(name, value, allowed);
      for (let i = 0; i < value.length; i++) checkInt(`${name}[${i}]`, value[i], field.min, field.max);
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
