// Security headers on every response (pages cannot be framed, run no inline script, leak no referrer), and the URL length limit.
import type { Context } from 'koa';

/** The pages' policy. Images may also come from the exact https origins of configured logos (clients' logo_uri, the brand's). */
export function contentSecurityPolicy(imageOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    // Scripts only from Gatehouse's own files (the passkey pages), which fetch ceremony options from Gatehouse itself.
    "script-src 'self'",
    "connect-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data:", ...imageOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Sets the headers before the response is made. A page that needs its own policy (oidc-provider's form_post
 * auto-submit) replaces the CSP afterwards.
 */
export function securityHeaderSetter(options: { hsts: boolean; imageOrigins?: readonly string[] }): (ctx: Context) => void {
  const CSP = contentSecurityPolicy(options.imageOrigins);
  return (ctx) => {
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}

/** Answers 414 and returns true when the URL is over the limit. */
export function refuseLongUrl(ctx: Context, maxUrlBytes: number): boolean {
  // Characters never outnumber bytes: only a URL long in characters needs its bytes counted.
  if (ctx.url.length <= maxUrlBytes / 3 || Buffer.byteLength(ctx.url) <= maxUrlBytes) return false;
  ctx.status = 414;
  ctx.body = { error: 'invalid_request', error_description: 'request URL too long' };
  return true;
}
