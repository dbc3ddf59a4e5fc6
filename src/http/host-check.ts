// Refuses requests for another host: the Host header writes discovery URLs, so in production it must be the issuer's.
import type { Context } from 'koa';

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: anything else is malformed. */
const WELL_FORMED_HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:\d{1,5})?$/;

/** Reached by address (container health checks, Kubernetes probes, Prometheus), never by the public name. */
const ANY_HOST_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface HostCheckOptions {
  issuer: string;
  /** In production only the issuer's host is served; in development any well-formed host (localhost, a LAN address). */
  production: boolean;
}

/**
 * Koa's ctx.host is the Host header, or the trusted proxy's X-Forwarded-Host. A malformed one is a 400 in every mode,
 * rather than an exception deep inside oidc-provider; a foreign one is a 400 in production. The check throws.
 */
export function hostChecker({ issuer, production }: HostCheckOptions): (ctx: Context) => void {
  const expected = new URL(issuer).host.toLowerCase();
  return (ctx) => {
    const host = ctx.host;
    if (!WELL_FORMED_HOST.test(host)) ctx.throw(400, 'malformed Host header');
    if (production && host.toLowerCase() !== expected && !ANY_HOST_PATHS.has(ctx.path))
      ctx.throw(400, `this server answers for ${expected} only`);
  };
}
