// player.js: play / pause / single step over an async tick function, TF Playground's Player.
//
// Every play() or stop() takes a new token; a loop that wakes up holding an old token ends
// itself. That is what makes pause-then-play, or reset during a long tick, safe: there is never
// more than one live loop, and a tick that was already running when the runs were replaced
// cannot schedule another. No DOM here: the worker owns the player.

export class Player {
  // tick(): Promise<boolean>, does one unit of work; false means "nothing left to do" (every run
  // diverged) and stops the loop. wait(): Promise that resolves when the next tick may start
  // (the rate limit).
  constructor({ tick, wait, onStateChange = () => {} }) {
    this.tick = tick;
    this.wait = wait;
    this.onStateChange = onStateChange;
    this.token = 0;
    this.playing = false;
  }

  play() {
    if (this.playing) return;
    this.playing = true;
    const token = ++this.token;
    this.onStateChange(true);
    this.loop(token);
  }

  pause() {
    if (!this.playing) return;
    this.stop();
  }

  // Ends any loop, playing or not (reset calls this before it replaces the runs).
  stop() {
    this.token++;
    const was = this.playing;
    this.playing = false;
    if (was) this.onStateChange(false);
  }

  // One tick while paused (ignored while playing). Returns what tick() returned.
  async step(...args) {
    if (this.playing) return true;
    return this.tick(...args);
  }

  async loop(token) {
    while (token === this.token) {
      await this.wait();
      if (token !== this.token) return;
      const more = await this.tick();
      if (token !== this.token) return;
      if (!more) {
        this.stop();
        return;
      }
    }
  }
}
