// `node dist-bench/bench/render.js [bench/RESULTS.json]`: renders RESULTS.md and its chart again from a run's
// measurements, with today's bench/analysis.md, without running the bench again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from './report.js';
import { writeReport } from './write-report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const input = path.resolve(process.argv[2] ?? path.join(root, 'bench', 'RESULTS.json'));
const saved = JSON.parse(readFileSync(input, 'utf8')) as Omit<Report, 'date' | 'analysisFile'> & { date: string };
const report: Report = { ...saved, date: new Date(saved.date), analysisFile: path.join(root, 'bench', 'analysis.md') };
writeReport(report, input.replace(/\.json$/, '.md'), (line) => process.stderr.write(`${line}\n`));
