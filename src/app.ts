// The Koa host: health routes, the mounted oidc-provider, and a 404 for everything else.
import Koa from 'koa';
import mount from 'koa-mount';
import Router from '@koa/router';
import type Provider from 'oidc-provider';
import type { Db } from 'mongodb';
import type { LoadedConfig } from './config/load.js';
import type { Logger } from './logger.js';
import { addHealthRoutes } from './http/health.js';

export interface AppDeps {
  config: LoadedConfig;
  provider: Provider;
  db: Db;
  logger: Logger;
}

export function createApp({ config, provider, db, logger }: AppDeps): Koa {
  const app = new Koa();
  app.proxy = config.trust_proxy;
  app.silent = true;
  app.on('error', (error: Error & { status?: number; expose?: boolean }) => {
    if (!error.status || error.status >= 500) logger.error({ err: { name: error.name, message: error.message } }, 'request failed');
  });

  const router = new Router();
  addHealthRoutes(router, db);
  app.use(router.routes());
  app.use(mount(config.mount_path, provider));
  // oidc-provider has no catch-all: anything it did not answer ends here.
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', error_description: 'no such endpoint' };
  });
  return app;
}
