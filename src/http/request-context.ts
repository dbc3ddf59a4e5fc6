// Gives every request an id (from a trusted proxy header or fresh), counts it in the metrics and writes its access-log line.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/** A proxy's request id is kept only when it is plainly an id: short, and nothing a log viewer could misread. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** `metrics` absent when they are off. One layer for all three: every async layer costs each request a promise. */
export function requestContext(logger: Logger, trustProxy: boolean, metrics?: Metrics): Middleware {
  // The access line's fields are fixed and never secret, so its logger skips the redaction pass (a cost on every request).
  const accessLog = logger.child({}, { redact: { paths: [] } });
  return async (ctx, next) => {
    const fromProxy = trustProxy ? ctx.get('X-Request-Id') : '';
    const requestId = REQUEST_ID.test(fromProxy) ? fromProxy : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      // The path only: query strings can carry codes and hints that do not belong in logs. Routes polled by machines
      // (health probes) lower their line to debug through ctx.state.logLevel.
      const level: 'info' | 'debug' = ctx.state.logLevel ?? 'info';
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = ctx._matchedRoute ?? ctx.oidc?.route;
      metrics?.observeRequest(route, ctx.method, ctx.status, ms / 1000);
      if (accessLog.isLevelEnabled(level))
        accessLog[level](
          {
            requestId,
            method: ctx.method,
            path: ctx.path,
            route,
            status: ctx.status,
            ms,
            clientId: ctx.oidc?.client?.clientId,
          },
          'request',
        );
    }
  };
}
