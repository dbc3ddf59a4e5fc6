// Liveness (/healthz: the process answers) and readiness (/readyz: MongoDB answers a ping in time).
import type Router from '@koa/router';
import type { Db } from 'mongodb';
import { pingDatabase } from '../storage/connect.js';

export function addHealthRoutes(router: Router, db: Db): void {
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const ping = await pingDatabase(db);
    if (ping.ok) {
      ctx.body = { status: 'ready' };
      return;
    }
    ctx.status = 503;
    ctx.body = { status: 'unavailable', reason: `database: ${ping.reason}` };
  });
}
