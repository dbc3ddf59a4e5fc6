// Prometheus metrics (prom-client) for one Gatehouse instance: HTTP, tokens, logins, throttling, reuse, logouts, MongoDB latency.
import type { MongoClient } from 'mongodb';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FastHistogram } from './fast-histogram.js';

const MONGO_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class Metrics {
  readonly registry = new Registry();
  private readonly http = new FastHistogram(
    {
      name: 'gatehouse_http_request_duration_seconds',
      help: 'HTTP request latency by route, method and status',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      counter: { name: 'gatehouse_http_requests_total', help: 'HTTP requests by route, method and status' },
    },
    ['route', 'method', 'status'],
  );
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
  private readonly mongoOperations = new FastHistogram(
    {
      name: 'gatehouse_mongodb_operation_duration_seconds',
      help: 'MongoDB operations, from taking a pooled connection to giving it back (one command each for Gatehouse)',
      buckets: MONGO_BUCKETS,
    },
    [],
  );
  private readonly mongoPoolWait = new FastHistogram(
    { name: 'gatehouse_mongodb_pool_wait_seconds', help: 'Time spent waiting for a pooled MongoDB connection', buckets: MONGO_BUCKETS },
    [],
  );
  private readonly mongoCheckoutFailures = new Counter({
    name: 'gatehouse_mongodb_pool_checkout_failures_total',
    help: 'Operations that got no pooled MongoDB connection, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly mongoHeartbeat = new Gauge({
    name: 'gatehouse_mongodb_heartbeat_seconds',
    help: "Round trip of the driver's last heartbeat to the MongoDB server",
    registers: [this.registry],
  });
  private readonly mongoCommands = new FastHistogram(
    {
      name: 'gatehouse_mongodb_command_duration_seconds',
      help: 'MongoDB command latency by command and outcome (metrics.mongodb_commands: true)',
      buckets: MONGO_BUCKETS,
    },
    ['command', 'outcome'],
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
    // Per-command latency is registered only where it is recorded (watchMongo, with command monitoring on).
    for (const histogram of [this.http, this.mongoOperations, this.mongoPoolWait]) histogram.register(this.registry);
  }

  /** Counts a finished request under its route pattern, never its raw path (ids in paths would explode cardinality). */
  observeRequest(route: string | undefined, method: string, status: number, seconds: number): void {
    this.http.observe([route ?? (status === 404 ? 'not_found' : 'other'), method, String(status)], seconds);
  }

  /**
   * From the connection pool's events, which the driver emits anyway: operation time (checkout to check-in), pool
   * wait, checkout failures, heartbeat round trip. Per-command latency needs command monitoring, which materialises
   * every reply a second time for its event (tens of microseconds of CPU per command): only when the client was
   * created with it (metrics.mongodb_commands).
   */
  watchMongo(client: MongoClient): void {
    // Connection ids are unique within one pool only (each server's pool counts from 1): keyed by address, then id,
    // which keeps them apart while two pools are busy (a failover, several mongos) without a string built per event.
    const checkedOut = new Map<string, Map<number | string, number>>();
    const poolOf = (address: string) => {
      const known = checkedOut.get(address);
      if (known) return known;
      const pool = new Map<number | string, number>();
      checkedOut.set(address, pool);
      return pool;
    };
    client.on('connectionCheckedOut', (event) => {
      poolOf(event.address).set(event.connectionId, performance.now());
      this.mongoPoolWait.observe([], (event.durationMS ?? 0) / 1000);
    });
    client.on('connectionCheckedIn', (event) => {
      const pool = checkedOut.get(event.address);
      const since = pool?.get(event.connectionId);
      if (since === undefined) return;
      pool!.delete(event.connectionId);
      this.mongoOperations.observe([], (performance.now() - since) / 1000);
    });
    client.on('connectionCheckOutFailed', (event) => this.mongoCheckoutFailures.inc({ reason: event.reason }));
    client.on('serverHeartbeatSucceeded', (event) => this.mongoHeartbeat.set(event.duration / 1000));
    if (!client.options.monitorCommands) return;
    this.mongoCommands.register(this.registry);
    client.on('commandSucceeded', (event) => this.mongoCommands.observe([event.commandName, 'ok'], event.duration / 1000));
    client.on('commandFailed', (event) => this.mongoCommands.observe([event.commandName, 'error'], event.duration / 1000));
  }
}
