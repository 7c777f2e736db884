// run-pool.js: the page's runs spread over a pool of Web Workers (worker.js shards), behind the
// interface one worker used to have: postMessage({type}) in, onmessage({data}) out.
//
// Messages in:  configure {gen, configs, gridRes} | play | pause | step | speed {stepsPerTick} | ack
// Messages out: ready {catalog} | fatal {message} | loading {gen, label}
//               | configured {gen, dataset, datasets, configs, snapshot}
//               | snapshot {gen, snapshot} | playing {gen, playing, allDiverged} | error {gen, message}
// `gen` numbers a set of runs: the page drops anything from a set it has replaced.
//
// Run i of a set lives in shard i mod n (n = options.size(runs), at most the shards started).
// The pool, not the shards, keeps the clock: tick k = "every live run does `steps` updates, then
// snapshot" goes to every shard with the same k, steps and grid flag, and the page gets tick k
// once every shard has answered it, merged back into run order. So the runs stay in lockstep
// and give bitwise the numbers one worker gives, whatever the number of shards.
//
// Pacing, as the single worker had it: ticks start at most once per FRAME_MS, and at most
// MAX_UNDRAWN frames are either computing or posted and not yet drawn (the page acks each frame
// after drawing it), so a slow page slows training instead of queueing frames it never shows.
// Up to AHEAD ticks are issued beyond the last answered one, so a shard never waits for the
// main thread between two ticks.
//
// Pause stops issuing, asks every shard to drop the ticks it has not started (cancel), brings
// any shard that is behind up to the furthest one, then takes one snapshot with a fresh decision
// boundary and reports `playing: false`: every run is paused at the same step.

const FRAME_MS = 33;          // at most ~30 ticks per second
const GRID_MS = 1000;         // decision-boundary grids at most once a second while playing
const MAX_UNDRAWN = 3;        // ticks issued and not yet drawn by the page
const AHEAD = 2;              // ticks issued and not yet answered by every shard

export class RunPool {
  // create(): a new shard Worker. shards: how many to start at once (their engines load while
  // the page starts). size(runCount): how many shards a set of runCount runs uses; more are
  // started when a set needs them.
  constructor({ create, shards, size }) {
    this.onmessage = null;
    this.onerror = null;
    this.create = create;
    this.size = size;
    this.shards = [];
    this.catalog = null;
    this.failed = false;
    // the committed set
    this.gen = 0;
    this.layout = [];         // per run: [shard, index in the shard]
    this.active = 0;          // shards holding runs of the committed set
    this.live = 0;            // runs not diverged, as of the last frame
    // a set being prepared: { gen, configs, layout, active, answers: [] }
    this.preparing = null;
    // the clock of the committed set
    this.stepsPerTick = 1;
    this.issued = 0;          // last tick id sent
    this.merged = 0;          // last tick id every shard answered
    this.log = new Map();     // id -> tick, for ticks not merged yet
    this.answers = new Map(); // id -> [snapshot part per shard]
    this.undrawn = 0;         // frames posted to the page, not acked
    this.lastIssue = -Infinity;
    this.lastGrid = -Infinity;
    this.timer = 0;
    this.playing = false;
    this.pausing = null;      // { round, done: [], target, final } while a pause settles
    this.round = 0;           // numbers the cancel rounds, so a late answer is not miscounted
    this.resume = false;      // play was asked while a pause settled
    for (let i = 0; i < shards; i++) this.#start();
  }

  get shardCount() {
    return this.shards.length;
  }

  // Workers in use, for tests and the bench (window.initscope.pool).
  info() {
    return { shards: this.shards.length, active: this.active, gen: this.gen, issued: this.issued, merged: this.merged };
  }

  #start() {
    const index = this.shards.length;
    const worker = this.create();
    worker.onmessage = (event) => this.#fromShard(index, event.data);
    worker.onerror = (event) => this.onerror?.(event);
    this.shards.push(worker);
  }

  #post(type, body) {
    if (type === 'snapshot' || type === 'configured') this.undrawn++;
    this.onmessage?.({ data: { type, ...body } });
  }

  postMessage(msg) {
    const handler = msg && this.#handlers[msg.type];
    if (handler) handler.call(this, msg);
  }

  #handlers = {
    configure: this.#configure,
    play: this.#play,
    pause: this.#pause,
    step: this.#step,
    speed(msg) {
      this.stepsPerTick = msg.stepsPerTick;
    },
    ack() {
      this.undrawn = Math.max(0, this.undrawn - 1);
      this.#pump();
    },
  };

  // -------------------------------------------------------------------------------------------
  // Sets of runs: prepared in every shard, committed when all succeeded, else rolled back.

  #configure(msg) {
    this.#halt();
    const n = Math.max(1, Math.min(this.size(msg.configs.length), msg.configs.length));
    while (this.shards.length < n) this.#start();
    const parts = Array.from({ length: this.shards.length }, () => []);
    const layout = msg.configs.map((config, i) => {
      parts[i % n].push(config);
      return [i % n, parts[i % n].length - 1];
    });
    this.preparing = { gen: msg.gen, layout, active: n, answers: [], loading: false };
    this.shards.forEach((w, s) => w.postMessage({ type: 'prepare', gen: msg.gen, gridRes: msg.gridRes, configs: parts[s] }));
  }

  #prepared(shard, msg) {
    const p = this.preparing;
    if (!p || msg.gen !== p.gen) return;
    p.answers[shard] = msg;
    if (p.answers.filter(Boolean).length < this.shards.length) return;
    this.preparing = null;
    const refused = p.answers.find((a) => !a.ok);
    if (refused) {
      for (const w of this.shards) w.postMessage({ type: 'rollback', gen: p.gen });
      this.#post('error', { gen: p.gen, message: refused.message });
      // The shards dropped their queued ticks when the prepare came: line the old runs up again.
      if (this.issued !== this.merged) this.#settle();
      return;
    }
    for (const w of this.shards) w.postMessage({ type: 'commit', gen: p.gen });
    this.gen = p.gen;
    this.layout = p.layout;
    this.active = p.active;
    this.issued = 0;
    this.merged = 0;
    this.log.clear();
    this.answers.clear();
    this.undrawn = 0;
    this.lastGrid = performance.now();
    const first = p.answers[0];
    const snapshot = this.#merge(p.answers.map((a) => a.snapshot));
    this.live = snapshot.filter((s) => s.diverged === null).length;
    const configs = this.#merge(p.answers.map((a) => a.configs));
    this.#post('configured', { gen: p.gen, dataset: first.dataset, datasets: first.datasets, configs, snapshot });
  }

  #merge(parts) {
    return this.layout.map(([s, i]) => parts[s][i]);
  }

  // -------------------------------------------------------------------------------------------
  // The clock.

  #play() {
    if (this.pausing) {
      this.resume = true;
      return;
    }
    if (this.playing || !this.layout.length || this.preparing) return;
    if (!this.live) return;
    this.playing = true;
    this.#post('playing', { gen: this.gen, playing: true, allDiverged: false });
    this.#pump();
  }

  // Issues ticks while playing and the pacing allows.
  #pump() {
    clearTimeout(this.timer);
    this.timer = 0;
    while (this.playing) {
      const outstanding = this.issued - this.merged;
      if (outstanding >= AHEAD || outstanding + this.undrawn >= MAX_UNDRAWN) return;
      const due = this.lastIssue + FRAME_MS - performance.now();
      if (due > 0) {
        this.timer = setTimeout(() => this.#pump(), due);
        return;
      }
      this.#issue(this.stepsPerTick, false);
    }
  }

  // `grid` forces a decision boundary (a single step or the last frame of a play).
  #issue(steps, grid) {
    const now = performance.now();
    if (!grid && now - this.lastGrid >= GRID_MS) grid = true;
    if (grid) this.lastGrid = now;
    this.lastIssue = now;
    const tick = { type: 'tick', gen: this.gen, id: ++this.issued, steps, grid };
    this.log.set(tick.id, tick);
    for (let s = 0; s < this.active; s++) this.shards[s].postMessage(tick);
  }

  #ticked(shard, msg) {
    if (msg.gen !== this.gen || !this.log.has(msg.id)) return;
    let parts = this.answers.get(msg.id);
    if (!parts) this.answers.set(msg.id, (parts = []));
    parts[shard] = msg.snapshot;
    // Shards answer in id order, so ticks complete in id order.
    while (this.answers.get(this.merged + 1)?.filter(Boolean).length === this.active) {
      const id = ++this.merged;
      const snapshot = this.#merge(this.answers.get(id));
      this.answers.delete(id);
      this.log.delete(id);
      this.live = snapshot.filter((s) => s.diverged === null).length;
      this.#post('snapshot', { gen: this.gen, snapshot });
      if (this.pausing?.final === id) this.#paused();
      else if (this.playing && !this.live) this.#stopAllDiverged();
    }
    if (this.pausing && this.pausing.target === this.merged && !this.pausing.final) this.#finalTick();
    this.#pump();
  }

  #stopAllDiverged() {
    this.playing = false;
    clearTimeout(this.timer);
    this.#post('playing', { gen: this.gen, playing: false, allDiverged: true });
  }

  #pause() {
    if (!this.playing) return;
    this.playing = false;
    clearTimeout(this.timer);
    this.#settle();
  }

  // Brings every shard to the same tick, then takes the final snapshot (pause, or the old runs
  // kept after a refused configure).
  #settle() {
    this.pausing = { round: ++this.round, done: [], target: null, final: 0 };
    if (this.issued === this.merged) {
      this.pausing.target = this.merged;
      this.#finalTick();
      return;
    }
    for (let s = 0; s < this.active; s++) this.shards[s].postMessage({ type: 'cancel', gen: this.gen, round: this.round });
  }

  // Every shard has said how far it got: the furthest one sets where the pause lands, and the
  // others run the ticks they dropped (the same ticks, from the log) up to there.
  #cancelled(shard, msg) {
    const p = this.pausing;
    if (!p || msg.gen !== this.gen || msg.round !== p.round || p.target !== null) return;
    p.done[shard] = msg.done;
    if (p.done.filter((d) => d !== undefined).length < this.active) return;
    p.target = Math.max(this.merged, ...p.done);
    for (const id of [...this.log.keys()]) if (id > p.target) this.log.delete(id);
    this.issued = p.target;
    p.done.forEach((done, s) => {
      for (let id = done + 1; id <= p.target; id++) this.shards[s].postMessage(this.log.get(id));
    });
    if (this.merged === p.target) this.#finalTick();
  }

  #finalTick() {
    if (!this.live) {
      this.#paused();
      return;
    }
    this.#issue(0, true);
    this.pausing.final = this.issued;
  }

  #paused() {
    this.pausing = null;
    this.#post('playing', { gen: this.gen, playing: false, allDiverged: this.layout.length > 0 && !this.live });
    if (this.resume) {
      this.resume = false;
      this.#play();
    }
  }

  #step() {
    if (this.playing || this.pausing || this.preparing || !this.live) return;
    this.#issue(this.stepsPerTick, true);
  }

  // Stops the clock at once (a new set is about to replace the runs). The log stays: if the new
  // set is refused, #settle() lines the old runs up again from it.
  #halt() {
    clearTimeout(this.timer);
    const was = this.playing || !!this.pausing;
    this.playing = false;
    this.pausing = null;
    this.resume = false;
    if (was) this.#post('playing', { gen: this.gen, playing: false, allDiverged: false });
  }

  // -------------------------------------------------------------------------------------------

  #fromShard(shard, msg) {
    switch (msg?.type) {
      case 'ready':
        if (!this.catalog) {
          this.catalog = msg.catalog;
          this.#post('ready', { catalog: msg.catalog });
        }
        break;
      case 'fatal':
        if (!this.failed) {
          this.failed = true;
          this.#post('fatal', { message: msg.message });
        }
        break;
      case 'loading':
        if (this.preparing?.gen === msg.gen && !this.preparing.loading) {
          this.preparing.loading = true;
          this.#post('loading', { gen: msg.gen, label: msg.label });
        }
        break;
      case 'prepared':
        this.#prepared(shard, msg);
        break;
      case 'ticked':
        this.#ticked(shard, msg);
        break;
      case 'cancelled':
        this.#cancelled(shard, msg);
        break;
      case 'error':
        if (this.preparing?.gen === msg.gen) {
          this.#prepared(shard, { ...msg, ok: false });
          break;
        }
        if (msg.gen !== this.gen) break;
        this.#halt();
        this.#post('error', { gen: msg.gen, message: msg.message });
        break;
      default:
        break;
    }
  }
}
