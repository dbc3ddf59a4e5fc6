// Exposes /metrics on the main listener or a separate port, optionally behind a bearer token (compared in constant time).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Metrics } from './metrics.js';
import { listenFailure } from '../errors/listen-error.js';

function authorized(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  // Hashing first gives equal lengths, so timingSafeEqual never throws and never leaks the token's length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}

export function addMetricsRoute(router: Router, metrics: Metrics, token: string | undefined): void {
  router.get('/metrics', async (ctx: Context) => {
    if (!authorized(ctx.get('authorization') || undefined, token)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { error: 'invalid_token' };
      return;
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}

/** A bare listener for /metrics alone, for deployments that keep metrics off the public port. */
export async function startMetricsServer(metrics: Metrics, port: number, host: string, token: string | undefined): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url !== '/metrics' || req.method !== 'GET') return res.writeHead(404).end();
    if (!authorized(req.headers.authorization, token)) return res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
    res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(listenFailure(error, port, 'metrics.port in config'));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return server;
}
