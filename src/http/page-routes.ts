// Gatehouse's own routes beside the provider, run only for paths they could match: protocol requests skip them.
import compose from 'koa-compose';
import type Router from '@koa/router';
import type { Middleware } from 'koa';

/** What a route path could match: its whole path when it has no parameter, else the literal start before the first one. */
function matcher(path: string | RegExp): (requestPath: string) => boolean {
  if (typeof path !== 'string') return () => true;
  const end = path.search(/[:(*?]/);
  if (end !== -1) {
    const start = path.slice(0, end).toLowerCase();
    return (requestPath) => requestPath.startsWith(start);
  }
  // Routers are not strict: "/healthz/" matches "/healthz" too.
  const exact = path.toLowerCase().replace(/\/$/, '');
  return (requestPath) => requestPath === exact || requestPath === `${exact}/` || (exact === '' && requestPath === '/');
}

/**
 * `routers` in order, each with or without allowedMethods (405 answers). Routers match case-insensitively, so the
 * check does too; a path that could match a route still goes through the routers, which decide.
 */
export function pageRoutes(routers: Array<{ router: Router; allowedMethods: boolean }>): Middleware {
  const matchers = routers.flatMap(({ router }) => router.stack.map((layer) => matcher(layer.path)));
  const run = compose(
    routers.flatMap(({ router, allowedMethods }) => (allowedMethods ? [router.routes(), router.allowedMethods()] : [router.routes()])),
  ) as Middleware;
  return (ctx, next) => {
    const path = ctx.path.toLowerCase();
    return matchers.some((matches) => matches(path)) ? run(ctx, next) : next();
  };
}
