// A request's id (from a trusted proxy header or fresh) and its access-log line, for the edge middleware.
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { pino } from 'pino';
import type { Logger } from '../observability/logger.js';

/** A proxy's request id is kept only when it is plainly an id: short, and nothing a log viewer could misread. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Sets ctx.state.requestId and the X-Request-Id response header; returns the id. */
export function assignRequestId(ctx: Context, trustProxy: boolean): string {
  const fromProxy = trustProxy ? ctx.get('X-Request-Id') : '';
  const requestId = REQUEST_ID.test(fromProxy) ? fromProxy : randomUUID();
  ctx.state.requestId = requestId;
  ctx.set('X-Request-Id', requestId);
  return requestId;
}

/** The route pattern a request matched (a replayed answer's, Gatehouse's routers, else oidc-provider's), never its raw path. */
export function routeOf(ctx: Context): string | undefined {
  return ctx.state.route ?? ctx._matchedRoute ?? ctx.oidc?.route;
}

/** pino's numeric levels, for the two an access line is written at. */
const LEVEL_VALUES = { info: 30, debug: 20 } as const;

/**
 * Writes a finished request's line. The path only: query strings can carry codes and hints that do not belong in
 * logs. Routes polled by machines (health probes) lower their line to debug through ctx.state.logLevel.
 *
 * The line is formatted here, in pino's own format, and handed to the logger's destination: going through pino's
 * object serialisation cost about 14 µs per request, more than a whole JWKS answer's share of our layer. Its fields
 * are fixed and never secret, so it needs no redaction pass; strings go through JSON.stringify, so a path cannot
 * forge a field or a line.
 */
export function accessLogWriter(logger: Logger): (ctx: Context, requestId: string, route: string | undefined, ms: number) => void {
  const destination = (logger as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym];
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym];
  return (ctx, requestId, route, ms) => {
    const level: 'info' | 'debug' = ctx.state.logLevel ?? 'info';
    if (!logger.isLevelEnabled(level)) return;
    const clientId: string | undefined = ctx.oidc?.client?.clientId;
    destination.write(
      `{"level":${LEVEL_VALUES[level]},"time":${Date.now()}${bindings},"requestId":${JSON.stringify(requestId)},` +
        `"method":${JSON.stringify(ctx.method)},"path":${JSON.stringify(ctx.path)}` +
        `${route === undefined ? '' : `,"route":${JSON.stringify(route)}`},"status":${ctx.status},"ms":${ms}` +
        `${clientId === undefined ? '' : `,"clientId":${JSON.stringify(clientId)}`},"msg":"request"}\n`,
    );
  };
}
