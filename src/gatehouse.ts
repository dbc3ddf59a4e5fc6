// Assembles a running Gatehouse from a validated config: storage → keys → accounts → provider → Koa host → listener.
import type { RequestListener, Server } from 'node:http';
import type { Db, MongoClient } from 'mongodb';
import type Provider from 'oidc-provider';
import type { LoadedConfig } from './config/load.js';
import type { Logger } from './observability/logger.js';
import { selectStorageServer, type StorageServer } from './storage/storage-server.js';
import { connectDatabase } from './storage/connect.js';
import { recordDevDatabase } from './storage/dev-database.js';
import { createModelIndexes } from './storage/model-collections.js';
import { createPendingLogoutIndexes } from './storage/pending-logouts.js';
import { ensureSigningKeys, keyringFingerprint, loadCookieKeys, loadSigningJwks, sealPlaintextKeys } from './keys/signing-keys.js';
import { watchKeys } from './keys/key-watcher.js';
import { LiveProvider } from './provider/live-provider.js';
import { createProvider, type ProviderDeps } from './provider/create-provider.js';
import { instrumentProvider, type Instruments } from './provider/instrument-provider.js';
import { deliveryReport } from './provider/logout-deliveries.js';
import { deliverPendingLogouts } from './provider/pending-logout-delivery.js';
import { AccountStore } from './accounts/account-store.js';
import { PasswordAuthenticator } from './accounts/authenticator.js';
import { hashingPolicy, type HashingPolicy } from './accounts/password.js';
import { createFindAccount } from './accounts/find-account.js';
import { RequestAccounts } from './accounts/request-accounts.js';
import { createInteractionRouter } from './interactions/routes.js';
import { PendingSecondFactor } from './interactions/pending-second-factor.js';
import { Factors, relyingParty } from './factors/factors.js';
import { type AccountPageDeps, createAccountRouter } from './account/routes.js';
import { AccountSessions } from './account/account-sessions.js';
import { loadHooks } from './hooks/load-hooks.js';
import { guardHooks } from './hooks/hook-failure.js';
import { externalDirectory } from './hooks/directory.js';
import type { HookModule } from './hooks/types.js';
import { ClaimPolicy } from './tokens/claims.js';
import { createTokenPolicy, type TokenPolicy } from './tokens/token-policy.js';
import { FailureThrottle } from './security/failure-throttle.js';
import { LoginThrottle } from './security/login-throttle.js';
import { productionProblems, refuseProblems } from './security/production-checks.js';
import { AuditLog } from './audit/audit-log.js';
import { Metrics } from './observability/metrics.js';
import { startMetricsServer } from './observability/metrics-routes.js';
import { rendererFor, type Render } from './views/render.js';
import { overrideWarnings } from './views/overrides.js';
import { prepareDemo } from './demo/prepare-demo.js';
import { listen } from './http/listener.js';
import { createApp } from './app.js';

export { StartupRefused } from './errors/gatehouse-error.js';

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
  logger: Logger;
}

interface Storage {
  server: StorageServer;
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function startGatehouse({ config, logger }: StartOptions): Promise<Gatehouse> {
  if (config.production) refuseProblems(productionProblems(config));
  // Before storage: a broken hooks module is a configuration error, reported like one.
  const hooks = await loadHooks(config.hooks);
  const storage = await openStorage(config, logger);
  try {
    return await serve(config, logger, hooks, storage);
  } catch (error) {
    // A failed start must not leave a connection or an embedded server holding the process open.
    await storage.close().catch(() => {});
    throw error;
  }
}

async function openStorage(config: LoadedConfig, logger: Logger): Promise<Storage> {
  // Development keeps its data in the data folder unless told to throw it away; production has a URI or refuses,
  // and never looks at the folder.
  const dataDir = config.production || config.in_memory ? undefined : config.data_dir;
  const server = await selectStorageServer({
    uri: config.mongodb.uri,
    production: config.production,
    dataDir,
    notice: (line) => logger.info(line),
  });
  try {
    const monitorCommands = config.metrics.enabled && config.metrics.mongodb_commands;
    const { client, db } = await connectDatabase(server.uri, config.mongodb.database, { monitorCommands });
    // One line, a warning when the data will not outlive the process.
    if (server.persistent) logger.info({ storage: server.kind }, `storage: ${server.description}`);
    else logger.warn({ storage: server.kind }, `storage: ${server.description}`);
    // The CLI finds this server's database through the record instead of opening the folder the server holds.
    const forget = dataDir && server.kind !== 'mongodb' ? recordDevDatabase(dataDir, server.uri) : undefined;
    const close = async () => {
      forget?.();
      await client.close();
      await server.stop();
    };
    return { server, client, db, close };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function serve(config: LoadedConfig, logger: Logger, hooks: HookModule, storage: Storage): Promise<Gatehouse> {
  const { client, db } = storage;
  const stores = await openStores(config, logger, storage);
  const { metrics, audit, accounts } = stores;
  const passwordParams = hashingPolicy(config.password_hashing);
  const render = rendererFor(config);
  for (const warning of overrideWarnings(config.pages.views_dir)) logger.warn(warning);
  const demo = await prepareDemo({ config, db, accounts, passwordParams, render, logger });
  const cookieKeys = await loadCookieKeys(db);
  const guard = guardHooks(logger);
  const policy = createTokenPolicy(config);
  const throttles = await openThrottles(client, config);
  const logoutDeliveries = deliveryReport(logger, metrics);
  const live = await startLiveProvider(
    { config, db, logger, cookieKeys, render, policy, hooks, guard, accounts },
    { logger, metrics, audit, clientAuthThrottle: throttles.clientAuth, logoutDeliveries },
  );
  const pendingLogouts = deliverPendingLogouts(db, () => live.provider.current, config.backchannel_logout.poll_interval, {
    logger,
    report: logoutDeliveries,
  });
  const authenticator = new PasswordAuthenticator(accounts, passwordParams);
  const stopHashKinds = await authenticator.watchHashKinds();
  const pages = await userPages({
    config,
    db,
    stores,
    throttles,
    live: live.provider,
    authenticator,
    passwordParams,
    render,
    cookieKeys,
    policy,
    hooks,
    guard,
  });
  const separateMetrics = config.metrics.enabled && config.metrics.port !== undefined;
  const app = createApp({
    config,
    provider: live.provider,
    db,
    logger,
    render,
    cookieKeys,
    pages: demo ? [...pages, demo] : pages,
    demo: Boolean(demo),
    metrics: config.metrics.enabled && !separateMetrics ? metrics : undefined,
  });
  const stopWatching = () => {
    live.stop();
    pendingLogouts.stop();
    stopHashKinds();
  };
  const listeners = await startListeners(config, app.callback(), separateMetrics ? metrics : undefined).catch((error: Error) => {
    stopWatching();
    throw error;
  });
  return {
    url: `http://localhost:${listeners.port}`,
    port: listeners.port,
    server: listeners.server,
    db,
    storage: storage.server,
    provider: () => live.provider.current,
    close: async () => {
      stopWatching();
      await listeners.close();
      await storage.close();
    },
  };
}

/** The collections every request relies on, with their indexes, and the signing keys; the audit trail notes the start. */
async function openStores(config: LoadedConfig, logger: Logger, { client, db }: Storage) {
  await createModelIndexes(db);
  await createPendingLogoutIndexes(db);
  await protectStoredKeys(db, config.key_encryption_key, logger);
  await ensureSigningKeys(db, config.key_encryption_key);
  const metrics = new Metrics();
  metrics.watchMongo(client);
  const audit = new AuditLog(db, (error) => logger.warn({ err: { message: error.message } }, 'audit write failed'));
  await audit.createIndexes(config.audit.retention);
  await audit.record({ type: 'config.loaded', detail: { file: config.file, clients: config.clients.length, issuer: config.issuer } });
  const accounts = new AccountStore(db);
  await accounts.createIndexes();
  const factors = await openFactors(db, config, logger);
  const pendingSecondFactor = new PendingSecondFactor(db);
  await pendingSecondFactor.createIndexes();
  return { metrics, audit, accounts, factors, pendingSecondFactor };
}

/** Failure counters in MongoDB, shared by every instance: client secrets, passwords and second factors. */
async function openThrottles(client: MongoClient, config: LoadedConfig) {
  const clientAuth = new FailureThrottle(client, config.mongodb.database, 'client_auth_throttle', {
    subject: config.client_auth_throttling.per_client,
    source: config.client_auth_throttling.per_ip,
  });
  const login = new LoginThrottle(client, config.mongodb.database, config.login_throttling);
  const secondFactor = new LoginThrottle(client, config.mongodb.database, config.login_throttling, 'mfa_throttle');
  await Promise.all([clientAuth, login, secondFactor].map((throttle) => throttle.createIndexes()));
  return { clientAuth, login, secondFactor };
}

interface PageParts {
  config: LoadedConfig;
  db: Db;
  stores: Awaited<ReturnType<typeof openStores>>;
  throttles: Awaited<ReturnType<typeof openThrottles>>;
  live: LiveProvider;
  authenticator: PasswordAuthenticator;
  passwordParams: HashingPolicy;
  render: Render;
  cookieKeys: string[];
  policy: TokenPolicy;
  hooks: HookModule;
  guard: ReturnType<typeof guardHooks>;
}

/** The pages users see: sign-in and consent (with second factors), and their account page when it is on. */
async function userPages(parts: PageParts) {
  const { config, db, stores, throttles, live, authenticator, render, cookieKeys } = parts;
  const { accounts, factors, audit, metrics } = stores;
  const interactions = createInteractionRouter({
    live,
    accounts,
    authenticator,
    render,
    csrfSecret: cookieKeys[0]!,
    catalog: scopeCatalog(config, parts.policy),
    directory: externalDirectory(parts.hooks, parts.guard, async (clientId) => (await live.current.Client.find(clientId)) ?? undefined),
    throttle: throttles.login,
    secondFactorThrottle: throttles.secondFactor,
    factors,
    pending: stores.pendingSecondFactor,
    audit,
    metrics,
    prefix: config.mount_prefix,
    formLimit: config.limits.max_form_bytes,
  });
  if (!config.account.enabled) return [interactions];
  const deps = {
    live,
    accounts,
    authenticator,
    passwordParams: parts.passwordParams,
    factors,
    throttle: throttles.login,
    audit,
    render,
    cookieKeys,
  };
  return [interactions, await accountRouter(db, config, deps)];
}

interface ProviderParts extends Omit<ProviderDeps, 'config' | 'jwks' | 'claims' | 'findAccount' | 'guard'> {
  config: LoadedConfig;
  logger: Logger;
  guard: ReturnType<typeof guardHooks>;
  accounts: AccountStore;
}

/** The provider behind a LiveProvider, rebuilt with the new key ring whenever another instance or the CLI rotates keys. */
async function startLiveProvider(parts: ProviderParts, instruments: Instruments) {
  const { db, logger, config, policy, hooks, guard, accounts } = parts;
  const requestAccounts = new RequestAccounts(accounts);
  const claims = new ClaimPolicy(policy, requestAccounts, hooks, guard);
  const findAccount = createFindAccount(requestAccounts, claims.accountClaims);
  const build = async () =>
    instrumentProvider(
      createProvider({ ...parts, jwks: await loadSigningJwks(db, config.key_encryption_key), claims, findAccount, guard: guard.sync }),
      instruments,
    );
  const fingerprint = await keyringFingerprint(db);
  const provider = new LiveProvider(await build());
  const watcher = watchKeys(db, fingerprint, config.keys.reload_interval, logger, async () => provider.replace(await build()));
  return { provider, stop: () => watcher.stop() };
}

/** The main listener, and the metrics listener when metrics have a port of their own. */
async function startListeners(config: LoadedConfig, handler: RequestListener, separateMetrics: Metrics | undefined) {
  const listener = await listen(handler, config);
  const metricsServer = separateMetrics
    ? await startMetricsServer(separateMetrics, config.metrics.port!, config.host, config.metrics.bearer_token).catch((error: Error) => {
        listener.server.close();
        throw error;
      })
    : undefined;
  return {
    ...listener,
    close: async () => {
      metricsServer?.close();
      await listener.close();
    },
  };
}

/** Keys are sealed whenever a key-encryption key is set; without one (development only) they are stored as they are. */
async function protectStoredKeys(db: Db, kek: string | undefined, logger: Logger): Promise<void> {
  if (!kek) {
    logger.warn('GATEHOUSE_KEY_ENCRYPTION_KEY is not set: signing keys are stored unencrypted (development only)');
    return;
  }
  const sealed = await sealPlaintextKeys(db, kek);
  if (sealed.length) logger.warn({ kids: sealed }, `sealed ${sealed.length} signing key(s) an earlier start stored in plaintext`);
}

/** /account, with its session store. */
async function accountRouter(
  db: Db,
  config: LoadedConfig,
  parts: Pick<AccountPageDeps, 'live' | 'accounts' | 'authenticator' | 'passwordParams' | 'factors' | 'throttle' | 'audit' | 'render'> & {
    cookieKeys: string[];
  },
) {
  const sessions = new AccountSessions(db, config.ttl.session);
  await sessions.createIndexes();
  return createAccountRouter({
    ...parts,
    db,
    sessions,
    passwordPolicy: { minLength: config.password_policy.min_length },
    csrfSecret: parts.cookieKeys[0]!,
    issuer: config.issuer,
    prefix: config.mount_prefix,
    formLimit: config.limits.max_form_bytes,
    reauthenticateAfter: config.account.reauthenticate_after,
  });
}

/** The factor stores, their indexes, and TOTP secrets an earlier start stored in plaintext sealed once a key-encryption key is set. */
async function openFactors(db: Db, config: LoadedConfig, logger: Logger): Promise<Factors> {
  const factors = new Factors(db, {
    kek: config.key_encryption_key,
    allowed: config.mfa.factors,
    rp: relyingParty(config.issuer, config.mfa.name),
  });
  await factors.createIndexes();
  const sealed = await factors.totp.sealPlaintext();
  if (sealed) logger.warn(`sealed ${sealed} TOTP secret(s) an earlier start stored in plaintext`);
  return factors;
}

/** What the consent page shows for each scope: its claims and its description from config. */
function scopeCatalog(config: LoadedConfig, policy: TokenPolicy) {
  return {
    claimsByScope: policy.claimsByScope,
    descriptions: {
      ...Object.fromEntries(config.resources.flatMap((resource) => Object.entries(resource.scopes))),
      ...Object.fromEntries(Object.entries(config.scopes).map(([name, scope]) => [name, scope.description])),
    },
  };
}
