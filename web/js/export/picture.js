// picture.js: a chart panel as one PNG. The views draw on canvases (uPlot's, or plain ones for
// the histograms and the decision boundary) and put the title, legend and tile captions in the
// DOM; this composes them onto one canvas: title line, legend, the plot's canvases where they
// sit on screen (at the screen's pixel ratio, so nothing is resampled), captions, and a footer
// naming the experiment. No library; SVG is not offered.

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const TEXT = '#1c2230';
const MUTED = '#5a6375';
const PAD = 10;
const LINE = 16;

/** Draws the view (the panel's .iv-view) onto a new canvas; `footer` is a line of small print. */
export function composePanel(view, { footer = '' } = {}) {
  const dpr = window.devicePixelRatio || 1;
  const plot = view.querySelector('.iv-plot');
  const pr = plot.getBoundingClientRect();
  const width = Math.max(320, Math.ceil(pr.width)) + 2 * PAD;
  const measure = document.createElement('canvas').getContext('2d');

  const title = view.querySelector('.iv-title')?.textContent ?? '';
  // the histograms show one run at a time, picked with buttons the picture has no room for
  const picked = view.querySelector('.iv-pick[aria-pressed="true"]')?.textContent;
  const sub = [view.querySelector('.iv-sub')?.textContent, picked].filter(Boolean).join(' \u00B7 ');
  const legend = layoutLegend(measure, legendItems(view), width - 2 * PAD);
  const plotTop = PAD + LINE + 2 + legend.lines * LINE + 4;
  const visible = (el) => !el.closest('[hidden]') && el.getBoundingClientRect().width > 0;
  const canvases = [...plot.querySelectorAll('canvas')].filter((c) => c.width && c.height && visible(c));
  const captions = [...plot.querySelectorAll('figcaption, .iv-message')].filter(visible);
  // down to the last thing drawn (the boundary's tiles may not fill their panel)
  let bottom = 0;
  for (const el of [...canvases, ...captions]) bottom = Math.max(bottom, el.getBoundingClientRect().bottom - pr.top);
  const plotHeight = Math.min(pr.height, Math.ceil(bottom));
  const height = Math.ceil(plotTop + plotHeight + (footer ? 4 + LINE : 0) + PAD);

  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';

  // title and subtitle
  let y = PAD + LINE / 2;
  ctx.font = `600 13px ${FONT}`;
  ctx.fillStyle = TEXT;
  ctx.fillText(title, PAD, y);
  if (sub) {
    const x = PAD + ctx.measureText(title).width + 8;
    ctx.font = `12px ${FONT}`;
    ctx.fillStyle = MUTED;
    ctx.fillText(sub, x, y);
  }

  // legend
  for (const p of legend.placed) drawLegendItem(ctx, p.item, PAD + p.x, PAD + LINE + 2 + p.line * LINE + LINE / 2);

  // the plot: every visible canvas where it is on screen, clipped to the plot area
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD, plotTop, pr.width, plotHeight);
  ctx.clip();
  for (const c of canvases) {
    const r = c.getBoundingClientRect();
    const cs = getComputedStyle(c);
    const [bt, br, bb, bl] = ['Top', 'Right', 'Bottom', 'Left'].map((s) => parseFloat(cs[`border${s}Width`]) || 0);
    const x = PAD + r.left - pr.left;
    const top = plotTop + r.top - pr.top;
    ctx.drawImage(c, x + bl, top + bt, r.width - bl - br, r.height - bt - bb);
    if (bt > 0) {
      ctx.strokeStyle = cs.borderTopColor;
      ctx.lineWidth = bt;
      ctx.strokeRect(x + bt / 2, top + bt / 2, r.width - bt, r.height - bt);
    }
  }
  // captions in the DOM over or beside the canvases (decision boundary tiles, messages)
  for (const el of captions) {
    const r = el.getBoundingClientRect();
    let x = PAD + r.left - pr.left;
    const cy = plotTop + r.top - pr.top + r.height / 2;
    const dot = el.querySelector('.iv-dot');
    if (dot) {
      ctx.fillStyle = getComputedStyle(dot).backgroundColor;
      ctx.beginPath();
      ctx.arc(x + 5, cy, 5, 0, 2 * Math.PI);
      ctx.fill();
      x += 14;
    }
    const label = el.querySelector('.iv-tile-label')?.textContent ?? (dot ? '' : el.textContent);
    ctx.font = `600 11.5px ${FONT}`;
    ctx.fillStyle = TEXT;
    ctx.fillText(label, x, cy);
    const note = el.querySelector('.iv-tile-note')?.textContent;
    if (note) {
      ctx.font = `11.5px ${FONT}`;
      ctx.fillStyle = MUTED;
      ctx.textAlign = 'right';
      ctx.fillText(note, PAD + r.right - pr.left, cy);
      ctx.textAlign = 'left';
    }
  }
  ctx.restore();

  if (footer) {
    ctx.font = `11px ${FONT}`;
    ctx.fillStyle = MUTED;
    ctx.fillText(footer, PAD, height - PAD - LINE / 2, width - 2 * PAD);
  }
  return canvas;
}

/** The panel as a PNG Blob. */
export function panelPNG(view, options) {
  const canvas = composePanel(view, options);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser made no PNG'))), 'image/png');
  });
}

// [{ color, dash, marker, label, note, key }] from the view's legend (see Panel.setLegend).
function legendItems(view) {
  return [...view.querySelectorAll('.iv-legend-item')].map((li) => {
    const sw = li.querySelector('.iv-swatch');
    const mk = li.querySelector('.iv-marker');
    return {
      color: sw ? getComputedStyle(sw).color : mk ? getComputedStyle(mk).color : null,
      dash: !!sw?.classList.contains('iv-swatch-dash'),
      dot: !!sw?.classList.contains('iv-swatch-dot'),
      marker: mk?.textContent ?? '',
      label: li.querySelector('.iv-legend-label')?.textContent ?? '',
      note: li.querySelector('.iv-legend-note')?.textContent ?? '',
      key: li.classList.contains('iv-key'),
    };
  });
}

const SWATCH = 16;

function itemWidth(ctx, it) {
  let w = it.color ? SWATCH + 4 : 0;
  ctx.font = `${it.key ? '' : '600 '}12px ${FONT}`;
  w += ctx.measureText(it.label).width;
  if (it.note) {
    ctx.font = `12px ${FONT}`;
    w += 4 + ctx.measureText(it.note).width;
  }
  return w;
}

// Items left to right, wrapping at `width`, 10px apart (as the page lays them out).
function layoutLegend(ctx, items, width) {
  const placed = [];
  let x = 0;
  let line = 0;
  for (const item of items) {
    const w = itemWidth(ctx, item);
    if (x > 0 && x + w > width) { x = 0; line++; }
    placed.push({ item, x, line });
    x += w + 10;
  }
  return { placed, lines: items.length ? line + 1 : 0 };
}

function drawLegendItem(ctx, it, x, y) {
  if (it.color) {
    ctx.fillStyle = it.color;
    ctx.strokeStyle = it.color;
    if (it.marker) {
      ctx.font = `11px ${FONT}`;
      ctx.fillText(it.marker, x + 2, y);
    } else {
      ctx.lineWidth = it.dash || it.dot ? 2 : 3;
      ctx.setLineDash(it.dash ? [4, 3] : it.dot ? [1.5, 3] : []);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + SWATCH, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    x += SWATCH + 4;
  }
  ctx.font = `${it.key ? '' : '600 '}12px ${FONT}`;
  ctx.fillStyle = it.key ? MUTED : TEXT;
  ctx.fillText(it.label, x, y);
  if (it.note) {
    x += ctx.measureText(it.label).width + 4;
    ctx.font = `12px ${FONT}`;
    ctx.fillStyle = MUTED;
    ctx.fillText(it.note, x, y);
  }
}
