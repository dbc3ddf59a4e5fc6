// Host errors (interaction pages, demo, 404) answer like oidc-provider's: an OAuth error code, a request id, no internals.
// HTML only for clients that ask for it (browsers); `*/*` and API clients get JSON.
import type { Context, Middleware } from 'koa';
import type { Logger } from '../observability/logger.js';
import type { Render } from '../views/render.js';
import { isDatabaseUnavailable } from '../storage/errors.js';
import { errorView } from '../views/error-view.js';
import { pageLocale, sendPage } from '../views/page.js';

interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  error?: string;
  error_description?: string;
}

/** Turns anything a request threw into its answer; 5xx errors are logged with the request id, never shown. */
export function errorResponder(render: Render, logger: Logger): (ctx: Context, caught: unknown) => void {
  return (ctx, caught) => {
    const error = caught as HttpError;
    const status = isDatabaseUnavailable(error) ? 503 : (error.status ?? error.statusCode ?? 500);
    const code = error.error ?? (status >= 500 ? 'server_error' : 'invalid_request');
    // Only 4xx errors say what went wrong; a 5xx message could leak internals.
    const description = status < 500 && error.expose !== false ? (error.error_description ?? error.message) : undefined;
    if (status >= 500)
      logger.error(
        { requestId: ctx.state.requestId, err: { name: error.name, message: error.message, stack: error.stack } },
        'request failed',
      );
    respond(ctx, render, status, code, description, error.name);
  };
}

/** The error page for browsers, an OAuth-style JSON body for everyone else. */
function respond(ctx: Context, render: Render, status: number, code: string, description?: string, name?: string): void {
  ctx.status = status;
  if (ctx.accepts('json', 'html') === 'html') {
    // No client is known here: the page's way on is the start page.
    sendPage(ctx, render, 'error.njk', errorView({ code, description, name, requestId: ctx.state.requestId }), pageLocale(render, ctx));
  } else {
    ctx.body = { error: code, ...(description ? { error_description: description } : {}) };
  }
}

/** The last middleware: nothing else answered, so the path does not exist. */
export function notFound(render: Render): Middleware {
  return (ctx) => respond(ctx, render, 404, 'not_found', 'no such endpoint');
}
