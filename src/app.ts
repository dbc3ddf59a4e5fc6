// The Koa host: the edge (request ids, headers, errors, Host check, deadline, access log), health, home page and assets,
// pages, the mounted oidc-provider, 404.
import Koa from 'koa';
import mount from 'koa-mount';
import Router from '@koa/router';
import type { Db } from 'mongodb';
import type { LoadedConfig } from './config/load.js';
import type { Logger } from './observability/logger.js';
import type { Render } from './views/render.js';
import { addHealthRoutes } from './http/health.js';
import { addAssetRoutes } from './http/assets.js';
import { addHomeRoutes } from './http/home.js';
import { edge } from './http/edge.js';
import { notFound } from './http/error-page.js';
import type { LiveProvider } from './provider/live-provider.js';
import { DocumentSnapshots } from './provider/document-snapshots.js';
import type { Metrics } from './observability/metrics.js';
import { addMetricsRoute } from './observability/metrics-routes.js';
import { pageRoutes } from './http/page-routes.js';
import { imageOrigins } from './branding/brand.js';

export interface AppDeps {
  config: LoadedConfig;
  provider: LiveProvider;
  db: Db;
  logger: Logger;
  render: Render;
  /** The provider's cookie keys: koa-mount runs oidc-provider on the host's context, so the host must sign alike. */
  cookieKeys: string[];
  /** Served at /metrics on this listener when given (otherwise metrics are off or on their own port). */
  metrics?: Metrics;
  /** Routers for pages served beside the provider (interactions, the development demo). */
  pages: Router[];
  /** Whether the development demo is among them: the home page links it. */
  demo: boolean;
}

export function createApp({ config, provider, db, logger, render, cookieKeys, pages, demo, metrics }: AppDeps): Koa {
  const app = new Koa();
  app.keys = cookieKeys;
  // Koa takes the client IP as the Nth X-Forwarded-For entry from the right: the one our own proxies appended.
  app.proxy = config.trust_proxy !== false;
  app.maxIpsCount = config.trust_proxy || 0;
  app.silent = true;

  app.use(
    edge({
      logger,
      render,
      metrics,
      trustProxy: config.trust_proxy !== false,
      hsts: config.production && config.issuer.startsWith('https:'),
      maxUrlBytes: config.limits.max_url_bytes,
      imageOrigins: imageOrigins([...config.clients.map((client) => client.logo_uri), config.branding.logo]),
      issuer: config.issuer,
      production: config.production,
      deadlineMs: config.limits.response_deadline * 1000,
      snapshots: new DocumentSnapshots(provider),
    }),
  );

  const router = new Router();
  addHealthRoutes(router, db, logger);
  if (metrics) addMetricsRoute(router, metrics, config.metrics.bearer_token);
  addAssetRoutes(router, config);
  addHomeRoutes(router, { config, demo, render });
  app.use(pageRoutes([{ router, allowedMethods: false }, ...pages.map((page) => ({ router: page, allowedMethods: true }))]));
  // koa-mount only rewrites paths; at "/" there is nothing to rewrite.
  app.use(config.mount_path === '/' ? provider.middleware : mount(config.mount_path, provider.middleware));
  // oidc-provider has no catch-all: anything it did not answer ends here.
  app.use(notFound(render));
  return app;
}
