// Writes a run's report three ways: RESULTS.md, its chart, and the measurements as JSON (to re-render or to check).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderChartFor, renderReport, type Report } from './report.js';

/** `out` is the Markdown file; the chart and the JSON go beside it under the same name. */
export function writeReport(report: Report, out: string, progress: (line: string) => void): void {
  const base = path.join(path.dirname(out), path.basename(out, path.extname(out)));
  const chart = path.join(path.dirname(out), report.chartFile);
  writeFileSync(chart, renderChartFor(report));
  writeFileSync(`${base}.json`, `${JSON.stringify({ ...report, analysisFile: undefined }, null, 2)}\n`);
  writeFileSync(out, renderReport(report));
  for (const file of [chart, `${base}.json`, out]) progress(`wrote ${file}`);
}
