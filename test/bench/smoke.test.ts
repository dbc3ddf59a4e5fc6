// The benchmark runner works end to end on one short case: it starts the servers, loads them, and writes its table.
// No speed is asserted here: speed is measured by `npm run bench`, never by tests.
import { describe, it, expect } from '@jest/globals';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runProcess } from '../helpers/run-process.js';

const RUNNER = 'dist-bench/bench/run.js';
const RENDERER = 'dist-bench/bench/render.js';

describe('npm run bench (smoke)', () => {
  it('runs one short case against Gatehouse and bare oidc-provider, plus one sign-in, and writes RESULTS.md', async () => {
    expect(existsSync(path.join(ROOT, RUNNER))).toBe(true); // built by `npm test` (build:bench)
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-smoke-')), 'RESULTS.md');
    const result = await runProcess(
      RUNNER,
      [
        '--targets',
        'gatehouse,bare-memory',
        '--cases',
        'discovery',
        '--connections',
        '2',
        '--warmup',
        '0',
        '--duration',
        '1',
        '--rounds',
        '2',
        '--sign-in-users',
        '1',
        '--out',
        out,
      ],
      {},
    );
    expect(result.stderr).toContain(`wrote ${out}`);
    expect(result.code).toBe(0);
    // The chart beside it, one bar per server and case, and the report pointing at it.
    const chart = readFileSync(out.replace(/\.md$/, '.svg'), 'utf8');
    expect(chart).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(chart).toContain('Discovery document (req/s)');
    expect(chart).toContain('bare oidc-provider, in memory');

    const table = readFileSync(out, 'utf8');
    expect(table).toMatch(/^# Benchmark results/);
    expect(table).toMatch(/- \*\*Machine:\*\* \d+ × .+, Node v\d+/);
    expect(table).toContain('![req/s by case and server](RESULTS.svg)');
    // Both servers, with their storage, time to first ready response, RSS after start and peak RSS.
    expect(table).toMatch(/\| Gatehouse \| .+ \| \d+ ms \| \d+ MiB \| \d+ MiB \| – \|/);
    expect(table).toMatch(/\| bare oidc-provider, in memory \| .+ \| \d+ ms \| \d+ MiB \| \d+ MiB \| – \|/);
    // MongoDB commands per request, counted on Gatehouse, beside the budget (no bare server on MongoDB ran).
    expect(table).toMatch(/\| discovery \| 0 \| 0 \| – \| none \|/);
    expect(table).toMatch(/\| code \| (\d+) \| \1 \| – \| .*aggregate oidc_AuthorizationCode/);
    expect(table).toMatch(/\| sign-in \(remembered consent\) \| (\d+) \| \1 \| no login pages \|/);
    expect(table).toContain('measured 2 times on every server, round after round');
    // The one case at 2 connections: successful requests (the median round, within the range of both rounds),
    // latencies, no errors, and the ratio on Gatehouse's row.
    const row = (server: string) =>
      new RegExp(
        `\\| Discovery document \\| 2 \\| ${server} \\| (\\d+) \\| (\\d+)–(\\d+) \\| [\\d.]+ \\| [\\d.]+ \\| (\\d+) \\| ([^|]*) \\| (\\d+) \\|`,
      ).exec(table);
    const gatehouse = row('Gatehouse');
    const bare = row('bare oidc-provider, in memory');
    expect(gatehouse).not.toBeNull();
    expect(bare).not.toBeNull();
    expect(Number(gatehouse![1])).toBeGreaterThan(0);
    for (const found of [gatehouse!, bare!]) {
      expect(Number(found[2])).toBeLessThanOrEqual(Number(found[1]));
      expect(Number(found[1])).toBeLessThanOrEqual(Number(found[3]));
    }
    expect(gatehouse![4]).toBe('0');
    expect(bare![4]).toBe('0');
    expect(gatehouse![5]).toMatch(/^\d+\.\d\d×$/);
    // Server CPU per request, measured in the server process.
    expect(Number(gatehouse![6])).toBeGreaterThan(0);
    // Cases that were not run are not reported.
    expect(table).not.toContain('| JWKS |');
    // The full sign-in ran at least once without error, beside the KDF's own cost.
    expect(table).toMatch(/\| Full sign-in \(remembered consent\) \| 1 users \| [\d.]+\/s \| KDF bound \d+\/s \|/);
    const signIn =
      /\| 1 \| (\d+) \| ([\d.]+) \| ([\d., ]+) \| \d+ \| \d+ \| (\d+) \| argon2id m=19456 KiB, t=2, p=1 \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|/.exec(
        table,
      );
    expect(signIn).not.toBeNull();
    expect(Number(signIn![1])).toBeGreaterThanOrEqual(1);
    // Measured in as many rounds as the cases, the median round reported by the cases' rule (with two, the slower one).
    const rounds = signIn![3]!.split(', ').map(Number);
    expect(rounds).toHaveLength(2);
    expect(Number(signIn![2])).toBeCloseTo(Math.min(...rounds), 0);
    expect(signIn![4]).toBe('0');
    // The measurements are kept as JSON beside the report, and render the same report again without a run.
    const saved = JSON.parse(readFileSync(out.replace(/\.md$/, '.json'), 'utf8')) as { measurements: unknown[] };
    expect(saved.measurements).toHaveLength(2);
    const rendered = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-render-')), 'RESULTS.json');
    copyFileSync(out.replace(/\.md$/, '.json'), rendered);
    const again = await runProcess(RENDERER, [rendered], {});
    expect(again.code).toBe(0);
    expect(readFileSync(rendered.replace(/\.json$/, '.md'), 'utf8')).toBe(table);
  }, 180_000);
});
