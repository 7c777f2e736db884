// width-pool.js: the Width tab's Web Workers (width-worker.js, one engine each) and the scheduler
// of a coordinate check: the plan from one worker, then one task (parametrization, width, seed)
// per idle worker, then the slopes from all the tasks' numbers. Results are kept by task index,
// so which worker computed what never changes a byte of the files.
//
//   const pool = new WidthPool({ size: 2 });
//   const job = pool.run(spec, { onPlan, onProgress(done, total, task, result), onDone(result), onError });
//   job.cancel();    // no further tasks; the workers busy with this job are stopped at once
//   pool.dispose();
//
// result: { plan, size, change (Float64Array, every task end to end), slopes }, what
// coordcheck-doc.js turns into the CLI's JSON and CSV. Cancel terminates busy workers (a task is
// one call into the engine, which cannot stop halfway) and new ones start when needed, so a
// cancelled check leaves nothing running. `WidthPool.live` counts this page's workers.

import { rowsPerTask } from './coordcheck-doc.js';

const WORKER_URL = new URL('./width-worker.js', import.meta.url);

export class WidthPool {
  static live = 0;
  #size;
  #slots = [];      // [{ worker, ready: Promise, isReady, busy: null | { id, resolve, reject } }]
  #nextId = 1;
  #job = null;

  constructor({ size = 2 } = {}) {
    this.#size = Math.max(1, size);
  }

  get size() { return this.#size; }
  /** Workers alive now. */
  get started() { return this.#slots.length; }

  #spawn() {
    const worker = new Worker(WORKER_URL, { type: 'module' });
    WidthPool.live++;
    const slot = { worker, busy: null, isReady: false, ready: null };
    slot.ready = new Promise((resolve, reject) => {
      worker.onmessage = (event) => {
        const msg = event.data;
        if (msg.type === 'ready') {
          slot.isReady = true;
          resolve();
          return;
        }
        if (msg.type === 'fatal') {
          reject(new Error(msg.message));
          return;
        }
        const call = slot.busy;
        if (!call || call.id !== msg.id) return;
        slot.busy = null;
        if (msg.type === 'error') call.reject(new Error(msg.message));
        else call.resolve(msg);
      };
      worker.onerror = (e) => {
        e.preventDefault?.();
        const error = new Error(e.message || 'a width worker failed');
        if (!slot.isReady) reject(error);
        const call = slot.busy;
        slot.busy = null;
        call?.reject(error);
      };
    });
    slot.ready.catch(() => {});
    this.#slots.push(slot);
    return slot;
  }

  #kill(slot) {
    slot.dead = true;
    slot.worker.terminate();
    WidthPool.live--;
    this.#slots = this.#slots.filter((s) => s !== slot);
  }

  // One request to one worker, after the ones asked of it before; resolves with its reply.
  #ask(slot, message) {
    const call = (slot.chain ?? Promise.resolve()).then(() => new Promise((resolve, reject) => {
      if (slot.dead) {
        reject(new Error('cancelled'));
        return;
      }
      const id = this.#nextId++;
      slot.busy = { id, resolve, reject };
      slot.worker.postMessage({ ...message, id });
    }));
    slot.chain = call.catch(() => {});
    return call;
  }

  /** Starts a check; a running one is cancelled first. */
  run(spec, { onPlan = () => {}, onProgress = () => {}, onDone = () => {}, onError = () => {} } = {}) {
    if (this.#job) this.#job.cancel();
    const job = { cancelled: false, cancel: () => this.#cancel(job) };
    this.#job = job;
    this.#compute(job, spec, onPlan, onProgress).then((result) => {
      if (job.cancelled) return;
      this.#job = null;
      onDone(result);
    }, (e) => {
      if (job.cancelled) return;
      this.#cancel(job);
      onError(e);
    });
    return job;
  }

  async #compute(job, spec, onPlan, onProgress) {
    while (this.#slots.length < this.#size) this.#spawn();
    const first = this.#slots[0];
    await first.ready;
    if (job.cancelled) return null;
    const { plan } = await this.#ask(first, { type: 'plan', spec });
    if (job.cancelled) return null;
    onPlan(plan);
    const n = plan.tasks.length;
    const per = rowsPerTask(plan);
    const size = new Float64Array(n * per);
    const change = new Float64Array(n * per);
    let next = 0;
    let done = 0;
    onProgress(0, n);
    const feed = async (slot) => {
      await slot.ready;
      while (!job.cancelled && next < n) {
        const t = next++;
        const { result } = await this.#ask(slot, { type: 'task', spec, task: t });
        if (job.cancelled) return;
        size.set(result.size, t * per);
        change.set(result.change, t * per);
        onProgress(++done, n, t, result);
      }
    };
    // Workers killed by a cancel are replaced here, so the pool always has `size` of them.
    while (this.#slots.length < this.#size) this.#spawn();
    await Promise.all(this.#slots.slice(0, this.#size).map(feed));
    if (job.cancelled) return null;
    const { slopes } = await this.#ask(this.#slots[0], { type: 'slopes', spec, size, change });
    return { plan, size, change, slopes };
  }

  #cancel(job) {
    if (job.cancelled) return;
    job.cancelled = true;
    if (this.#job === job) this.#job = null;
    for (const slot of [...this.#slots]) {
      if (slot.busy) {
        const call = slot.busy;
        slot.busy = null;
        this.#kill(slot);
        call.reject(new Error('cancelled'));
      }
    }
  }

  /** engine.coordcheckDefaults() from a worker (for the command line), when none is busy. */
  async defaults() {
    if (!this.#slots.length) this.#spawn();
    const slot = this.#slots[0];
    await slot.ready;
    return (await this.#ask(slot, { type: 'defaults' })).defaults;
  }

  /** Whether a check is running. */
  get running() { return this.#job !== null; }

  dispose() {
    if (this.#job) this.#cancel(this.#job);
    for (const slot of [...this.#slots]) this.#kill(slot);
  }
}
