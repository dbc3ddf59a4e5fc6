// Server under test: bare node-oidc-provider, configured as close to Gatehouse as it allows, in memory ("memory")
// or on Gatehouse's MongoDB adapter ("mongo"), so the cost of our layer and of storage can be told apart.
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Provider, { errors, type Configuration } from 'oidc-provider';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { STANDARD_SCOPE_CLAIMS } from '../../src/tokens/scopes.js';
import { selectStorageServer } from '../../src/storage/storage-server.js';
import { connectDatabase } from '../../src/storage/connect.js';
import { createModelIndexes } from '../../src/storage/model-collections.js';
import { createMongoAdapter } from '../../src/storage/mongo-adapter.js';
import { API, API_SCOPE, CLIENT_METADATA, USER_CLAIMS, benchDatabase, storageLabel } from '../fixture.js';
import { serveUnderBench } from './child.js';
import { createMapAdapter } from './map-adapter.js';

const ACCOUNT_ID = 'bench-owner';
const DAY = 86_400;

async function signingKeys(): Promise<JWK[]> {
  // The algorithms Gatehouse publishes: RS256 for ID tokens, ES256 for API tokens, EdDSA on offer.
  const keys: JWK[] = [];
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    keys.push({ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg}-bench` });
  }
  return keys;
}

async function storage(kind: string) {
  if (kind === 'memory')
    return {
      description: "in-memory Map adapter (oidc-provider's MemoryAdapter without its 1000-entry cap)",
      adapter: createMapAdapter(),
      close: async () => {},
    };
  const server = await selectStorageServer({ uri: process.env.MONGODB_URI, production: false });
  const { client, db } = await connectDatabase(server.uri, benchDatabase('bare'));
  await createModelIndexes(db);
  return {
    description: `Gatehouse's adapter on ${storageLabel(server.kind)}`,
    adapter: createMongoAdapter(db),
    close: async () => {
      await db.dropDatabase().catch(() => {});
      await client.close();
      await server.stop();
    },
  };
}

await serveUnderBench(async () => {
  const port = Number(process.argv[2]);
  const store = await storage(process.argv[3] ?? 'memory');
  const configuration: Configuration = {
    adapter: store.adapter,
    clients: [CLIENT_METADATA],
    jwks: { keys: (await signingKeys()) as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: async (_ctx, id) => (id === ACCOUNT_ID ? { accountId: id, claims: async () => ({ sub: id, ...USER_CLAIMS }) } : undefined),
    claims: STANDARD_SCOPE_CLAIMS,
    scopes: ['openid', 'offline_access'],
    conformIdTokenClaims: false,
    // Gatehouse's default lifetimes.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 2 * DAY,
      Grant: 14 * DAY,
      Session: 14 * DAY,
      Interaction: 3600,
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== API) throw new errors.InvalidTarget();
          return { audience: API, scope: API_SCOPE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
  };
  const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
  const server = createServer(provider.callback());
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    storage: store.description,
    provider: () => provider,
    accountId: ACCOUNT_ID,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
});
