/**
 * Hand-written SVG charts (no dependencies): grouped bar panels on a grid, with an optional
 * min–max whisker per bar and a log or linear value axis.
 */

export interface Bar {
  key: string;
  value: number;
  lo?: number;
  hi?: number;
}

export interface Group {
  label: string;
  bars: Bar[];
}

export interface Panel {
  title: string;
  groups: Group[];
  log?: boolean;
  /** Appended to value labels, e.g. " s". */
  unit?: string;
}

export interface Series {
  key: string;
  label: string;
  color: string;
}

export interface Chart {
  title: string;
  subtitle?: string;
  series: Series[];
  /** Rows of panels. */
  rows: Panel[][];
  panelWidth?: number;
  panelHeight?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const r1 = (n: number) => Math.round(n * 10) / 10;

function label(v: number, unit = ""): string {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  const s =
    a >= 100
      ? Math.round(v).toString()
      : a >= 10
        ? v.toFixed(1).replace(/\.0$/, "")
        : v.toFixed(2).replace(/0$/, "");
  return s + unit;
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function drawPanel(p: Panel, series: Series[], x0: number, y0: number, w: number, h: number): string {
  const out: string[] = [];
  const left = 48;
  const top = 26;
  const bottom = 34;
  const plotW = w - left - 12;
  const plotH = h - top - bottom;
  const all = p.groups
    .flatMap((g) => g.bars.flatMap((b) => [b.value, b.hi ?? b.value]))
    .filter((v) => Number.isFinite(v));
  const maxV = Math.max(...all, p.log ? 10 : 0.001);
  let scale: (v: number) => number;
  let ticks: number[];
  if (p.log) {
    const top10 = 10 ** Math.ceil(Math.log10(maxV));
    const lo = 1;
    scale = (v) => plotH * (Math.log10(Math.max(v, lo)) / Math.log10(top10));
    ticks = [];
    for (let t = 1; t <= top10; t *= 10) ticks.push(t);
  } else {
    const top = niceMax(maxV);
    scale = (v) => plotH * (Math.max(0, v) / top);
    ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  }
  out.push(`<g transform="translate(${x0},${y0})">`);
  out.push(`<text x="${left}" y="16" class="pt">${esc(p.title)}</text>`);
  for (const t of ticks) {
    const y = r1(top + plotH - scale(t));
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}" class="grid"/>`);
    out.push(`<text x="${left - 5}" y="${y + 3}" class="tick" text-anchor="end">${esc(label(t))}</text>`);
  }
  const groupW = plotW / Math.max(1, p.groups.length);
  p.groups.forEach((g, gi) => {
    const n = g.bars.length;
    const barW = Math.min(34, (groupW * 0.8) / Math.max(1, n));
    const gx = left + gi * groupW + (groupW - barW * n) / 2;
    g.bars.forEach((b, bi) => {
      const color = series.find((s) => s.key === b.key)?.color ?? "#888";
      const bh = Number.isFinite(b.value) ? scale(b.value) : 0;
      const x = r1(gx + bi * barW);
      const y = r1(top + plotH - bh);
      out.push(`<rect x="${x}" y="${y}" width="${r1(barW - 2)}" height="${r1(bh)}" fill="${color}"/>`);
      if (b.lo !== undefined && b.hi !== undefined && Number.isFinite(b.lo) && Number.isFinite(b.hi)) {
        const cx = r1(x + (barW - 2) / 2);
        const ylo = r1(top + plotH - scale(b.lo));
        const yhi = r1(top + plotH - scale(b.hi));
        out.push(`<line x1="${cx}" x2="${cx}" y1="${ylo}" y2="${yhi}" class="wh"/>`);
        out.push(`<line x1="${cx - 3}" x2="${cx + 3}" y1="${yhi}" y2="${yhi}" class="wh"/>`);
        out.push(`<line x1="${cx - 3}" x2="${cx + 3}" y1="${ylo}" y2="${ylo}" class="wh"/>`);
      }
      out.push(
        `<text x="${r1(x + (barW - 2) / 2)}" y="${r1(Math.min(y, top + plotH) - 3)}" class="val" text-anchor="middle">${esc(label(b.value, p.unit))}</text>`,
      );
    });
    out.push(
      `<text x="${r1(left + gi * groupW + groupW / 2)}" y="${top + plotH + 16}" class="gl" text-anchor="middle">${esc(g.label)}</text>`,
    );
  });
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" class="axis"/>`);
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" class="axis"/>`);
  out.push(`</g>`);
  return out.join("\n");
}

export function renderChart(chart: Chart): string {
  const pw = chart.panelWidth ?? 460;
  const ph = chart.panelHeight ?? 230;
  const cols = Math.max(...chart.rows.map((r) => r.length));
  const header = chart.subtitle ? 74 : 56;
  const width = cols * pw + 20;
  const height = header + chart.rows.length * ph + 10;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
  );
  out.push(
    `<style>.t{font-size:16px;font-weight:bold}.st{font-size:11px;fill:#444}.pt{font-size:12px;font-weight:bold}` +
      `.tick{font-size:9px;fill:#555}.val{font-size:8.5px;fill:#222}.gl{font-size:11px}.lg{font-size:11px}` +
      `.grid{stroke:#e4e4e4;stroke-width:1}.axis{stroke:#333;stroke-width:1}.wh{stroke:#222;stroke-width:1}</style>`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="10" y="20" class="t">${esc(chart.title)}</text>`);
  if (chart.subtitle) out.push(`<text x="10" y="38" class="st">${esc(chart.subtitle)}</text>`);
  let lx = 10;
  const ly = header - 14;
  for (const s of chart.series) {
    out.push(`<rect x="${lx}" y="${ly - 9}" width="11" height="11" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 15}" y="${ly}" class="lg">${esc(s.label)}</text>`);
    lx += 22 + s.label.length * 6.2;
  }
  chart.rows.forEach((row, ri) => {
    row.forEach((panel, ci) => {
      out.push(drawPanel(panel, chart.series, 10 + ci * pw, header + ri * ph, pw, ph));
    });
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
