// width-worker.js: one member of the Width tab's worker pool (width-pool.js), with its own
// engine. It answers one message at a time: the plan of a coordinate check, one of its tasks
// (a parametrization, width and seed), or the fitted slopes once every task is in.
//
// Messages in:  defaults {id} | plan {id, spec} | task {id, spec, task} | slopes {id, spec, size, change}
// Messages out: ready | fatal {message} | defaults {id, defaults} | plan {id, plan} | task {id, result}
//               | slopes {id, slopes} | error {id, message}

import { loadEngine } from '../engine/engine.js';

let engine = null;

const handlers = {
  defaults: () => ({ defaults: engine.coordcheckDefaults() }),
  plan: (msg) => ({ plan: engine.coordcheckPlan(msg.spec) }),
  task: (msg) => ({ result: engine.coordcheckTask(msg.spec, msg.task) }),
  slopes: (msg) => ({ slopes: engine.coordcheckSlopes(msg.spec, msg.size, msg.change) }),
};

self.onmessage = (event) => {
  const msg = event.data;
  const handler = msg && engine && handlers[msg.type];
  if (!handler) return;
  try {
    const reply = handler(msg);
    const transfer = reply.result ? [reply.result.size.buffer, reply.result.change.buffer] : [];
    postMessage({ type: msg.type, id: msg.id, ...reply }, transfer);
  } catch (e) {
    postMessage({ type: 'error', id: msg.id, message: String(e && e.message ? e.message : e) });
  }
};

loadEngine().then((e) => {
  engine = e;
  postMessage({ type: 'ready' });
}, (e) => postMessage({ type: 'fatal', message: `the engine did not load: ${e && e.message ? e.message : e}` }));
