// Security headers on every response (pages cannot be framed, run no inline script, leak no referrer), and the URL length limit.
import type { Middleware } from 'koa';

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

export function securityHeaders(options: { hsts: boolean; maxUrlBytes: number; imageOrigins?: readonly string[] }): Middleware {
  const CSP = contentSecurityPolicy(options.imageOrigins);
  return async (ctx, next) => {
    if (Buffer.byteLength(ctx.url) > options.maxUrlBytes) {
      ctx.status = 414;
      ctx.body = { error: 'invalid_request', error_description: 'request URL too long' };
    } else await next();
    // oidc-provider sets its own policy on pages that need one (form_post auto-submit); keep it there.
    if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}
