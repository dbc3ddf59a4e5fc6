// `npm run bench`: starts the servers on 127.0.0.1, loads them in rounds, and writes bench/RESULTS.md, its chart and its JSON.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir, type as osType, release } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.js';
import { runAutocannon, stats } from './load.js';
import type { Measurement, Report, ServerInfo } from './report.js';
import { writeReport } from './write-report.js';
import { medianBy } from './median.js';
import { signInThroughput } from './sign-in.js';
import { countRoundTrips } from './round-trips.js';
import { USER_PASSWORD } from './fixture.js';
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
    duration: { type: 'string', default: '5' },
    /** Each target is measured this many times per case, alternating with the others; the median round is reported. */
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10,50' },
    cases: { type: 'string', default: CASES.map((c) => c.name).join(',') },
    targets: { type: 'string', default: Object.keys(TARGETS).join(',') },
    'sign-in-users': { type: 'string', default: '8,16' },
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
const rounds = Number(options.rounds);
const connections = list(options.connections).map(Number);
const signInUsers = list(options['sign-in-users']).map(Number);
// Bounded: the bench never runs open-ended load.
if (!(warmupSeconds >= 0 && warmupSeconds <= 60)) fail('--warmup must be 0–60 seconds');
if (!(durationSeconds >= 1 && durationSeconds <= 120)) fail('--duration must be 1–120 seconds');
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 9)) fail('--rounds must be an integer 1–9');
if (!connections.length || connections.some((c) => !Number.isInteger(c) || c < 1 || c > 500)) fail('--connections must be integers 1–500');
if (signInUsers.some((users) => !Number.isInteger(users) || users < 0 || users > 200)) fail('--sign-in-users must be numbers 0–200');
const cases = list(options.cases).map(
  (name) => CASES.find((c) => c.name === name) ?? fail(`unknown case "${name}"; cases: ${CASES.map((c) => c.name).join(', ')}`),
);
const targets = list(options.targets).map((name) =>
  name in TARGETS ? (name as TargetName) : fail(`unknown target "${name}"; targets: ${Object.keys(TARGETS).join(', ')}`),
);

// Before the first server starts: a run of several minutes must not end unable to write its results.
mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });

const logDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-logs-'));
const progress = (line: string) => process.stderr.write(`${line}\n`);

/** Codes to pre-mint per warm-up second, before the server's own rate is known. */
const WARMUP_POOL_PER_SECOND = 1500;

type Round = Omit<Measurement, 'rounds' | 'rpsMin' | 'rpsMax'>;

/** One measured run; the first round of a case warms the server up, later rounds size their fixtures on the last rate. */
async function measure(target: Target, loadCase: (typeof CASES)[number], conns: number, lastRps?: number): Promise<Round> {
  let expected = WARMUP_POOL_PER_SECOND * durationSeconds * 2;
  if (lastRps !== undefined) {
    expected = Math.max(Math.ceil(lastRps * durationSeconds * 2) + 500, WARMUP_POOL_PER_SECOND * durationSeconds);
  } else if (warmupSeconds > 0) {
    const warm = await runAutocannon(
      target.url,
      conns,
      warmupSeconds,
      await loadCase.prepare(target, conns, WARMUP_POOL_PER_SECOND * warmupSeconds),
    );
    // Enough one-use fixtures for the measured run at twice the warm-up's rate (a warm-up still compiling, or one
    // that ran out of its own pool, understates the rate), and never fewer than the warm-up pool's rate allows.
    expected = Math.max(Math.ceil(stats(warm).rps * durationSeconds * 2) + 500, WARMUP_POOL_PER_SECOND * durationSeconds);
  }
  const requests = await loadCase.prepare(target, conns, expected);
  const cpuBefore = await target.cpuUsage();
  const result = stats(await runAutocannon(target.url, conns, durationSeconds, requests));
  const cpuPerRequest = ((await target.cpuUsage()) - cpuBefore) / Math.max(1, result.rps * durationSeconds);
  progress(
    `  ${target.name} ${loadCase.name} @${conns}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
      `${result.errors} errors, ${cpuPerRequest.toFixed(0)} µs CPU/req`,
  );
  return { target: target.name, case: loadCase.name, connections: conns, ...result, cpuPerRequest };
}

/** The median round by req/s, with the spread of all rounds and their errors added up (an error in any round counts). */
function summarise(runs: Round[]): Measurement {
  const rates = runs.map((run) => run.rps);
  return {
    ...medianBy(runs, (run) => run.rps),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    rounds: runs.length,
    rpsMin: Math.min(...rates),
    rpsMax: Math.max(...rates),
  };
}

const measurements: Measurement[] = [];
const servers: ServerInfo[] = [];
const signIns: Report['signIns'] = [];
const roundTrips: Report['roundTrips'] = {};
const logFile = (name: TargetName) => path.join(logDir, `${name}.log`);

for (const name of targets) {
  if (name === 'bare-memory') continue;
  progress(`${TARGETS[name].label}: counting MongoDB commands (log: ${logFile(name)})`);
  // A start of its own with command monitoring on, to count commands; the measured start below runs without it.
  const counter = await Target.start(name, logFile(name), undefined, true);
  try {
    const users = TARGETS[name].gatehouse ? await counter.command<string[]>({ type: 'create-users', count: 1, prefix: 'round-trip' }) : [];
    roundTrips[name] = await countRoundTrips({
      url: counter.url,
      commands: () => counter.command({ type: 'commands' }),
      mintCodes: (count) => counter.command({ type: 'mint-codes', count }),
      ...(users[0] ? { user: { username: users[0], password: USER_PASSWORD } } : {}),
    });
  } finally {
    await counter.stop();
  }
}

for (const name of targets) {
  const userCounts = TARGETS[name].gatehouse ? signInUsers.filter((count) => count > 0) : [];
  if (userCounts.length === 0) continue;
  // Before the load cases and on a fresh start: after them the runner process (where the scripted users run) has
  // carried 25 minutes of load generation, which measurably slowed the users, and a reused server would hold tens of
  // thousands of one-use grants for the development wire server (no secondary indexes) to scan on every consent lookup.
  const signInTarget = await Target.start(name, logFile(name), options['cpu-prof'] && path.resolve(options['cpu-prof'], `${name}-sign-in`));
  try {
    for (const users of userCounts) {
      const run = await signInThroughput(signInTarget, users, warmupSeconds, durationSeconds, rounds);
      signIns.push({ target: name, ...run });
      progress(
        `  sign-in: ${run.perSecond.toFixed(2)}/s with ${users} users, ${run.errors} errors; ` +
          `KDF ${run.kdf.msPerVerification.toFixed(1)} ms, ${run.kdf.perSecondAtConcurrency.toFixed(0)}/s at ${users} at once`,
      );
    }
  } finally {
    await signInTarget.stop();
  }
}

// Each case starts every server afresh (one-use codes and tokens of earlier cases would otherwise pile up in the
// in-process databases, whose expiry sweeps then run in idle servers while another is loaded). During a case all
// servers are up and only one is loaded at a time: the case is measured on every server in turn, round after round
// (the order reversed every other round), so a slow minute on this shared machine lands on all servers of a round
// rather than on one server's whole run.
const serverInfo = new Map<TargetName, ServerInfo>();
for (const loadCase of cases) {
  const running: Target[] = [];
  try {
    for (const name of targets) {
      const target = await Target.start(name, logFile(name), options['cpu-prof'] && path.resolve(options['cpu-prof'], name));
      running.push(target);
      // Time to ready and RSS after start from each server's first start.
      if (!serverInfo.has(name))
        serverInfo.set(name, { target: name, storage: target.storage, readyMs: target.readyMs, idleRss: await target.rss(), peakRss: 0 });
    }
    for (const conns of connections) {
      const runs = new Map<Target, Round[]>(running.map((target) => [target, []]));
      for (let round = 0; round < rounds; round++) {
        progress(`${loadCase.name} @${conns}, round ${round + 1} of ${rounds}`);
        for (const target of round % 2 === 0 ? running : [...running].reverse()) {
          const previous = runs.get(target)!;
          previous.push(await measure(target, loadCase, conns, previous.at(-1)?.rps));
        }
      }
      for (const target of running) measurements.push(summarise(runs.get(target)!));
    }
    for (const target of running) {
      const info = serverInfo.get(target.name)!;
      info.peakRss = Math.max(info.peakRss, await target.peakRss());
      const dbRss = await target.devDb?.rss();
      if (dbRss !== undefined) info.dbRss = Math.max(info.dbRss ?? 0, dbRss);
    }
  } finally {
    for (const target of running) await target.stop();
  }
}
servers.push(...targets.flatMap((name) => serverInfo.get(name) ?? []));

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
  settings: { warmupSeconds, durationSeconds, rounds, connections },
  servers,
  cases: cases.map(({ name, title }) => ({ name, title })),
  measurements,
  signIns,
  roundTrips,
  chartFile: `${path.basename(options.out, path.extname(options.out))}.svg`,
  analysisFile: path.join(root, 'bench', 'analysis.md'),
};
writeReport(report, options.out, progress);
