/** A small SVG line chart, written out by hand: two panels, shared x axis values, one line per series. */
export interface Series {
  name: string;
  points: [number, number][];
}

export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  /** Horizontal reference lines, e.g. the measured limit. */
  refs?: { name: string; y: number }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const W = 460;
const H = 300;
const M = { left: 60, right: 15, top: 30, bottom: 45 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));

/** "Nice" tick values from 0 to at least max: steps of 1, 2 or 5 times a power of ten. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v < max + step; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

function panel(p: Panel, xLabel: string, dx: number): string {
  const xs = p.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = [...p.series.flatMap((s) => s.points.map(([, y]) => y)), ...(p.refs ?? []).map((r) => r.y)].filter(Number.isFinite);
  const xt = ticks(Math.max(1, ...xs));
  const yt = ticks(Math.max(1, ...ys));
  const xMax = xt.at(-1)!;
  const yMax = yt.at(-1)!;
  const px = (x: number) => dx + M.left + (x / xMax) * (W - M.left - M.right);
  const py = (y: number) => M.top + (1 - y / yMax) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(`<text x="${dx + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  for (const t of yt) {
    out.push(`<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${px(0) - 6}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of xt) out.push(`<text x="${px(t)}" y="${py(0) + 16}" text-anchor="middle">${fmt(t)}</text>`);
  out.push(`<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(0)}" y2="${py(0)}" stroke="#333"/>`);
  out.push(`<line x1="${px(0)}" x2="${px(0)}" y1="${py(0)}" y2="${py(yMax)}" stroke="#333"/>`);
  out.push(`<text x="${px(xMax / 2)}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(${dx + 14},${py(yMax / 2)}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
  for (const r of p.refs ?? []) {
    if (!Number.isFinite(r.y)) continue;
    out.push(`<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(r.y)}" y2="${py(r.y)}" stroke="#777" stroke-dasharray="5,4"/>`);
    out.push(`<text x="${px(xMax) - 4}" y="${py(r.y) - 4}" text-anchor="end" fill="#555">${esc(r.name)}</text>`);
  }
  p.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    if (pts.length === 0) return;
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`<rect x="${px(0) + 10}" y="${M.top + 4 + i * 16}" width="10" height="10" fill="${color}"/>`);
    out.push(`<text x="${px(0) + 24}" y="${M.top + 13 + i * 16}">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

/** Panels side by side in one SVG document, over the same x axis label. */
export function chart(panels: Panel[], xLabel: string, caption: string): string {
  const width = W * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 20}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((p, i) => panel(p, xLabel, i * W)),
    `<text x="8" y="${H + 14}" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
