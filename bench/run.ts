// `npm run bench`: starts each server in turn on 127.0.0.1, loads it, stops it, and writes bench/RESULTS.md.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, type as osType, release } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.js';
import { runAutocannon, stats } from './load.js';
import { renderReport, type Measurement, type Report, type ServerInfo } from './report.js';
import { signInThroughput } from './sign-in.js';
import { Target, TARGETS, type TargetName } from './target.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const { values: options } = parseArgs({
  options: {
    warmup: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10,50' },
    cases: { type: 'string', default: CASES.map((c) => c.name).join(',') },
    targets: { type: 'string', default: Object.keys(TARGETS).join(',') },
    'sign-in-users': { type: 'string', default: '8' },
    out: { type: 'string', default: path.join(root, 'bench', 'RESULTS.md') },
    /** Writes a V8 CPU profile of each server to this directory (open in Chrome DevTools). */
    'cpu-prof': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const warmupSeconds = Number(options.warmup);
const durationSeconds = Number(options.duration);
const connections = list(options.connections).map(Number);
const signInUsers = Number(options['sign-in-users']);
// Bounded: the bench never runs open-ended load.
if (!(warmupSeconds >= 0 && warmupSeconds <= 60)) fail('--warmup must be 0–60 seconds');
if (!(durationSeconds >= 1 && durationSeconds <= 120)) fail('--duration must be 1–120 seconds');
if (!connections.length || connections.some((c) => !Number.isInteger(c) || c < 1 || c > 500)) fail('--connections must be integers 1–500');
if (!Number.isInteger(signInUsers) || signInUsers < 0 || signInUsers > 200) fail('--sign-in-users must be 0–200');
const cases = list(options.cases).map(
  (name) => CASES.find((c) => c.name === name) ?? fail(`unknown case "${name}"; cases: ${CASES.map((c) => c.name).join(', ')}`),
);
const targets = list(options.targets).map((name) =>
  name in TARGETS ? (name as TargetName) : fail(`unknown target "${name}"; targets: ${Object.keys(TARGETS).join(', ')}`),
);

const logDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-logs-'));
const progress = (line: string) => process.stderr.write(`${line}\n`);

/** Codes to pre-mint per warm-up second, before the server's own rate is known. */
const WARMUP_POOL_PER_SECOND = 1500;

async function measure(target: Target, loadCase: (typeof CASES)[number], conns: number): Promise<Measurement> {
  let expected = WARMUP_POOL_PER_SECOND * durationSeconds * 2;
  if (warmupSeconds > 0) {
    const warm = await runAutocannon(
      target.url,
      conns,
      warmupSeconds,
      await loadCase.prepare(target, conns, WARMUP_POOL_PER_SECOND * warmupSeconds),
    );
    // Enough one-use fixtures for the measured run at half again the warm-up's rate.
    expected = Math.ceil(stats(warm).rps * durationSeconds * 1.5) + 500;
  }
  const result = stats(await runAutocannon(target.url, conns, durationSeconds, await loadCase.prepare(target, conns, expected)));
  progress(
    `  ${loadCase.name} @${conns}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors`,
  );
  return { target: target.name, case: loadCase.name, connections: conns, ...result };
}

const measurements: Measurement[] = [];
const servers: ServerInfo[] = [];
let signIn: Report['signIn'];
for (const name of targets) {
  const logFile = path.join(logDir, `${name}.log`);
  progress(`${TARGETS[name].label} (log: ${logFile})`);
  const target = await Target.start(name, logFile, options['cpu-prof'] && path.resolve(options['cpu-prof'], name));
  try {
    for (const loadCase of cases) for (const conns of connections) measurements.push(await measure(target, loadCase, conns));
    if (name === 'gatehouse' && signInUsers > 0) {
      signIn = await signInThroughput(target, signInUsers, warmupSeconds, durationSeconds);
      progress(
        `  sign-in: ${signIn.perSecond.toFixed(2)}/s with ${signInUsers} users, ${signIn.errors} errors; KDF ${signIn.kdf.msPerVerification.toFixed(0)} ms`,
      );
    }
    servers.push({ target: name, storage: target.storage, readyMs: target.readyMs, peakRss: await target.peakRss() });
  } finally {
    await target.stop();
  }
}

const autocannonVersion = (JSON.parse(readFileSync(path.join(root, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string })
  .version;
const report: Report = {
  date: new Date(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    node: process.version,
    os: `${osType()} ${release()}`,
    autocannon: autocannonVersion,
  },
  settings: { warmupSeconds, durationSeconds, connections },
  servers,
  cases,
  measurements,
  signIn,
  analysisFile: path.join(root, 'bench', 'analysis.md'),
};
writeFileSync(options.out, renderReport(report));
progress(`wrote ${options.out}`);
