// sweep-worker.js: one member of the sweep's worker pool (sweep-pool.js). It owns its own
// engine and computes one cell at a time; runs live only while their cell is computed.
//
// Messages in:  cell {id, config, steps} | cancel {id} | memory | theory {query}
// Messages out: ready | fatal {message} | result {id, result} | cancelled {id}
//               | error {id, message} | memory {memory} | theory {theory}

import { loadEngine } from '../engine/engine.js';
import { evaluateCell } from './sweep-cell.js';

let engine = null;
let current = null;            // the id of the cell being computed
let cancelled = false;          // set by `cancel` for that cell

// Lets a `cancel` message in between two chunks of a cell. A MessageChannel task, not
// setTimeout(0): nested timers are clamped to 4 ms after five levels, and a 300-update cell
// yields 12 times, which cost 30-50 ms a cell (as long as the cell's training on spiral).
// One cell runs at a time, so at most one yield is pending.
const channel = new MessageChannel();
let wake = null;
channel.port1.onmessage = () => wake();
const yieldToMessages = () => new Promise((resolve) => {
  wake = resolve;
  channel.port2.postMessage(0);
});

async function cell({ id, config, steps }) {
  current = id;
  cancelled = false;
  const between = async () => {
    await yieldToMessages();
    return cancelled;
  };
  try {
    const result = await evaluateCell(engine, config, steps, between);
    postMessage(result ? { type: 'result', id, result } : { type: 'cancelled', id });
  } catch (e) {
    postMessage({ type: 'error', id, message: String(e && e.message ? e.message : e) });
  } finally {
    current = null;
  }
}

// The mean-field overlay of a weightVar x depth sweep (Schoenholz et al. 2017), one number per
// message so the page can draw it as it comes: `what: 'critical'` the weightVar where chi_1 = 1,
// `what: 'xiC'` the correlation depth scale at `weightVar`. { value } (null when not finite or
// refused), or null when the engine has no theory module (engine.meanField / criticalWeightVar).
function theory({ what, activation, leakySlope, biasVar, weightVar }) {
  if (typeof engine.meanField !== 'function' || typeof engine.criticalWeightVar !== 'function') return null;
  let value = null;
  try {
    value = what === 'critical'
      ? engine.criticalWeightVar({ activation, leakySlope, biasVar })
      : engine.meanField({ activation, leakySlope, weightVar, biasVar, depth: 1, q0: 1, c0: 0.5 }).xiC;
  } catch {
    value = null;
  }
  return { value: Number.isFinite(value) ? value : null };
}

self.onmessage = (event) => {
  const msg = event.data;
  if (!msg || !engine) return;
  if (msg.type === 'cell') cell(msg);
  else if (msg.type === 'cancel' && msg.id === current) cancelled = true;
  else if (msg.type === 'memory') postMessage({ type: 'memory', memory: engine.memory() });
  else if (msg.type === 'theory') postMessage({ type: 'theory', theory: theory(msg.query) });
};

loadEngine().then((e) => {
  engine = e;
  postMessage({ type: 'ready' });
}, (e) => postMessage({ type: 'fatal', message: `the engine did not load: ${e && e.message ? e.message : e}` }));
