// The page's history of every run: one record per logged step, shared by every view. Runs log at
// the same steps, so record i of every run is the same step; the history is bounded (thin()).

export const MAX_RECORDS = 1000;     // per run; beyond this every other record is dropped (step 0 stays)

// A diverged run just has fewer records. The longest run's records are the timeline.
export function timeline(model) {
  let longest = [];
  for (const run of model.runs) if (run.records.length > longest.length) longest = run.records;
  return longest;
}

export function latestIndex(model) {
  return timeline(model).length - 1;
}

/** Folds one snapshot (a record per run) into `model`; `replaceGrid`: a new set of runs. */
export function addRecords(model, snapshot, replaceGrid) {
  snapshot.forEach((snap, i) => {
    const run = model.runs[i];
    const { grid, predictions, diverged, ...record } = snap;
    const recs = run.records;
    if (recs.length && recs[recs.length - 1].step === record.step) recs[recs.length - 1] = record;
    else recs.push(record);
    run.diverged = diverged;
    if (grid) run.grid = { res: grid.res, classes: model.dataset.classes, probs: grid.probs };
    else if (replaceGrid) run.grid = null;
    if (predictions) run.predictions = predictions;
    else if (replaceGrid) run.predictions = null;
  });
  if (timeline(model).length > MAX_RECORDS) thin(model);
}

// Keeps step 0, every other record, and the latest, in every run alike (by step, so record i
// stays the same step in every run); the scrubber keeps pointing at its step.
function thin(model) {
  const records = timeline(model);
  const stepAt = model.cursor >= 0 ? records[model.cursor].step : null;
  const keep = new Set(records.filter((_, i) => i % 2 === 0 || i === records.length - 1).map((r) => r.step));
  for (const run of model.runs) run.records = run.records.filter((r) => keep.has(r.step));
  if (stepAt !== null) model.cursor = Math.max(0, timeline(model).findIndex((r) => r.step >= stepAt));
}

export function latestStep(model) {
  const records = timeline(model);
  return records.length ? records[records.length - 1].step : 0;
}
