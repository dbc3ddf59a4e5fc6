// examples/resource-server: the tiny API accepts a real token and refuses expired, foreign-audience and under-scoped ones.
import type { Server } from 'node:http';
import { once } from 'node:events';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import type Koa from 'koa';
import type { Gatehouse } from '../../src/gatehouse.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { addUser, authorizationRequest, exchange, newBrowser, signIn, CALLBACK } from '../helpers/oidc-flow.js';

const API = 'https://orders.example.com';
const OPAQUE_API = 'https://orders-legacy.example.com';
const SECRET = 'rs-test-secret-0123456789abcdef0123456789';
const API_SECRET = 'orders-api-secret-0123456789abcdef01234567';

let storage: TestStorage;
let gatehouse: Gatehouse;
let api: Server;
let apiUrl: string;

beforeAll(async () => {
  storage = await startTestStorage();
  const client = (id: string, extra = '') => `  - client_id: ${id}
    client_secret: ${SECRET}
    redirect_uris: [${CALLBACK}]
    scope: openid read:orders write:orders
${extra}`;
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: `demo: false
default_resource: ${API}
password_hashing:
  argon2_memory_kib: 7168
resources:
  - indicator: ${API}
    scopes: { "read:orders": Read your orders, "write:orders": Change your orders }
  - indicator: ${OPAQUE_API}
    scopes: { "read:orders": Read your orders }
    access_token_format: opaque
    introspection_clients: [orders-api]
  - indicator: https://elsewhere.example.com
    scopes: { "read:orders": Read orders elsewhere }
clients:
${client('shop')}
${client('flash', '    access_token_ttl: 1s\n')}
  - client_id: orders-api
    client_secret: ${API_SECRET}
    grant_types: []
`,
  });
  await addUser(new AccountStore(storage.db), 'pat', 'pat-password-1');
  const { createApi } = (await import('../../examples/resource-server/api.mjs' as string)) as {
    createApi(options: Record<string, string>): Koa;
  };
  api = createApi({
    issuer: gatehouse.url,
    audience: API,
    opaqueAudience: OPAQUE_API,
    clientId: 'orders-api',
    clientSecret: API_SECRET,
  }).listen(0, '127.0.0.1');
  await once(api, 'listening');
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(async () => {
  api.close();
  await gatehouse.close();
  await storage.stop();
});

async function accessToken(clientId: string, resource: string, scope: string): Promise<string> {
  const config = await client.discovery(new URL(gatehouse.url), clientId, undefined, client.ClientSecretBasic(SECRET), {
    execute: [client.allowInsecureRequests],
  });
  const request = await authorizationRequest(config, { resource, scope: `openid ${scope}` });
  return (await exchange(config, await signIn(newBrowser(), request, 'pat', 'pat-password-1'), request)).access_token;
}

const call = (path: string, token: string) => fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('examples/resource-server', () => {
  it('accepts a JWT access token for its audience with the scope, verified with the JWKS only', async () => {
    const response = await call('/orders', await accessToken('shop', API, 'read:orders'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ orders: [{ id: 1 }], client: 'shop' });
  });

  it('gives a client that sends no resource parameter a token for the default resource', async () => {
    // Someone who has allowed shop nothing yet: pat's consent to read:orders on this API, given above, is remembered.
    await addUser(new AccountStore(storage.db), 'pia', 'pia-password-1');
    const config = await client.discovery(new URL(gatehouse.url), 'shop', undefined, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests],
    });
    const request = await authorizationRequest(config, { scope: 'openid read:orders' });
    const { access_token: token } = await exchange(config, await signIn(newBrowser(), request, 'pia', 'pia-password-1'), request);
    expect((await call('/orders', token)).status).toBe(200);
  });

  it("leaves a sign-in that asks for none of the default resource's scopes with a token /userinfo accepts", async () => {
    const config = await client.discovery(new URL(gatehouse.url), 'shop', undefined, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests],
    });
    // shop may ask for openid and the API's scopes only; pat allowed openid before, so no consent page shows.
    const request = await authorizationRequest(config, { scope: 'openid' });
    const tokens = await exchange(config, await signIn(newBrowser(), request, 'pat', 'pat-password-1', false), request);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.sub).toBe(tokens.claims()!.sub);
    expect((await call('/orders', tokens.access_token)).status).toBe(401);
  });

  it('accepts an opaque token through introspection with its own credentials', async () => {
    const response = await call('/opaque/orders', await accessToken('shop', OPAQUE_API, 'read:orders'));
    expect(response.status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const token = await accessToken('flash', API, 'read:orders');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await call('/orders', token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('refuses a token for another audience, on both routes', async () => {
    const elsewhere = await accessToken('shop', 'https://elsewhere.example.com', 'read:orders');
    expect((await call('/orders', elsewhere)).status).toBe(401);
    expect((await call('/opaque/orders', elsewhere)).status).toBe(401);
  });

  it('refuses a token without the scope with 403 insufficient_scope', async () => {
    const response = await call('/orders', await accessToken('shop', API, 'write:orders'));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });
});
