// Prometheus metrics (prom-client) for one Gatehouse instance: HTTP, tokens, logins, throttling, reuse, logouts, MongoDB latency.
import type { Middleware } from 'koa';
import type { MongoClient } from 'mongodb';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly tokensIssued = new Counter({
    name: 'gatehouse_tokens_issued_total',
    help: 'Successful token endpoint grants by grant type and client',
    labelNames: ['grant_type', 'client_id'],
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'gatehouse_logins_total',
    help: 'Sign-in attempts by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly throttled = new Counter({
    name: 'gatehouse_throttled_requests_total',
    help: 'Requests refused by throttling',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly refreshReuse = new Counter({
    name: 'gatehouse_refresh_token_reuse_total',
    help: 'Rotated refresh tokens presented again (grant revoked)',
    registers: [this.registry],
  });
  readonly backchannelLogouts = new Counter({
    name: 'gatehouse_backchannel_logout_deliveries_total',
    help: 'Back-channel logout tokens sent to clients, by client and outcome (delivered, failed)',
    labelNames: ['client_id', 'outcome'],
    registers: [this.registry],
  });
  private readonly mongoLatency = new Histogram({
    name: 'gatehouse_mongodb_command_duration_seconds',
    help: 'MongoDB command latency by command and outcome',
    labelNames: ['command', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }

  /** Counts every request under its route pattern, never its raw path (ids in paths would explode cardinality). */
  readonly middleware: Middleware = async (ctx, next) => {
    const end = this.latency.startTimer();
    try {
      await next();
    } finally {
      const labels = {
        route: String(ctx._matchedRoute ?? ctx.oidc?.route ?? (ctx.status === 404 ? 'not_found' : 'other')),
        method: ctx.method,
        status: String(ctx.status),
      };
      this.requests.inc(labels);
      end(labels);
    }
  };

  /** Needs a MongoClient created with monitorCommands: true. */
  watchMongo(client: MongoClient): void {
    client.on('commandSucceeded', (event) =>
      this.mongoLatency.observe({ command: event.commandName, outcome: 'ok' }, event.duration / 1000),
    );
    client.on('commandFailed', (event) =>
      this.mongoLatency.observe({ command: event.commandName, outcome: 'error' }, event.duration / 1000),
    );
  }
}
