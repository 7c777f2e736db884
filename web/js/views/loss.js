// Loss curves of every run against the training step: train solid, test dashed, one colour per
// run; log or linear y following model.logY. The legend doubles as the readout: losses and
// accuracies at the hovered step, else at the scrubber's step, else the latest. A diverged run's
// curve stops with a ✕ where it diverged; the scrubber's step is a grey vertical line.

import uPlot from '../../vendor/uPlot.esm.js';
import { setText } from './dom.js';
import { UPlotView } from './chart.js';
import { baseOptions, chartSize, xAxis, yAxis, logRange, logSplits, KEY_COLOR } from './axis.js';
import { runColor, runLabel, recordAt, cursorStep, logSafe, linSafe, formatLogTick, formatValue, formatPercent } from './format.js';

// TensorBoard's smoothing: an exponential moving average with weight w on the past, debiased by
// 1 - w^k so the first points are not pulled towards 0; gaps (null) are skipped, not filled.
export function emaInPlace(values, w) {
  let last = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null || !Number.isFinite(v)) continue;
    last = last * w + (1 - w) * v;
    k++;
    values[i] = last / (1 - w ** k);
  }
  return values;
}

export class LossView extends UPlotView {
  constructor(container, options = {}) {
    super(container, options, { kind: 'loss', title: 'Loss' });
    this.steps = [];
    this.yRange = [0, 1];
  }

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const logY = !!model?.logY;
    const sig = runs.map((r) => `${r.key}|${runColor(r)}`).join(',') + `|${logY}`;
    if (sig !== this.signature) this.build(runs, logY, sig);

    // x: the steps of the longest run (all runs log at the same steps; a diverged run has fewer)
    let longest = null;
    for (const run of runs) if (!longest || (run.records?.length ?? 0) > longest.records.length) longest = run;
    const n = longest?.records?.length ?? 0;
    const steps = new Array(n);
    for (let i = 0; i < n; i++) steps[i] = longest.records[i].step;
    this.steps = steps;

    const safe = logY ? logSafe : linSafe;
    let min = Infinity;
    let max = -Infinity;
    const cols = [steps];
    for (const run of runs) {
      const recs = run.records ?? [];
      const aligned = recs.length === 0 || recs[0].step === steps[0];
      const index = aligned ? null : new Map(steps.map((s, i) => [s, i]));
      const train = new Array(n).fill(null);
      const test = new Array(n).fill(null);
      for (let j = 0; j < recs.length; j++) {
        const i = aligned ? j : index.get(recs[j].step);
        if (i == null || i >= n) continue;
        train[i] = safe(recs[j].trainLoss);
        test[i] = safe(recs[j].testLoss);
      }
      const smooth = model?.smooth ?? 0;
      for (const series of smooth > 0 ? [train, test] : []) emaInPlace(series, smooth);
      for (const series of [train, test]) {
        for (const v of series) if (v != null) { if (v < min) min = v; if (v > max) max = v; }
      }
      cols.push(train, test);
    }
    if (logY) this.yRange = logRange(min, max);
    else if (max >= min) {
      // A run blowing up before it diverges would flatten every other curve: cap the linear axis at
      // 3x the largest initial loss and let that curve leave through the top (log-y shows it all).
      let first = 0;
      for (const run of runs) {
        const l0 = run.records?.[0];
        for (const v of [l0?.trainLoss, l0?.testLoss]) if (Number.isFinite(v) && v > first) first = v;
      }
      const top = first > 0 ? Math.min(max, 3 * first) : max;
      this.yRange = [Math.min(0, min), top > 0 ? top * 1.05 : 1];
    } else this.yRange = [0, 1];
    this.uplot.setData(cols);

    this.updateLegend();
    this.panel.summary(() => this.describe());
  }

  build(runs, logY, sig) {
    this.uplot?.destroy();
    this.signature = sig;
    this.logY = logY;
    const series = [{}];
    for (const run of runs) {
      const color = runColor(run);
      // A single record (step 0, before any training) has no line to draw: show it as a point.
      const points = { show: () => this.steps.length === 1, size: 6, fill: color, stroke: color };
      series.push({ label: `${runLabel(run)} train`, stroke: color, width: 2, spanGaps: false, points });
      series.push({ label: `${runLabel(run)} test`, stroke: color, width: 1.5, dash: [5, 4], spanGaps: false, points });
    }
    const opts = {
      ...baseOptions(chartSize(this.panel.size)),
      series,
      scales: {
        x: {
          time: false,
          range: () => {
            const s = this.steps;
            if (!s.length) return [0, 1];
            // one step: centred, so its points are not cut in half by the frame
            return s[s.length - 1] > s[0] ? [s[0], s[s.length - 1]] : [s[0] - 0.5, s[0] + 0.5];
          },
        },
        y: logY
          ? { distr: 3, log: 10, range: () => this.yRange }
          : { range: () => this.yRange },
      },
      axes: [
        xAxis('step', { space: 50, incrs: STEP_INCRS, values: (u, splits) => splits.map(formatStep) }),
        logY
          ? yAxis('loss (log)', (u, splits) => splits.map(formatLogTick),
            (u) => logSplits(this.yRange[0], this.yRange[1], Math.floor(u.bbox.height / devicePixelRatio / 22)))
          : yAxis('loss', (u, splits) => splits.map((v) => formatValue(v, 3))),
      ],
      hooks: {
        draw: [(u) => this.drawMarkers(u)],
        setCursor: [(u) => {
          const i = u.cursor.idx;
          this.hoverIdx = i == null || i < 0 ? null : i;
          this.updateLegend();
        }],
      },
    };
    this.uplot = new uPlot(opts, series.map(() => []), this.panel.inner);
  }

  /** The scrubber's step (grey line) and each diverged run's ✕. */
  drawMarkers(u) {
    const model = this.model;
    if (!model || !this.steps.length) return;
    const ctx = u.ctx;
    const dpr = devicePixelRatio;
    const top = u.bbox.top;
    const bottom = top + u.bbox.height;
    const left = u.bbox.left;
    const right = left + u.bbox.width;
    ctx.save();
    const step = model.cursor >= 0 ? cursorStep(model) : null;
    if (step != null) {
      const x = Math.round(u.valToPos(step, 'x', true));
      ctx.strokeStyle = KEY_COLOR();
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
    }
    ctx.font = `${Math.round(13 * dpr)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    model.runs.forEach((run, r) => {
      if (run.diverged == null) return;
      const x = Math.min(right - 6 * dpr, Math.max(left + 6 * dpr, u.valToPos(run.diverged, 'x', true)));
      ctx.strokeStyle = runColor(run);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.setLineDash([2 * dpr, 3 * dpr]);
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x, top + 16 * dpr + r * 14 * dpr);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.fillText('\u2715', x, top + 2 * dpr + r * 14 * dpr);
    });
    ctx.restore();
  }

  /** Legend = readout: per run, train / test loss and accuracy at the hovered, scrubbed or last step. */
  updateLegend() {
    const model = this.model;
    const runs = model?.runs ?? [];
    const hovered = this.hoverIdx != null && this.hoverIdx < this.steps.length;
    const items = [
      { cls: 'iv-key', color: KEY_COLOR(), label: 'train', title: 'solid: training set; first value of each pair' },
      { cls: 'iv-key', color: KEY_COLOR(), dash: true, label: 'test', title: 'dashed: test set; second value of each pair' },
    ];
    for (const run of runs) {
      const recs = run.records ?? [];
      let rec = null;
      if (hovered) rec = recs[this.hoverIdx] ?? null;
      else rec = recordAt(run, model.cursor)?.record ?? null;
      let note = '';
      if (rec) {
        note = `${formatValue(rec.trainLoss)} / ${formatValue(rec.testLoss)} \u00B7 acc ${formatPercent(rec.trainAccuracy)} / ${formatPercent(rec.testAccuracy)}`;
      } else if (recs.length) note = '\u2013';
      if (run.diverged != null) note += `${note ? ' \u00B7 ' : ''}diverged at step ${run.diverged}`;
      items.push({ color: runColor(run), label: runLabel(run), note, title: 'loss train / test \u00B7 accuracy train / test' });
    }
    this.panel.setLegend(items);
    const step = hovered ? this.steps[this.hoverIdx] : cursorStep(model);
    setText(this.panel.sub, step == null ? '' : `step ${step}${hovered ? ' (hover)' : model.cursor >= 0 ? ' (scrubbed)' : ''}`);
  }

  describe() {
    const model = this.model;
    const runs = model?.runs ?? [];
    if (!runs.length) return 'Loss: no runs.';
    const step = cursorStep(model);
    const parts = runs.map((run) => {
      const rec = recordAt(run, model.cursor)?.record;
      let s = `${runLabel(run)}: `;
      s += rec ? `train loss ${formatValue(rec.trainLoss)}, test loss ${formatValue(rec.testLoss)}, test accuracy ${formatPercent(rec.testAccuracy)}` : 'no data';
      if (run.diverged != null) s += `, diverged at step ${run.diverged}`;
      return s;
    });
    return `Loss curves${step != null ? ` at step ${step}` : ''}${this.logY ? ' (log scale)' : ''}. ${parts.join('. ')}.`;
  }
}

const STEP_INCRS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((p) => m * p)).sort((a, b) => a - b);

function formatStep(v) {
  if (v == null) return '';
  if (Math.abs(v) >= 1e4) return `${+(v / 1000).toFixed(1)}k`;
  return String(v);
}
