// Decision boundary per run for 2-D datasets: a small square canvas each, the class probabilities
// of run.grid as a heatmap (mixed class colour, faded toward white where the net is unsure), train
// points filled and test points hollow on top. Plain <canvas>, no chart library.
//
// run.grid.probs is row-major [res][res][classes] with x1 (vertical) outer and x0 inner, row 0 at
// x1min (bottom). Cells are drawn as res x res pixels stretched over dataset.bounds, so a grid
// sampled at cell centres or at the edges is off by at most half a cell.
// The grid is the run's latest prediction, not the scrubbed record's (the model holds one grid).

import { CLASS_COLORS, hexToRgb } from '../theme/colors.js';
import { h, setText } from './dom.js';
import { Panel } from './panel.js';
import { KEY_COLOR } from './axis.js';
import { runColor, runLabel, formatPercent } from './format.js';
import { cssColor } from '../theme/theme.js';
import { projectionBasis, projectTest, drawProjection } from './projection.js';

const CAPTION = 18;
const GAP = 8;
const BORDER = 2; // .iv-tile-canvas border, drawn outside the canvas (content-box)

export class BoundaryView {
  constructor(container, options = {}) {
    this.options = options;
    this.panel = new Panel(container, { kind: 'boundary', title: 'Decision boundary', options });
    this.tilesEl = h('div', 'iv-tiles');
    this.message = h('div', 'iv-message');
    this.panel.inner.append(this.tilesEl, this.message);
    this.panel.onResize = () => this.layout(true);
    this.tiles = [];          // { key, root, label, note, canvas, drawn, heat: { grid, canvas } }
    this.pointsLayer = null;  // { dataset, size, dpr, canvas }: train/test points, shared by tiles
    this.model = null;
    this.tileSize = 0;
    this.tileKey = '';
  }

  update(model) {
    this.model = model;
    const runs = model?.runs ?? [];
    const ds = model?.dataset ?? null;
    const twoD = ds && ds.inputDim === 2;
    // N-D data (gaussian_nd): no input plane, so each tile shows the test points projected onto
    // the plane of the class means, coloured by the run's prediction (projection.js)
    this.nd = !!ds && !twoD && ds.inputDim > 2 && !!ds.xTest?.length;
    setText(this.panel.title, this.nd ? 'Test predictions, projected' : 'Decision boundary');
    let msg = '';
    if (!ds) msg = 'no dataset yet';
    else if (!twoD && !this.nd) msg = `Decision boundary not available for N-D data (${ds.inputDim} input dimensions).`;
    else if (!runs.length) msg = 'no runs';
    setText(this.message, msg);
    this.message.hidden = !msg;
    this.tilesEl.hidden = !!msg;

    this.updateLegend(ds, twoD);
    if (msg) {
      this.panel.summary(() => `Decision boundary: ${msg}`);
      return;
    }

    const key = runs.map((r) => `${r.key}|${runColor(r)}|${runLabel(r)}`).join(',');
    if (key !== this.tileKey) this.buildTiles(runs, key);
    this.layout(false);
    runs.forEach((run, i) => this.updateTile(this.tiles[i], run, ds));
    this.panel.summary(() => this.describe());
  }

  buildTiles(runs, key) {
    this.tileKey = key;
    this.tiles = runs.map((run) => {
      const root = h('figure', 'iv-tile');
      const cap = h('figcaption', 'iv-tile-cap');
      const sw = h('span', 'iv-dot');
      sw.style.background = runColor(run);
      const label = h('span', 'iv-tile-label', runLabel(run));
      const note = h('span', 'iv-tile-note');
      note.title = 'test accuracy at the latest step';
      cap.append(sw, label, note);
      const canvas = h('canvas', 'iv-tile-canvas');
      canvas.style.borderColor = runColor(run);
      root.append(cap, canvas);
      return { key: run.key, root, note, canvas, drawn: null, heat: null };
    });
    this.tilesEl.replaceChildren(...this.tiles.map((t) => t.root));
    this.tileSize = 0;
  }

  /** Largest square tile size such that all tiles fit the plot area. */
  layout(force) {
    const n = this.tiles.length;
    if (!n) return;
    const { width: W, height: H } = this.panel.size;
    let best = 0;
    let bestCols = 1;
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const s = Math.min((W - (cols - 1) * GAP) / cols, (H - rows * CAPTION - (rows - 1) * GAP) / rows);
      if (s > best) { best = s; bestCols = cols; }
    }
    const outer = Math.max(40, Math.floor(best));
    const size = outer - 2 * BORDER;
    if (!force && size === this.tileSize && bestCols === this.cols) return;
    this.tileSize = size;
    this.cols = bestCols;
    this.tilesEl.style.gridTemplateColumns = `repeat(${bestCols}, ${outer}px)`;
    for (const t of this.tiles) {
      t.canvas.style.width = `${size}px`;
      t.canvas.style.height = `${size}px`;
      t.drawn = null;
    }
    if (this.model && force) this.model.runs?.forEach((run, i) => this.tiles[i] && this.updateTile(this.tiles[i], run, this.model.dataset));
  }

  updateTile(tile, run, ds) {
    if (!tile) return;
    const last = run.records?.[run.records.length - 1];
    const note = run.diverged != null ? '\u2715' : last ? formatPercent(last.testAccuracy) : '';
    setText(tile.note, note);

    const size = this.tileSize;
    const dpr = devicePixelRatio || 1;
    if (this.nd) return this.updateProjection(tile, run, ds, size, dpr);
    const grid = run.grid ?? null;
    const d = tile.drawn;
    if (d && d.grid === grid && d.ds === ds && d.size === size && d.dpr === dpr && d.diverged === run.diverged) return;
    tile.drawn = { grid, ds, size, dpr, diverged: run.diverged };

    const px = Math.max(1, Math.round(size * dpr));
    const c = tile.canvas;
    if (c.width !== px || c.height !== px) { c.width = px; c.height = px; }
    const ctx = c.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = cssColor('--chart-bg', '#fff');
    ctx.fillRect(0, 0, px, px);

    const heat = this.heatmap(tile, grid);
    if (heat) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(heat, 0, 0, px, px);
    }
    ctx.drawImage(this.points(ds, px, dpr), 0, 0);

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    if (run.diverged != null) {
      ctx.fillStyle = cssColor('--chart-veil', 'rgba(255,255,255,0.7)');
      ctx.fillRect(0, 0, size, size);
      ctx.fillStyle = cssColor('--chart-ink', '#222');
      ctx.fillText('diverged', size / 2, size / 2 - 8);
      ctx.fillText(`at step ${run.diverged}`, size / 2, size / 2 + 8);
    } else if (!grid) {
      const text = 'no prediction yet';
      const w = ctx.measureText(text).width + 10;
      ctx.fillStyle = cssColor('--chart-veil', 'rgba(255,255,255,0.85)');
      ctx.fillRect((size - w) / 2, size / 2 - 9, w, 18);
      ctx.fillStyle = KEY_COLOR();
      ctx.fillText(text, size / 2, size / 2);
    }
  }

  /** An N-D run's tile: its predictions on the projected test points. */
  updateProjection(tile, run, ds, size, dpr) {
    const predictions = run.predictions ?? null;
    const d = tile.drawn;
    if (d && d.predictions === predictions && d.ds === ds && d.size === size && d.dpr === dpr && d.diverged === run.diverged) return;
    tile.drawn = { predictions, ds, size, dpr, diverged: run.diverged };
    if (this.projected?.ds !== ds) {
      const basis = projectionBasis(ds);
      this.projected = { ds, points: basis ? projectTest(ds, basis) : null };
    }
    const px = Math.max(1, Math.round(size * dpr));
    const c = tile.canvas;
    if (c.width !== px || c.height !== px) { c.width = px; c.height = px; }
    const ctx = c.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = cssColor('--chart-bg', '#fff');
    ctx.fillRect(0, 0, px, px);
    const { points } = this.projected;
    if (points) {
      const pred = predictions?.pred ?? null;
      const n = pred ? pred.length : Math.min(ds.yTest.length, 1000);
      tile.stats = drawProjection(ctx, { points: points.subarray(0, 2 * n), yTest: ds.yTest, pred, px, dpr, axis: KEY_COLOR() });
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const veil = (lines) => {
      ctx.fillStyle = cssColor('--chart-veil', 'rgba(255,255,255,0.7)');
      ctx.fillRect(0, 0, size, size);
      ctx.fillStyle = cssColor('--chart-ink', '#222');
      lines.forEach((t, i) => ctx.fillText(t, size / 2, size / 2 + (i - (lines.length - 1) / 2) * 16));
    };
    if (run.diverged != null) veil(['diverged', `at step ${run.diverged}`]);
    else if (!points) veil(['no projection: too few points']);
    else if (!predictions) veil(['no prediction yet']);
  }

  /** res x res canvas of the grid's colours, recomputed only when the grid object changes. */
  heatmap(tile, grid) {
    if (!grid || !(grid.res > 0) || !(grid.classes > 0) || !grid.probs) return null;
    if (tile.heat?.grid === grid) return tile.heat.canvas;
    const { res, classes, probs } = grid;
    const canvas = tile.heat?.canvas ?? document.createElement('canvas');
    if (canvas.width !== res || canvas.height !== res) { canvas.width = res; canvas.height = res; }
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(res, res);
    const px = img.data;
    const rgb = classRgb(classes);
    const k = Math.max(2, classes);
    // unsure fades toward the chart's background (white, or the dark theme's panel)
    const [br, bgG, bb] = hexToRgb(cssColor('--chart-bg', '#ffffff')) ?? [255, 255, 255];
    for (let i = 0; i < res; i++) {
      const row = res - 1 - i; // x1 grows upward
      for (let j = 0; j < res; j++) {
        const base = (i * res + j) * classes;
        let r = 0; let g = 0; let b = 0; let pmax = 0; let sum = 0; let bad = false;
        for (let c = 0; c < classes; c++) {
          const p = probs[base + c];
          if (!(p >= 0)) { bad = true; break; }
          r += p * rgb[c][0]; g += p * rgb[c][1]; b += p * rgb[c][2];
          sum += p;
          if (p > pmax) pmax = p;
        }
        const o = (row * res + j) * 4;
        if (bad || !(sum > 0)) {
          px[o] = 200; px[o + 1] = 200; px[o + 2] = 200; px[o + 3] = 255;
          continue;
        }
        r /= sum; g /= sum; b /= sum; pmax /= sum;
        const conf = Math.max(0, Math.min(1, (pmax - 1 / k) / (1 - 1 / k)));
        const a = 0.1 + 0.55 * conf;
        px[o] = br + (r - br) * a;
        px[o + 1] = bgG + (g - bgG) * a;
        px[o + 2] = bb + (b - bb) * a;
        px[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    tile.heat = { grid, canvas };
    return canvas;
  }

  /** The dataset's points at one tile size, drawn once and shared by every tile. */
  points(ds, px, dpr) {
    const p = this.pointsLayer;
    if (p && p.ds === ds && p.px === px) return p.canvas;
    const canvas = p?.canvas ?? document.createElement('canvas');
    canvas.width = px;
    canvas.height = px;
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, px, px);
    const [ax, bx, ay, by] = ds.bounds ?? [-1, 1, -1, 1];
    const sx = px / (bx - ax || 1);
    const sy = px / (by - ay || 1);
    const r = Math.max(1.4, Math.min(3, px / dpr / 110)) * dpr;
    const draw = (x, y, hollow) => {
      const n = Math.min(y?.length ?? 0, Math.floor((x?.length ?? 0) / 2));
      for (let i = 0; i < n; i++) {
        const u = (x[2 * i] - ax) * sx;
        const v = px - (x[2 * i + 1] - ay) * sy;
        if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
        const col = CLASS_COLORS[((y[i] % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
        ctx.beginPath();
        ctx.arc(u, v, r, 0, 2 * Math.PI);
        if (hollow) {
          ctx.fillStyle = 'rgba(255,255,255,0.55)';
          ctx.fill();
          ctx.strokeStyle = col;
          ctx.lineWidth = 1.3 * dpr;
          ctx.stroke();
        } else {
          ctx.fillStyle = col;
          ctx.fill();
          ctx.strokeStyle = 'rgba(255,255,255,0.9)';
          ctx.lineWidth = 0.6 * dpr;
          ctx.stroke();
        }
      }
    };
    draw(ds.xTest, ds.yTest, true);
    draw(ds.xTrain, ds.yTrain, false);
    this.pointsLayer = { ds, px, canvas };
    return canvas;
  }

  updateLegend(ds, twoD) {
    const items = [];
    if (twoD) {
      const k = Math.max(2, ds.classes ?? 2);
      for (let c = 0; c < Math.min(k, CLASS_COLORS.length); c++) items.push({ color: CLASS_COLORS[c], marker: '\u25CF', label: `class ${c}` });
      items.push({ cls: 'iv-key', marker: '\u25CF', color: KEY_COLOR(), label: 'train' });
      items.push({ cls: 'iv-key', marker: '\u25CB', color: KEY_COLOR(), label: 'test' });
      items.push({ cls: 'iv-key', label: 'pale = unsure' });
      items.push({ cls: 'iv-key', label: '% = test accuracy' });
    } else if (this.nd) {
      const k = Math.max(2, ds.classes ?? 2);
      for (let c = 0; c < Math.min(k, CLASS_COLORS.length); c++) items.push({ color: CLASS_COLORS[c], marker: '\u25CF', label: `predicted ${c}` });
      items.push({ cls: 'iv-key', marker: '\u2715', color: KEY_COLOR(), label: 'wrong' });
      items.push({ cls: 'iv-key', label: '% = test accuracy' });
    }
    this.panel.setLegend(items);
    const runs = this.model?.runs ?? [];
    const cur = this.model?.cursor;
    const when = cur != null && cur >= 0 ? 'latest step (not scrubbed)' : 'latest step';
    setText(this.panel.sub, !runs.length ? '' : twoD ? when
      : this.nd ? `${ds.inputDim}-D test points on the plane of the class means, coloured by predicted class; ${when}` : '');
  }

  describe() {
    const runs = this.model?.runs ?? [];
    const parts = runs.map((run) => {
      const last = run.records?.[run.records.length - 1];
      if (run.diverged != null) return `${runLabel(run)} diverged at step ${run.diverged}`;
      if (!(this.nd ? run.predictions : run.grid)) return `${runLabel(run)}: no prediction yet`;
      return `${runLabel(run)}: test accuracy ${formatPercent(last?.testAccuracy)}`;
    });
    const what = this.nd ? 'Test predictions on the plane of the class means' : 'Decision boundaries';
    return `${what} at the latest step. ${parts.join('. ')}.`;
  }

  resize() { this.panel.measure(); }   // redraws via onResize, in its own task

  reset() {
    for (const t of this.tiles) { t.drawn = null; t.heat = null; }
    this.pointsLayer = null;
    this.projected = null;
  }

  destroy() { this.panel.destroy(); }
}

function classRgb(classes) {
  const out = [];
  for (let c = 0; c < classes; c++) out.push(hexToRgb(CLASS_COLORS[c % CLASS_COLORS.length]));
  return out;
}
