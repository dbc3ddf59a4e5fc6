// Assembles a running Gatehouse from a validated config: storage → keys → accounts → provider → Koa host → listener.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import type { Db, MongoClient } from 'mongodb';
import type Provider from 'oidc-provider';
import type { LoadedConfig } from './config/load.js';
import type { Logger } from './logger.js';
import { selectStorageServer, type StorageServer } from './storage/storage-server.js';
import { connectDatabase } from './storage/connect.js';
import { createModelIndexes } from './storage/model-collections.js';
import { ensureSigningKeys, keyringFingerprint, loadCookieKeys, loadSigningJwks } from './keys/signing-keys.js';
import { watchKeys } from './keys/key-watcher.js';
import { LiveProvider } from './provider/live-provider.js';
import { AccountStore } from './accounts/account-store.js';
import { PasswordAuthenticator, scryptParams } from './accounts/authenticator.js';
import { createProvider, mountPrefix } from './provider/create-provider.js';
import { scopeClaims } from './provider/scopes.js';
import { createInteractionRouter } from './interactions/routes.js';
import { loadHooks } from './hooks/load-hooks.js';
import { guardHooks } from './hooks/hook-failure.js';
import { ClaimPolicy } from './hooks/claims.js';
import { externalDirectory } from './hooks/directory.js';
import { allowedScopes } from './provider/scope-policy.js';
import { FailureThrottle } from './security/failure-throttle.js';
import { clientAuthThrottling } from './security/client-auth-throttle.js';
import { productionProblems, refusal } from './security/production-checks.js';
import { AuditLog } from './audit/audit-log.js';
import { isDatabaseUnavailable } from './storage/errors.js';
import { Metrics } from './observability/metrics.js';
import { startMetricsServer } from './observability/metrics-routes.js';
import { createRenderer } from './views/render.js';
import { DEMO_PASSWORD, DEMO_USERNAME, demoHome, demoLeftovers, seedDemo } from './demo/seed.js';
import { createDemoRouter } from './demo/routes.js';
import { createApp } from './app.js';
import type { HookModule } from './hooks/types.js';

/** Start-up checks that failed; each reason says how to fix it. */
export class StartupRefused extends Error {
  override name = 'StartupRefused';
  constructor(readonly reasons: string[]) {
    super(reasons.join('\n'));
  }
}

export interface Gatehouse {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly db: Db;
  readonly storage: StorageServer;
  /** The provider serving right now (it is swapped when signing keys rotate): for tools that mint artefacts, like the benchmarks. */
  provider(): Provider;
  /** Stops accepting, lets in-flight requests finish, then closes MongoDB and any embedded server. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: LoadedConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

async function openStorage(config: LoadedConfig, env: NodeJS.ProcessEnv) {
  const storage = await selectStorageServer({ uri: config.mongodb.uri, production: env.NODE_ENV === 'production' });
  try {
    const { client, db } = await connectDatabase(storage.uri, config.mongodb.database);
    return { storage, client, db };
  } catch (error) {
    await storage.stop();
    throw error;
  }
}

export async function startGatehouse({ config, env, logger }: StartOptions): Promise<Gatehouse> {
  if (env.NODE_ENV === 'production') {
    const problems = productionProblems(config, env);
    if (problems.length) throw new StartupRefused(problems.map(refusal));
  }
  // Before storage: a broken hooks module is a configuration error, reported like one.
  const hooks = await loadHooks(config.hooks);
  const { storage, client, db } = await openStorage(config, env);
  try {
    return await serve({ config, env, logger }, hooks, storage, client, db);
  } catch (error) {
    // A failed start must not leave a connection or an embedded server holding the process open.
    await client.close().catch(() => {});
    await storage.stop().catch(() => {});
    throw error;
  }
}

async function serve({ config, env, logger }: StartOptions, hooks: HookModule, storage: StorageServer, client: MongoClient, db: Db): Promise<Gatehouse> {
  const production = env.NODE_ENV === 'production';
  logger.info({ storage: storage.kind }, `storage: ${storage.description}`);
  if (storage.kind === 'wire-server') logger.warn('data is in memory and lost on exit; set MONGODB_URI to keep it');
  await createModelIndexes(db);
  const kek = env.GATEHOUSE_KEY_ENCRYPTION_KEY || undefined;
  if (!kek) logger.warn('GATEHOUSE_KEY_ENCRYPTION_KEY is not set: signing keys are stored unencrypted (development only)');
  await ensureSigningKeys(db, kek);

  const metrics = new Metrics();
  metrics.watchMongo(client);
  const audit = new AuditLog(db, (error) => logger.warn({ err: { message: error.message } }, 'audit write failed'));
  await audit.createIndexes(config.audit.retention);
  await audit.record({ type: 'config.loaded', detail: { file: config.file, clients: config.clients.length, issuer: config.issuer } });
  const accounts = new AccountStore(db);
  await accounts.createIndexes();
  const passwordParams = scryptParams(config.password_hashing);
  if (production) {
    const leftovers = await demoLeftovers(db, accounts);
    if (leftovers.length) throw new StartupRefused(leftovers.map(refusal));
  }
  const demo = !production && config.demo;
  if (demo && (await seedDemo(db, accounts, config.issuer, passwordParams)))
    logger.info(`created a demo user and client: open ${demoHome(config.issuer)} and sign in as "${DEMO_USERNAME}" with password "${DEMO_PASSWORD}"`);

  const prefix = mountPrefix(config.mount_path);
  const render = createRenderer({ assetPrefix: `${prefix}/assets` });
  const cookieKeys = await loadCookieKeys(db);
  const guard = guardHooks(logger);
  const allowed = allowedScopes(config);
  const claims = new ClaimPolicy(config, accounts, hooks, guard);
  const clientAuthThrottle = new FailureThrottle(client, config.mongodb.database, 'client_auth_throttle', {
    subject: config.client_auth_throttling.per_client,
    source: config.client_auth_throttling.per_ip,
  });
  const buildProvider = async () => {
    const provider = createProvider({ config, db, jwks: await loadSigningJwks(db, kek), cookieKeys, render, claims, hooks, guard: guard.sync, allowed });
    // oidc-provider answers its own 500s; without this they would reach no log.
    provider.on('server_error', (ctx, error: Error) => {
      if (isDatabaseUnavailable(error)) ctx.state.databaseUnavailable = true;
      logger.error({ requestId: ctx.state.requestId, route: ctx.oidc?.route, err: { name: error.name, message: error.message, stack: error.stack } }, 'provider server_error');
    });
    provider.on('grant.revoked', (ctx, grantId: string) => {
      const reuse = ctx.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token';
      if (reuse) metrics.refreshReuse.inc();
      void audit.record({ type: reuse ? 'refresh_token.reuse_detected' : 'grant.revoked', client: ctx.oidc?.client?.clientId, requestId: ctx.state.requestId, detail: { grantId, route: String(ctx.oidc?.route) } });
    });
    provider.use(clientAuthThrottling(clientAuthThrottle, metrics));
    provider.on('grant.success', (ctx) => {
      metrics.tokensIssued.inc({ grant_type: String(ctx.oidc.params?.grant_type), client_id: String(ctx.oidc.client?.clientId) });
    });
    provider.use(async (ctx, next) => {
      await next();
      // oidc-provider answers every internal failure with 500; an unreachable database is a 503 (retry later).
      if (ctx.state.databaseUnavailable && ctx.status === 500) ctx.status = 503;
      if (ctx.oidc?.route === 'revocation' && ctx.status === 200)
        void audit.record({ type: 'token.revoked', client: ctx.oidc.client?.clientId, requestId: ctx.state.requestId });
    });
    return provider;
  };
  const fingerprint = await keyringFingerprint(db);
  const live = new LiveProvider(await buildProvider());
  const keyWatcher = watchKeys(db, fingerprint, config.keys.reload_interval, logger, async () => live.replace(await buildProvider()));
  const interactions = createInteractionRouter({
    live,
    accounts,
    authenticator: new PasswordAuthenticator(accounts, passwordParams),
    render,
    csrfSecret: cookieKeys[0]!,
    catalog: {
      claimsByScope: scopeClaims(config),
      descriptions: {
        ...Object.fromEntries(config.resources.flatMap((resource) => Object.entries(resource.scopes))),
        ...Object.fromEntries(Object.entries(config.scopes).map(([name, scope]) => [name, scope.description])),
      },
    },
    directory: externalDirectory(hooks, guard, live),
    throttle: new FailureThrottle(client, config.mongodb.database, 'login_throttle', { subject: config.login_throttling.per_username, source: config.login_throttling.per_ip }),
    audit,
    metrics,
    prefix,
    formLimit: config.limits.max_form_bytes,
  });
  const pages = demo ? [interactions, createDemoRouter(config.issuer, render)] : [interactions];
  const separateMetrics = config.metrics.enabled && config.metrics.port !== undefined;
  const app = createApp({ config, provider: live, db, logger, render, production, cookieKeys, pages, metrics: config.metrics.enabled && !separateMetrics ? metrics : undefined });

  const server = createServer({ maxHeaderSize: config.limits.max_header_bytes, requestTimeout: config.limits.request_timeout * 1000 }, app.callback());
  server.headersTimeout = Math.min(config.limits.request_timeout * 1000, 60_000);
  server.listen(config.port, config.host);
  let metricsServer: Server | undefined;
  try {
    await once(server, 'listening');
    metricsServer = separateMetrics ? await startMetricsServer(metrics, config.metrics.port!, config.host, config.metrics.bearer_token) : undefined;
  } catch (error) {
    keyWatcher.stop();
    server.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    server,
    db,
    storage,
    provider: () => live.current,
    close: () => {
      keyWatcher.stop();
      metricsServer?.close();
      return closeAll(server, client, storage);
    },
  };
}

/** In-flight requests get this long to finish before their connections are cut, keeping exit under 10 s. */
const DRAIN_MS = 8000;
/**
 * A request whose bytes arrived just before the signal is not parsed yet, and its connection looks idle to Node:
 * idle connections are swept only after this grace, so such requests are answered rather than reset.
 */
const PARSE_GRACE_MS = 1000;

/**
 * Connections the kernel has queued but the process has not yet accepted would be reset by closing the listener:
 * they get this long to be accepted first (like a load balancer's deregistration delay, but short).
 */
const ACCEPT_DRAIN_MS = 500;

async function closeAll(server: Server, client: MongoClient, storage: StorageServer): Promise<void> {
  // Responses from now on end their keep-alive connections.
  server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
  await new Promise((resolve) => setTimeout(resolve, ACCEPT_DRAIN_MS));
  // net.Server's close stops accepting without http.Server's immediate sweep of "idle" connections.
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
  let idleSweep: NodeJS.Timeout | undefined;
  const grace = setTimeout(() => {
    server.closeIdleConnections();
    idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  }, PARSE_GRACE_MS);
  await closed;
  clearTimeout(grace);
  clearInterval(idleSweep);
  clearTimeout(deadline);
  await client.close();
  await storage.stop();
}
