// Gives every request an id (from a trusted proxy header or fresh) and writes one access-log line per request.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../observability/logger.js';

/** A proxy's request id is kept only when it is plainly an id: short, and nothing a log viewer could misread. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestContext(logger: Logger, trustProxy: boolean): Middleware {
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
      logger[level](
        {
          requestId,
          method: ctx.method,
          path: ctx.path,
          route: ctx.state.route ?? ctx._matchedRoute ?? ctx.oidc?.route,
          status: ctx.status,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          clientId: ctx.oidc?.client?.clientId,
        },
        'request',
      );
    }
  };
}
