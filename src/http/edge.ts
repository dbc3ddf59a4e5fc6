// What every request passes through once, in one async frame: its id, security headers, the URL limit, the Host
// check, the response deadline, replayed documents, the error page, the request metric and the access-log line.
import type { Context, Middleware } from 'koa';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Render } from '../views/render.js';
import { accessLogWriter, assignRequestId, routeOf } from './request-context.js';
import { refuseLongUrl, securityHeaderSetter } from './security-headers.js';
import { errorResponder } from './error-page.js';
import { hostChecker } from './host-check.js';
import { ResponseDeadlines } from './response-deadline.js';

export interface EdgeOptions {
  logger: Logger;
  render: Render;
  /** Absent when metrics are off. */
  metrics?: Metrics;
  trustProxy: boolean;
  hsts: boolean;
  maxUrlBytes: number;
  /** Origins configured logos are served from, allowed as images by the CSP. */
  imageOrigins: readonly string[];
  issuer: string;
  production: boolean;
  deadlineMs: number;
  /** Answers some requests from a snapshot of an earlier answer (discovery, JWKS), and keeps those snapshots. */
  snapshots?: AnswerSnapshots;
}

export interface AnswerSnapshots {
  answer(ctx: Context): boolean;
  keep(ctx: Context, route: string | undefined): void;
}

/** One layer for all of it: each async middleware layer costs every request a promise and its async-context bookkeeping. */
export function edge(options: EdgeOptions): Middleware {
  const { metrics, trustProxy, maxUrlBytes, snapshots } = options;
  const setSecurityHeaders = securityHeaderSetter(options);
  const checkHost = hostChecker(options);
  const deadlines = new ResponseDeadlines(options.deadlineMs);
  const respondWithError = errorResponder(options.render, options.logger);
  const writeAccessLine = accessLogWriter(options.logger);
  return async (ctx, next) => {
    const started = performance.now();
    const requestId = assignRequestId(ctx, trustProxy);
    setSecurityHeaders(ctx);
    try {
      if (!refuseLongUrl(ctx, maxUrlBytes)) {
        checkHost(ctx);
        if (!snapshots?.answer(ctx)) {
          await deadlines.run(ctx, next);
          snapshots?.keep(ctx, routeOf(ctx));
        }
      }
    } catch (caught) {
      respondWithError(ctx, caught);
    } finally {
      const ms = performance.now() - started;
      const route = routeOf(ctx);
      metrics?.observeRequest(route, ctx.method, ctx.status, ms / 1000);
      writeAccessLine(ctx, requestId, route, ms);
    }
  };
}
