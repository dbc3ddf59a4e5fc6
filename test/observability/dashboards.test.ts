// deploy/grafana and deploy/prometheus: well-formed, every PromQL expression parses, and queries only what a running Gatehouse exposes.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { parse as parseYaml } from 'yaml';
import { analysePromql, withoutGrafanaVariables, type PromqlUse } from '../helpers/promql.js';
import { ROOT } from '../helpers/run-process.js';
import {
  addUser,
  authorizationRequest,
  discover,
  exchange,
  expectPage,
  newBrowser,
  signIn,
  startFlowEnv,
  type FlowEnv,
} from '../helpers/oidc-flow.js';

const DASHBOARD_FILE = 'deploy/grafana/gatehouse-dashboard.json';
const RULES_FILE = 'deploy/prometheus/gatehouse-alerts.yml';
/** Series Prometheus itself writes for every scrape target; never in Gatehouse's output. */
const PROMETHEUS_OWN = new Set(['up']);
/** Labels Prometheus adds to every scraped series (the job name and target address). */
const TARGET_LABELS = ['job', 'instance'];

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}
interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const dashboard = JSON.parse(readFileSync(path.join(ROOT, DASHBOARD_FILE), 'utf8')) as Dashboard;
const rulesFile = parseYaml(readFileSync(path.join(ROOT, RULES_FILE), 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
const rules = (rulesFile?.groups ?? []).flatMap((group) => group.rules ?? []);
const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);

/** Every PromQL expression in both files, named by where it is. */
interface Expression {
  where: string;
  expr: string;
  use: PromqlUse;
}
function expressions(): Expression[] {
  const found: { where: string; expr: string }[] = [];
  for (const panel of panels)
    for (const target of panel.targets ?? []) found.push({ where: `dashboard panel "${panel.title}" ${target.refId}`, expr: target.expr });
  for (const variable of dashboard.templating.list.filter((candidate) => candidate.type === 'query')) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
    // Grafana's label_values(selector, label) wraps a PromQL selector; the label is checked like a grouping label.
    const wrapped = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
    found.push({
      where: `dashboard variable $${variable.name}`,
      expr: wrapped ? `sum by (${wrapped[2]}) (${wrapped[1]})` : query,
    });
  }
  for (const rule of rules) found.push({ where: `alert ${rule.alert}`, expr: rule.expr });
  return found.map((entry) => ({ ...entry, use: analysePromql(withoutGrafanaVariables(entry.expr)) }));
}

/** Series names a scrape exposes, mapped to their family (a histogram X exposes X_bucket, X_sum, X_count). */
function exposedSeries(scrape: string): Map<string, string> {
  const series = new Map<string, string>();
  for (const [, family, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
    for (const suffix of suffixes) series.set(`${family}${suffix}`, family!);
  }
  return series;
}

/** Label names seen on each family's samples (families without a sample yet are absent). */
function sampledLabels(scrape: string, series: Map<string, string>): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const [, name, body] of scrape.matchAll(/^([A-Za-z_:][\w:]*)(?:\{(.*)\})? \S+$/gm)) {
    const family = series.get(name!);
    if (!family) continue;
    const names = labels.get(family) ?? new Set<string>();
    for (const [, label] of (body ?? '').matchAll(/([A-Za-z_]\w*)="(?:[^"\\]|\\.)*"/g)) names.add(label!);
    labels.set(family, names);
  }
  return labels;
}

let env: FlowEnv;
let scrape: string;

beforeAll(async () => {
  env = await startFlowEnv('login_throttling:\n  per_username_and_ip: { attempts: 1, window: 15m, lockout: 15m }\n');
  await addUser(env.accounts, 'olga', 'olga-password-1');
  // Traffic, so most families carry samples and their label names can be checked too.
  const config = await discover(env.gatehouse, 'web');
  // offline_access brings a refresh token only when consent is asked for explicitly (OpenID Connect Core).
  const request = await authorizationRequest(config, { prompt: 'consent' });
  const tokens = await exchange(config, await signIn(newBrowser(), request, 'olga', 'olga-password-1'), request);
  await client.refreshTokenGrant(config, tokens.refresh_token!);
  for (let i = 0; i < 2; i++) {
    const browser = newBrowser();
    const login = expectPage(await browser.navigate((await authorizationRequest(config)).url.href), /Sign in/);
    await browser.submit(login, '/login', { username: 'ghost', password: 'wrong' });
  }
  await fetch(`${env.gatehouse.url}/readyz`);
  // Development serves /metrics on the main port without a token (README, Metrics and logs).
  const response = await fetch(`${env.gatehouse.url}/metrics`);
  expect(response.status).toBe(200);
  scrape = await response.text();
});
afterAll(async () => {
  await env.stop();
});

describe('Prometheus alerting rules (deploy/prometheus/gatehouse-alerts.yml)', () => {
  it('is YAML with groups of rules, each with alert, expr, for, a severity label and a summary and description', () => {
    expect(Array.isArray(rulesFile.groups) && rulesFile.groups.length > 0).toBe(true);
    const problems: string[] = [];
    for (const group of rulesFile.groups) {
      if (typeof group.name !== 'string' || !Array.isArray(group.rules) || group.rules.length === 0)
        problems.push(`group ${JSON.stringify(group.name)}: needs a name and rules`);
      for (const rule of group.rules ?? []) {
        const name = String(rule.alert);
        const extra = Object.keys(rule).filter(
          (key) => !['alert', 'expr', 'for', 'labels', 'annotations', 'keep_firing_for'].includes(key),
        );
        if (extra.length > 0) problems.push(`${name}: unknown keys ${extra.join(', ')}`);
        if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) problems.push(`${name}: alert names are CamelCase`);
        if (typeof rule.expr !== 'string' || !rule.expr.trim()) problems.push(`${name}: expr missing`);
        if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(String(rule.for))) problems.push(`${name}: for is not a Prometheus duration: ${rule.for}`);
        if (!['critical', 'warning'].includes(rule.labels?.severity ?? ''))
          problems.push(`${name}: labels.severity must be critical or warning`);
        for (const key of ['summary', 'description'])
          if (typeof rule.annotations?.[key] !== 'string' || !rule.annotations[key].trim())
            problems.push(`${name}: annotations.${key} missing`);
      }
    }
    expect(problems).toEqual([]);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it("names in its annotations only labels the alert's expression keeps", () => {
    const problems: string[] = [];
    for (const rule of rules) {
      const use = analysePromql(rule.expr);
      // Without an aggregation the alert carries the series' own labels: the target's and the selectors'.
      const kept = use.outputLabels ?? [...TARGET_LABELS, ...use.selectors.flatMap((selector) => selector.labels)];
      for (const [, label] of Object.values(rule.annotations ?? {})
        .join('\n')
        .matchAll(/\$labels\.(\w+)/g))
        if (!kept.includes(label!)) problems.push(`${rule.alert}: $labels.${label} is aggregated away (kept: ${kept.join(', ')})`);
    }
    expect(problems).toEqual([]);
  });

  it('alerts on errors, the database, sign-in failures, throttling, refresh-token reuse, back-channel failures and latency', () => {
    const used = new Set(rules.flatMap((rule) => analysePromql(rule.expr).selectors.map((selector) => selector.metric)));
    expect([...used].sort()).toEqual(
      expect.arrayContaining([
        'gatehouse_backchannel_logout_deliveries_total',
        'gatehouse_http_request_duration_seconds_bucket',
        'gatehouse_http_requests_total',
        'gatehouse_logins_total',
        'gatehouse_mongodb_operation_duration_seconds_bucket',
        'gatehouse_mongodb_pool_checkout_failures_total',
        'gatehouse_refresh_token_reuse_total',
        'gatehouse_throttled_requests_total',
        'up',
      ]),
    );
    expect(rules.find((rule) => rule.alert === 'GatehouseDatabaseUnreachable')?.expr).toMatch(/route="\/readyz",status="503"/);
  });

  const promtool = spawnSync('promtool', ['--version']).status === 0;
  (promtool ? it : it.skip)('passes promtool check rules (runs only where promtool is installed)', () => {
    const result = spawnSync('promtool', ['check', 'rules', path.join(ROOT, RULES_FILE)], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });
});

describe('Grafana dashboard (deploy/grafana/gatehouse-dashboard.json)', () => {
  it('is a dashboard Grafana imports: uid, title, a Prometheus data source variable, unique ids, panels on a 24-column grid that do not overlap', () => {
    expect(dashboard).toMatchObject({ uid: expect.any(String), title: 'Gatehouse', schemaVersion: expect.any(Number) });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const taken = new Map<string, string>();
    const problems: string[] = [];
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      if (x < 0 || w < 1 || x + w > 24) problems.push(`"${panel.title}": outside the 24 columns`);
      for (let row = y; row < y + h; row++)
        for (let column = x; column < x + w; column++) {
          const other = taken.get(`${row}:${column}`);
          if (other) problems.push(`"${panel.title}" overlaps "${other}"`);
          taken.set(`${row}:${column}`, panel.title);
        }
      if (panel.type === 'row') continue;
      if (panel.datasource?.uid !== '${datasource}') problems.push(`"${panel.title}": data source is not the $datasource variable`);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      if (refIds.length === 0 || new Set(refIds).size !== refIds.length)
        problems.push(`"${panel.title}": needs targets with distinct refIds`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('has a panel for every Gatehouse metric (process and Node.js defaults aside)', () => {
    const series = exposedSeries(scrape);
    const shown = new Set(
      expressions()
        .filter((expression) => expression.where.startsWith('dashboard'))
        .flatMap((expression) => expression.use.selectors.map((selector) => series.get(selector.metric))),
    );
    const families = [...new Set(series.values())].filter((family) => !/^gatehouse_(process|nodejs)_/.test(family));
    expect(families.length).toBeGreaterThanOrEqual(8);
    expect(families.filter((family) => !shown.has(family))).toEqual([]);
  });
});

describe('PromQL in the dashboard and the alerting rules', () => {
  it('parses with Prometheus grammar', () => {
    const all = expressions();
    expect(all.length).toBeGreaterThan(30);
    expect(all.flatMap(({ where, use }) => use.errors.map((error) => `${where}: ${error}`))).toEqual([]);
  });

  it('queries only metrics a running Gatehouse exposes at /metrics (histograms through _bucket, _sum, _count)', () => {
    const series = exposedSeries(scrape);
    expect(series.has('gatehouse_http_request_duration_seconds_bucket')).toBe(true);
    const all = expressions();
    const missing = all.flatMap(({ where, use }) =>
      use.selectors
        .filter((selector) => !series.has(selector.metric) && !PROMETHEUS_OWN.has(selector.metric))
        .map((selector) => `${where}: ${selector.metric}`),
    );
    expect(missing).toEqual([]);
    expect(all.flatMap(({ use }) => use.selectors).length).toBeGreaterThan(30);
  });

  it('uses only label names those metrics carry (for every metric with samples after a sign-in, a refresh and a lockout)', () => {
    const series = exposedSeries(scrape);
    const labels = sampledLabels(scrape, series);
    const known = (metric: string) => {
      if (PROMETHEUS_OWN.has(metric)) return new Set(TARGET_LABELS);
      const family = series.get(metric);
      const sampled = family ? labels.get(family) : undefined;
      return sampled && new Set([...sampled, ...TARGET_LABELS, ...(metric.endsWith('_bucket') ? ['le'] : [])]);
    };
    const problems: string[] = [];
    const unchecked = new Set<string>();
    for (const { where, use } of expressions()) {
      const perSelector = use.selectors.map((selector) => ({ selector, names: known(selector.metric) }));
      for (const { selector, names } of perSelector) {
        if (!names) unchecked.add(series.get(selector.metric) ?? selector.metric);
        else
          for (const label of selector.labels) if (!names.has(label)) problems.push(`${where}: ${selector.metric} has no label ${label}`);
      }
      if (perSelector.some(({ names }) => !names)) continue;
      const available = new Set(perSelector.flatMap(({ names }) => [...names!]));
      for (const label of use.groupingLabels)
        if (!available.has(label)) problems.push(`${where}: grouping by ${label}, which no selector has`);
    }
    expect(problems).toEqual([]);
    // Unsampled here, said so, not silently: back-channel deliveries (no sign-out reaches a receiver in this test) and
    // connection checkout failures (the database never fails to give a connection here).
    expect([...unchecked].sort()).toEqual([
      'gatehouse_backchannel_logout_deliveries_total',
      'gatehouse_mongodb_pool_checkout_failures_total',
    ]);
  });
});
