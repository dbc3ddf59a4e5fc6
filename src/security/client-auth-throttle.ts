// Throttles failed client authentication at the token, introspection, revocation and PAR endpoints, per client_id and IP.
import type { Middleware, Next, ParameterizedContext } from 'koa';
import type { Metrics } from '../observability/metrics.js';
import type { FailureThrottle } from './failure-throttle.js';

const AUTHENTICATED_PATHS = new Set(['/token', '/token/introspection', '/token/revocation', '/request']);

/** oidc-provider's router matches paths case-insensitively and with a trailing slash: so must the throttle. */
function routePath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '');
}

function basicClientId(header: string): string | undefined {
  // RFC 7235: the scheme is case-insensitive, and oidc-provider accepts `basic` as well.
  const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, separator));
  } catch {
    return undefined;
  }
}

/**
 * oidc-provider middleware (provider.use). Client secrets are long random strings, so what matters is refusing a
 * guesser after a few failures, without refusing or slowing a busy client's concurrent requests: only failures are
 * counted, and a lockout is looked up before each request (cached briefly). The client_id is known up front only
 * from a Basic header; for client_secret_post the IP counter applies.
 */
export function clientAuthThrottling(throttle: FailureThrottle, metrics: Metrics): Middleware {
  const proceed = (ctx: ParameterizedContext, next: Next, subject: string | undefined, wait: number) => {
    if (wait > 0) {
      metrics.throttled.inc({ kind: 'client_auth' });
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
      ctx.body = { error: 'invalid_client', error_description: 'too many failed client authentication attempts; retry later' };
      return;
    }
    return next().then(() => throttle.settle(subject, ctx.ip, (ctx.body as { error?: string } | undefined)?.error !== 'invalid_client'));
  };
  // No async functions: a busy client's lockout answer is usually known already, and then no promise is made for it.
  const throttled: Middleware = (ctx, next) => {
    const fromHeader = basicClientId(ctx.get('authorization'));
    // Counting per client_id *and* IP means nobody can lock a real client out from somewhere else.
    const subject = fromHeader && `${fromHeader}|${ctx.ip}`;
    const wait = throttle.lockedFor(subject, ctx.ip);
    return typeof wait === 'number' ? proceed(ctx, next, subject, wait) : wait.then((known) => proceed(ctx, next, subject, known));
  };
  // Every other request (discovery, JWKS, userinfo) passes through without a promise of its own.
  return (ctx, next) => (ctx.method === 'POST' && AUTHENTICATED_PATHS.has(routePath(ctx.path)) ? throttled(ctx, next) : next());
}
