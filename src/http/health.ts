// Liveness (/healthz: the process answers) and readiness (/readyz: MongoDB answers a ping in time).
import type Router from '@koa/router';
import type { Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';
import { pingDatabase } from '../storage/connect.js';

export function addHealthRoutes(router: Router, db: Db, logger: Logger): void {
  // Probes arrive every few seconds: their access-log lines are debug, or they would bury everything else.
  router.get('/healthz', (ctx) => {
    ctx.state.logLevel = 'debug';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    ctx.state.logLevel = 'debug';
    ctx.set('Cache-Control', 'no-store');
    const ping = await pingDatabase(db);
    if (ping.ok) {
      ctx.body = { status: 'ready' };
      return;
    }
    // The driver's message names internal hosts: it goes to the log, the public answer stays generic.
    logger.warn({ requestId: ctx.state.requestId, reason: ping.reason }, 'readiness check failed');
    ctx.status = 503;
    ctx.body = { status: 'unavailable', reason: 'database unreachable' };
  });
}
