// Renders the run as an SVG chart: one panel per case, a bar per server and connection count, each panel on its own
// scale (JWKS serves thousands of requests per second, a code exchange hundreds), the value written on every bar.

export interface ChartBar {
  /** Which series (server) it belongs to: the legend and the colour. */
  series: string;
  /** Shown left of the bar, e.g. "10 conns". */
  label: string;
  value: number;
}

export interface ChartPanel {
  title: string;
  unit: string;
  bars: ChartBar[];
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#d62728', '#17becf'];
const WIDTH = 960;
const LABEL_WIDTH = 110;
const BAR_AREA = 700;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const PANEL_GAP = 18;
const TITLE_HEIGHT = 20;

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderChart(title: string, panels: ChartPanel[]): string {
  const series = [...new Set(panels.flatMap((panel) => panel.bars.map((bar) => bar.series)))];
  const colour = (name: string) => COLOURS[series.indexOf(name) % COLOURS.length]!;
  const parts: string[] = [];
  let y = 30;
  parts.push(`<text x="10" y="20" font-size="15" font-weight="bold">${xml(title)}</text>`);
  // Legend, wrapped over as many lines as it needs.
  let x = 10;
  y += 6;
  for (const name of series) {
    const width = 24 + name.length * 6.6;
    if (x + width > WIDTH - 10) {
      x = 10;
      y += 18;
    }
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colour(name)}"/>`);
    parts.push(`<text x="${x + 16}" y="${y}" font-size="11">${xml(name)}</text>`);
    x += width + 12;
  }
  y += 16;
  for (const panel of panels) {
    const max = Math.max(1, ...panel.bars.map((bar) => bar.value));
    parts.push(`<text x="10" y="${y + 14}" font-size="13" font-weight="bold">${xml(panel.title)} (${xml(panel.unit)})</text>`);
    y += TITLE_HEIGHT + 4;
    let previousLabel = '';
    for (const bar of panel.bars) {
      const width = Number.isFinite(bar.value) ? Math.max(1, (bar.value / max) * BAR_AREA) : 0;
      if (bar.label !== previousLabel) parts.push(`<text x="10" y="${y + BAR_HEIGHT - 3}" font-size="11">${xml(bar.label)}</text>`);
      previousLabel = bar.label;
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colour(bar.series)}"/>`);
      const text = Number.isFinite(bar.value) ? (bar.value >= 100 ? bar.value.toFixed(0) : bar.value.toFixed(1)) : '–';
      parts.push(`<text x="${LABEL_WIDTH + width + 4}" y="${y + BAR_HEIGHT - 3}" font-size="11">${text}</text>`);
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" role="img">`,
    // The accessible name a screen reader announces for the chart.
    `<title>${xml(title)}</title>`,
    `<rect width="${WIDTH}" height="${y}" fill="white"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
