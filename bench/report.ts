// Renders bench/RESULTS.md (and its chart) from one run's measurements; every number in it comes from that run.
import { existsSync, readFileSync } from 'node:fs';
import type { LoadStats } from './load.js';
import type { SignInStats } from './sign-in.js';
import { TARGETS, type TargetName } from './target.js';
import type { LoadCase } from './cases.js';
import { PROTOCOL_PATHS, total, type CommandCounts, type RoundTrips } from './round-trips.js';
import { PROTOCOL_BUDGET, SIGN_IN_BUDGET, budgetCounts } from './round-trip-budget.js';
import { renderChart, type ChartPanel } from './chart.js';

export interface Measurement extends LoadStats {
  target: TargetName;
  case: string;
  connections: number;
  /** CPU microseconds the server process spent per successful request during the measured run. */
  cpuPerRequest: number;
  /** The figures above are the median round's (by req/s); errors are all rounds' together. */
  rounds: number;
  rpsMin: number;
  rpsMax: number;
}

export interface ServerInfo {
  target: TargetName;
  storage: string;
  readyMs: number;
  /** Resident memory right after the first ready response, before any load. */
  idleRss: number;
  peakRss: number;
  /** The separate database process's resident memory after the run, for targets that have one. */
  dbRss?: number;
}

export interface SignInRun extends SignInStats {
  target: TargetName;
}

export interface Report {
  date: Date;
  machine: { cpus: number; cpuModel: string; node: string; os: string; autocannon: string };
  settings: { warmupSeconds: number; durationSeconds: number; rounds: number; connections: number[] };
  servers: ServerInfo[];
  /** The cases that ran, in order (their names and titles: what the report shows). */
  cases: Array<Pick<LoadCase, 'name' | 'title'>>;
  measurements: Measurement[];
  signIns: SignInRun[];
  /** MongoDB commands per request, by target, for the targets that store in MongoDB. */
  roundTrips: Partial<Record<TargetName, RoundTrips>>;
  /** File name of the chart, next to the report. */
  chartFile: string;
  /** Hand-written explanations of the cases below the threshold (bench/analysis.md), included verbatim. */
  analysisFile: string;
}

/** Below this share of bare oidc-provider's throughput on the same storage, a case needs a cause found, fixed or explained. */
export const THRESHOLD = 0.9;
/** Complete sign-ins per second the sign-in case should reach (issue 13: 1.5× Keycloak's published figure per vCPU). */
export const SIGN_IN_GOAL = 45;

const num = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
/** Every round's sign-ins/s, in the order they ran. */
const signInRounds = (run: SignInRun) => run.rounds.map((perSecond) => num(perSecond, 1)).join(', ');
const mib = (bytes: number | undefined) => (bytes === undefined ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);
const label = (target: TargetName) => TARGETS[target].label;

function find(measurements: Measurement[], target: TargetName | undefined, name: string, connections: number) {
  return measurements.find((m) => m.target === target && m.case === name && m.connections === connections);
}

function share(a: Measurement | undefined, b: Measurement | undefined): number | undefined {
  return a && b && b.rps > 0 ? a.rps / b.rps : undefined;
}

const ratio = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(2)}×`);

/** Gatehouse's measurements that reached less than THRESHOLD of bare oidc-provider on the same storage. */
export function belowThreshold(report: Report): Array<{ measurement: Measurement; share: number }> {
  return report.measurements.flatMap((m) => {
    const value = share(m, find(report.measurements, TARGETS[m.target].sameStorage, m.case, m.connections));
    return TARGETS[m.target].gatehouse && value !== undefined && value < THRESHOLD ? [{ measurement: m, share: value }] : [];
  });
}

function counts(value: CommandCounts | undefined): string {
  if (!value) return '–';
  const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([command, n]) => (n > 1 ? `${n}× ${command}` : command)).join(', ');
}

function roundTripSection(report: Report): string[] {
  const gatehouse = report.roundTrips.gatehouse ?? report.roundTrips['gatehouse-devdb'];
  const bare = report.roundTrips['bare-mongo'] ?? report.roundTrips['bare-devdb'];
  if (!gatehouse && !bare) return [];
  const lines = [
    '',
    '## MongoDB round trips per request',
    '',
    "Commands the server sends to MongoDB for one request, counted with the driver's command monitoring (fewest over " +
      'three requests, so a background poll cannot inflate them). `test/bench/round-trips.test.ts` fails when ' +
      "Gatehouse's count on a path differs from its budget (`bench/round-trip-budget.ts`) or exceeds bare " +
      "oidc-provider's. A token's read also brings the grant oidc-provider reads next and, where Gatehouse needs it " +
      '(bare oidc-provider does not), the account: one `aggregate` with `$lookup`s where bare sends a `find` for each.',
    '',
    '| Path | Gatehouse | Budget | Bare oidc-provider, same adapter | Gatehouse sends |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const path of PROTOCOL_PATHS)
    lines.push(
      `| ${path} | ${gatehouse ? total(gatehouse[path]) : '–'} | ${total(PROTOCOL_BUDGET[path])} | ${bare ? total(bare[path]) : '–'} | ` +
        `${counts(gatehouse?.[path])} |`,
    );
  const signIn = budgetCounts(SIGN_IN_BUDGET);
  lines.push(
    `| sign-in (remembered consent) | ${gatehouse ? total(gatehouse['sign-in']) : '–'} | ${total(signIn)} | no login pages | ` +
      `${counts(gatehouse?.['sign-in'])} |`,
    '',
    'The sign-in budget, command by command:',
    '',
    '| Request | Command | Why |',
    '| --- | --- | --- |',
    ...SIGN_IN_BUDGET.map((entry) => `| ${entry.step} | ${entry.command} | ${entry.why} |`),
  );
  return lines;
}

function ratioSection(report: Report): string[] {
  const pairs = (Object.keys(TARGETS) as TargetName[]).filter(
    (target) => TARGETS[target].sameStorage && report.measurements.some((m) => m.target === target),
  );
  if (pairs.length === 0) return [];
  const header = pairs.map((target) => `${label(target)} | ${label(TARGETS[target].sameStorage!)} | ratio`).join(' | ');
  const lines = [
    '',
    '## Our layer: Gatehouse against bare oidc-provider on the same storage',
    '',
    `The goal is at least ${THRESHOLD}× on every case. A sign-in has no bare counterpart: its row gives sign-ins per ` +
      `second against the password KDF's own rate at the same concurrency (the most the machine could do) and the goal ` +
      `of ${SIGN_IN_GOAL} per second. req/s are each server's median round; the ratio compares the two medians.`,
    '',
    `| Case | Conns | ${header} |`,
    `| --- | ---: | ${pairs.map(() => '---: | ---: | ---:').join(' | ')} |`,
  ];
  for (const loadCase of report.cases)
    for (const connections of report.settings.connections) {
      const cells = pairs.map((target) => {
        const g = find(report.measurements, target, loadCase.name, connections);
        const b = find(report.measurements, TARGETS[target].sameStorage, loadCase.name, connections);
        return `${g ? num(g.rps) : '–'} | ${b ? num(b.rps) : '–'} | ${ratio(share(g, b))}`;
      });
      lines.push(`| ${loadCase.title} | ${connections} | ${cells.join(' | ')} |`);
    }
  const users = [...new Set(report.signIns.map((run) => run.users))];
  for (const count of users) {
    const cells = pairs.map((target) => {
      const run = report.signIns.find((s) => s.target === target && s.users === count);
      if (!run) return '– | – | –';
      const bound = run.kdf.perSecondAtConcurrency;
      const shares = `${ratio(run.perSecond / bound)} of bound, ${ratio(run.perSecond / SIGN_IN_GOAL)} of goal`;
      return `${num(run.perSecond, 1)}/s | KDF bound ${num(bound, 0)}/s | ${shares}`;
    });
    lines.push(`| Full sign-in (remembered consent) | ${count} users | ${cells.join(' | ')} |`);
  }
  return lines;
}

function chartPanels(report: Report): ChartPanel[] {
  const targets = [...new Set(report.measurements.map((m) => m.target))];
  const panels: ChartPanel[] = report.cases.map((loadCase) => ({
    title: loadCase.title,
    unit: 'req/s',
    bars: report.settings.connections.flatMap((connections) =>
      targets.map((target) => ({
        series: label(target),
        label: `${connections} conns`,
        value: find(report.measurements, target, loadCase.name, connections)?.rps ?? Number.NaN,
      })),
    ),
  }));
  if (report.signIns.length > 0)
    panels.push({
      title: 'Full sign-in (remembered consent)',
      unit: 'sign-ins/s',
      bars: report.signIns.map((run) => ({ series: label(run.target), label: `${run.users} users`, value: run.perSecond })),
    });
  return panels;
}

export function renderChartFor(report: Report): string {
  return renderChart(`Gatehouse and bare oidc-provider, ${report.date.toISOString().slice(0, 10)}`, chartPanels(report));
}

export function renderReport(report: Report): string {
  const { machine, settings } = report;
  const targets = [...new Set(report.measurements.map((m) => m.target))];
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` on ${report.date.toISOString().replace('T', ' ').slice(0, 16)} ` +
      `UTC. Regenerate rather than edit: every number below comes from one run.`,
    '',
    '## Machine and method',
    '',
    `- **Machine:** ${machine.cpus} × ${machine.cpuModel}, ${machine.os}, Node ${machine.node}.`,
    `- **Load:** autocannon ${machine.autocannon} as a library, in the runner's process on the same ` +
      `machine (it shares the CPUs with the server under test). Each case starts every server afresh, on 127.0.0.1; ` +
      `all stay up while the case runs, and only one is under load at a time. Peak RSS is the highest over the cases ` +
      `(each starts with an empty database); time to ready and RSS after start are from the first start.`,
    `- **Each case:** measured ${settings.rounds} times on every server, round after round, alternating servers (the ` +
      `order reversed every other round), so a slow moment on the machine falls on every server of a round rather than ` +
      `on one server's whole run. ${settings.durationSeconds} s per round, after a ${settings.warmupSeconds} s warm-up ` +
      `before each server's first round, at ${settings.connections.join(' and ')} connections, one request at a time ` +
      `per connection. The tables show each server's median round (by req/s) and the range of all its rounds; ` +
      `errors are counted over all rounds.`,
    '- **req/s** counts successful (2xx) responses only; **errors** are connection errors, timeouts ' +
      'and non-2xx responses. Latencies are per request, in milliseconds. **CPU µs/req** is the server ' +
      "process's CPU time over the measured run divided by its successful requests: steadier than req/s when " +
      'other work shares the machine.',
    '- **Storage:** the in-process targets keep their database inside the server process (the wire-protocol ' +
      'server, or MONGODB_URI when set); the "in its own process" targets talk to a `gatehouse dev-db` the ' +
      'bench starts first, as a production server talks to a mongod elsewhere.',
    '',
    '## Servers',
    '',
    '| Server | Storage | Time to first ready response | RSS after start | Peak RSS | Database process RSS |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...report.servers.map(
      (s) => `| ${label(s.target)} | ${s.storage} | ${num(s.readyMs)} ms | ${mib(s.idleRss)} | ${mib(s.peakRss)} | ${mib(s.dbRss)} |`,
    ),
    '',
    `![req/s by case and server](${report.chartFile})`,
    ...ratioSection(report),
    ...roundTripSection(report),
    '',
    '## Load cases',
    '',
    '| Case | Conns | Server | req/s | Rounds (req/s) | p50 ms | p99 ms | Errors | Ratio | CPU µs/req |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const loadCase of report.cases)
    for (const connections of settings.connections)
      for (const target of targets) {
        const m = find(report.measurements, target, loadCase.name, connections);
        if (!m) continue;
        const r = TARGETS[target].gatehouse ? ratio(share(m, find(report.measurements, 'bare-memory', loadCase.name, connections))) : '';
        lines.push(
          `| ${loadCase.title} | ${connections} | ${label(target)} | ${num(m.rps)} | ${num(m.rpsMin)}–${num(m.rpsMax)} | ` +
            `${num(m.p50, 1)} | ${num(m.p99, 1)} | ${m.errors} | ${r} | ` +
            `${num(m.cpuPerRequest)} |`,
        );
      }
  lines.push('', '**Ratio** is against bare oidc-provider in memory, where that server ran: Gatehouse with its storage against none.');
  if (targets.includes('gatehouse') && targets.includes('bare-mongo') && targets.includes('bare-memory')) {
    lines.push(
      '',
      '### Where the time goes (in-process storage)',
      '',
      '| Case | Conns | Gatehouse / bare | Gatehouse / bare on Mongo (our layer) | bare on Mongo / bare (storage) |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    for (const loadCase of report.cases)
      for (const connections of settings.connections) {
        const [g, b, bm] = (['gatehouse', 'bare-memory', 'bare-mongo'] as const).map((t) =>
          find(report.measurements, t, loadCase.name, connections),
        );
        if (g)
          lines.push(`| ${loadCase.title} | ${connections} | ${ratio(share(g, b))} | ${ratio(share(g, bm))} | ${ratio(share(bm, b))} |`);
      }
  }
  if (report.signIns.length > 0) {
    lines.push(
      '',
      '## Full sign-in throughput (Gatehouse)',
      '',
      'Scripted users, each in a fresh browser session every time, loop over authorize → login page → password → ' +
        'back to the provider (consent remembered: each user consented once before the run) → code exchange, over ' +
        `HTTP, ${settings.rounds} rounds of ${settings.durationSeconds} s after a ${settings.warmupSeconds} s warm-up. ` +
        'Sign-ins, sign-ins/s and latencies are the median round (by sign-ins/s); errors are counted over all rounds.',
      '',
      '| Server | Users | Sign-ins | Sign-ins/s | Rounds (sign-ins/s) | p50 ms | p99 ms | Errors | KDF | KDF ms per verification ' +
        '| KDF verifications/s at the same concurrency | Sign-ins/s ÷ KDF bound |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
    );
    for (const run of report.signIns) {
      const bound = run.kdf.perSecondAtConcurrency;
      lines.push(
        `| ${label(run.target)} | ${run.users} | ${run.signIns} | ${num(run.perSecond, 2)} | ${signInRounds(run)} | ${num(run.p50)} | ` +
          `${num(run.p99)} | ${run.errors} | ` +
          `${run.kdf.params} | ${num(run.kdf.msPerVerification, 1)} | ${num(bound, 2)} | ${bound > 0 ? (run.perSecond / bound).toFixed(2) : '–'} |`,
      );
      if (run.firstError) lines.push('', `First sign-in error (${label(run.target)}, ${run.users} users): \`${run.firstError}\``, '');
    }
    lines.push(
      '',
      'The KDF figures are measured in the Gatehouse process, idle, right after the sign-in run. Each sign-in ' +
        'verifies one password, so the KDF bound caps sign-ins per second; the last column shows how close the ' +
        'whole flow gets to it.',
    );
  }
  const below = belowThreshold(report);
  lines.push('', `## Cases below ${THRESHOLD}× bare oidc-provider on the same storage`, '');
  if (below.length === 0) lines.push('None in this run.');
  else
    lines.push(
      ...below.map(
        ({ measurement: m, share: value }) =>
          `- ${label(m.target)}: ${report.cases.find((c) => c.name === m.case)?.title ?? m.case}, ${m.connections} connections: ${ratio(value)}`,
      ),
    );
  const slowSignIns = report.signIns.filter((run) => run.target === 'gatehouse' && (run.perSecond < SIGN_IN_GOAL || run.errors > 0));
  if (slowSignIns.length > 0) lines.push('', `Sign-ins below the goal of ${SIGN_IN_GOAL} per second with no errors:`, '');
  for (const run of slowSignIns)
    lines.push(
      `- Full sign-in, ${run.users} users: ${num(run.perSecond, 1)}/s with ${run.errors} errors (goal: ${SIGN_IN_GOAL}/s, no errors)`,
    );
  if (existsSync(report.analysisFile)) lines.push('', readFileSync(report.analysisFile, 'utf8').trim());
  return `${lines.join('\n')}\n`;
}
