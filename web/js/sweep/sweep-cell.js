// sweep-cell.js: one cell of a sweep on the wasm engine, the page's copy of the core's
// evaluate_cell (core/src/sweep.cpp): createRun, `steps` updates (stopping at divergence),
// evaluate(), dispose(). Stepping in chunks gives the same numbers as one step(steps) (Catch2
// "a cell is the Run it names"); the chunks let a worker hear "cancel" in between.

const CHUNK = 25;

/**
 * `between()` is awaited after every chunk (a worker yields to its message queue there) and
 * returns true to abandon the cell; then the result is null. The run is always disposed.
 */
export async function evaluateCell(engine, config, steps, between = null) {
  const info = engine.datasets().find((d) => d.id === config.dataset);
  if (info && info.needsLoad && !info.loaded) await engine.loadDataset(info.id);
  const run = engine.createRun(config);
  try {
    for (let done = 0; done < steps;) {
      const n = Math.min(CHUNK, steps - done);
      const { step } = run.step(n);
      done += n;
      if (step < done) break;                 // diverged: the run stopped where it happened
      if (between && (await between())) return null;
    }
    const e = run.evaluate();
    return {
      step: e.step, trainLoss: e.trainLoss, testLoss: e.testLoss,
      trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy, diverged: e.diverged ?? null,
    };
  } finally {
    run.dispose();
  }
}
