// sweep-pool.js: the sweep's Web Workers (sweep-worker.js), one engine each, and the scheduler
// that hands them cells. Tasks go out in the order given (coarse to fine), one per idle worker;
// each result is reported with its task index, so where a cell was computed never matters.
//
//   const pool = new SweepPool({ size: 2 });
//   const job = pool.start({ tasks, taskConfig: (t) => config, steps, onResult, onDone, onError });
//   job.cancel();        // stops handing out tasks and abandons the cells being computed
//   pool.dispose();      // terminates the workers
//
// The workers outlive a sweep (loading the engine costs more than a small cell): cancelling
// and starting again reuses them. `SweepPool.live` counts the workers alive in this page, so a
// test can check that nothing leaks.

const WORKER_URL = new URL('./sweep-worker.js', import.meta.url);

export function defaultPoolSize(embedded = false) {
  const cores = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
  return embedded ? 1 : Math.max(1, Math.min(cores, 8));
}

export class SweepPool {
  static live = 0;
  #size;
  #workers = [];        // [{ worker, ready: Promise, busy: null | taskId }]
  #job = null;
  #nextId = 1;
  #theorySlot = null;   // the overlay's own worker (not one of the pool's `size`)
  #theoryToken = 0;

  constructor({ size = defaultPoolSize() } = {}) {
    this.#size = size;
  }

  get size() { return this.#size; }
  get started() { return this.#workers.length; }

  #spawn() {
    const worker = new Worker(WORKER_URL, { type: 'module' });
    SweepPool.live++;
    // waiters: [{ type, resolve }]; isReady: the engine is loaded (a cell sent earlier is lost)
    const slot = { worker, busy: null, ready: null, isReady: false, waiters: [] };
    slot.ready = new Promise((resolve, reject) => {
      worker.onmessage = (event) => {
        const msg = event.data;
        const waiter = slot.waiters.findIndex((w) => w.type === msg.type);
        if (msg.type === 'ready') {
          slot.isReady = true;
          resolve();
        }
        else if (msg.type === 'fatal') reject(new Error(msg.message));
        else if (waiter >= 0) slot.waiters.splice(waiter, 1)[0].resolve(msg[msg.type]);
        else this.#message(slot, msg);
      };
      worker.onerror = (e) => reject(new Error(e.message || 'the sweep worker failed to start'));
    });
    // After start-up an uncaught error ends the worker's cell without a reply: fail the job
    // rather than wait for it forever.
    slot.ready.then(() => {
      worker.onerror = (e) => {
        e.preventDefault?.();
        this.lastError = e.message || 'a sweep worker failed';
        if (this.#job && slot.busy !== null) this.#fail(this.#job, new Error(this.lastError));
        slot.busy = null;
      };
    }, () => {});
    this.#workers.push(slot);
    return slot;
  }

  /** Starts a job; a running one is cancelled first. */
  start({ tasks, taskConfig, steps, onResult, onDone = () => {}, onError = () => {} }) {
    if (this.#job) this.#job.cancel();
    const job = {
      queue: tasks.slice(), taskConfig, steps, onResult, onDone, onError, pending: 0, done: false,
      ids: new Map(),   // message id -> task
      cancel: () => this.#cancel(job),
    };
    this.#job = job;
    while (this.#workers.length < this.#size) this.#spawn();
    for (const slot of this.#workers) {
      slot.ready.then(() => this.#feed(slot), (e) => this.#fail(job, e));
    }
    return job;
  }

  #feed(slot) {
    const job = this.#job;
    if (!job || job.done || !slot.isReady || slot.busy !== null) return;
    if (!job.queue.length) {
      if (job.pending === 0) this.#finish(job);
      return;
    }
    const task = job.queue.shift();
    const id = this.#nextId++;
    job.ids.set(id, task);
    job.pending++;
    slot.busy = id;
    let config;
    try {
      config = job.taskConfig(task);
    } catch (e) {
      this.#fail(job, e);
      return;
    }
    slot.worker.postMessage({ type: 'cell', id, config, steps: job.steps });
  }

  #message(slot, msg) {
    if (msg.id !== slot.busy) return;
    slot.busy = null;
    const job = this.#job;
    const task = job ? job.ids.get(msg.id) : undefined;
    if (task !== undefined) {
      job.ids.delete(msg.id);
      job.pending--;
      if (msg.type === 'result') job.onResult(task, msg.result);
      else if (msg.type === 'error') this.#fail(job, new Error(msg.message));
    }
    // Whatever the message (a stale job's cell included), this worker is free again.
    for (const s of this.#workers) this.#feed(s);
  }

  #finish(job) {
    job.done = true;
    if (this.#job === job) this.#job = null;
    job.onDone();
  }

  #fail(job, error) {
    if (job.done) return;
    this.#cancel(job);
    job.onError(error);
  }

  #cancel(job) {
    if (job.done) return;
    job.done = true;
    job.queue.length = 0;
    for (const slot of this.#workers) {
      if (slot.busy !== null && job.ids.has(slot.busy)) slot.worker.postMessage({ type: 'cancel', id: slot.busy });
    }
    if (this.#job === job) this.#job = null;
  }

  /**
   * The mean-field overlay { critical, weightVars, xiC } for query { activation, leakySlope,
   * biasVar, weightVars }, or null without a theory module. Computed in a worker of its own (a
   * chaotic-phase xi_c takes about a second: the cells must not wait for it), point by point;
   * onUpdate(partial) after the critical value and every few points. A newer call abandons an
   * older one (its promise resolves null).
   */
  async theory(query, onUpdate = () => {}) {
    const token = ++this.#theoryToken;
    if (!this.#theorySlot) {
      const worker = new Worker(WORKER_URL, { type: 'module' });
      const slot = { worker, waiters: [], ready: null };
      slot.ready = new Promise((resolve, reject) => {
        worker.onmessage = (event) => {
          const msg = event.data;
          if (msg.type === 'ready') return resolve();
          if (msg.type === 'fatal') return reject(new Error(msg.message));
          const i = slot.waiters.findIndex((w) => w.type === msg.type);
          if (i >= 0) slot.waiters.splice(i, 1)[0].resolve(msg[msg.type]);
        };
      });
      this.#theorySlot = slot;
    }
    const slot = this.#theorySlot;
    await slot.ready;
    const ask = (q) => this.#ask(slot, { type: 'theory', query: { ...query, weightVars: undefined, ...q } }, 'theory');
    const critical = await ask({ what: 'critical' });
    if (critical === null || token !== this.#theoryToken) return null;
    const out = { critical: critical.value, weightVars: query.weightVars, xiC: query.weightVars.map(() => null) };
    onUpdate(out);
    for (let i = 0; i < query.weightVars.length; i++) {
      const r = await ask({ what: 'xiC', weightVar: query.weightVars[i] });
      if (token !== this.#theoryToken) return null;
      out.xiC[i] = r ? r.value : null;
      if (i % 3 === 2) onUpdate(out);
    }
    onUpdate(out);
    return out;
  }

  #ask(slot, message, replyType) {
    return new Promise((resolve) => {
      slot.waiters.push({ type: replyType, resolve });   // replies come back in the order asked
      slot.worker.postMessage(message);
    });
  }

  /** Every worker's engine.memory() (liveRuns, heap bytes): what a leak would move. */
  async memory() {
    return Promise.all(this.#workers.map((slot) => slot.ready.then(() => this.#ask(slot, { type: 'memory' }, 'memory'))));
  }

  /** What the scheduler holds (tests, debugging): per worker the message id it computes. */
  state() {
    const job = this.#job;
    return {
      busy: this.#workers.map((slot) => slot.busy),
      queued: job ? job.queue.length : 0,
      pending: job ? job.pending : 0,
      lastError: this.lastError ?? null,
    };
  }

  dispose() {
    if (this.#job) this.#cancel(this.#job);
    for (const slot of this.#workers) slot.worker.terminate();
    this.#theorySlot?.worker.terminate();
    this.#theorySlot = null;
    SweepPool.live -= this.#workers.length;
    this.#workers = [];
  }
}
