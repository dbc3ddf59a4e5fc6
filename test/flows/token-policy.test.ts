// Lifetimes, claims, scope narrowing and resource servers from config and hooks, observed through the real endpoints.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { Gatehouse } from '../../src/gatehouse.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import { startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { addUser, authorizationRequest, exchange, newBrowser, signIn, expectPage, CALLBACK } from '../helpers/oidc-flow.js';

const API = 'https://api.example.com';
const SECRET = 'policy-secret-0123456789abcdef0123456789';

const HOOKS = `
export function ttl(kind, { client }) {
  if (client?.clientId === 'hooked' && kind === 'AccessToken') return 123;
  if (client?.clientId === 'broken' && kind === 'AccessToken') throw new Error('ttl hook exploded');
  return undefined;
}
export async function claims(account, { use, client }) {
  if (client?.clientId === 'badclaims') return 42;
  return { department: account.claims.org_id === 'o1' ? 'engineering' : 'other', sub: 'hijacked', seen_use: use };
}
export async function accessTokenClaims({ client, account, resource }) {
  return { tenant: 'tenant-1', iss: 'https://evil.example', hook_resource: resource ?? 'none', hook_user: account?.username };
}
`;

function clientYaml(id: string, extra = '') {
  return `  - client_id: ${id}
    client_secret: ${SECRET}
    redirect_uris: [${CALLBACK}]
    grant_types: [authorization_code, refresh_token]
    scope: openid profile email offline_access roles org read:orders
${extra}`;
}

const CONFIG = `demo: false
password_hashing:
  argon2_memory_kib: 7168
ttl:
  access_token: 7m
  id_token: 20m
  refresh_token: 10m
  refresh_token_idle: 2m
scopes:
  roles:
    description: See your roles
    claims: [roles]
  org:
    description: See your organisation
    claims: [org_id, org_name, department]
claims:
  roles: [userinfo, access_token, introspection]
  org_id: [id_token, userinfo, access_token]
  org_name: [id_token]
resources:
  - indicator: ${API}
    scopes:
      read:orders: Read your orders
    access_token_format: jwt
    signing_alg: ES256
    access_token_ttl: 5m
    clients: [web, short, hooked, api-reader]
    introspection_clients: [api-reader]
  - indicator: https://opaque.example.com
    scopes:
      read:orders: Read your orders
    access_token_format: opaque
    introspection_clients: [api-reader]
clients:
${clientYaml('web')}
${clientYaml('short', '    access_token_ttl: 3m\n    id_token_ttl: 2m\n    refresh_token_ttl: 90s\n')}
${clientYaml('hooked')}
${clientYaml('broken')}
${clientYaml('badclaims')}
  - client_id: narrow
    client_secret: ${SECRET}
    redirect_uris: [${CALLBACK}]
    scope: openid email
  - client_id: api-reader
    client_secret: ${SECRET}
    grant_types: []
`;

let storage: TestStorage;
let gatehouse: Gatehouse;
let sub: string;

beforeAll(async () => {
  storage = await startTestStorage();
  const hooksFile = path.join(path.dirname(writeConfigFile('')), 'hooks.mjs');
  writeFileSync(hooksFile, HOOKS);
  gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: `hooks: ${hooksFile}\n${CONFIG}` });
  const accounts = new AccountStore(storage.db);
  sub = (await addUser(accounts, 'olga', 'olga-password-1', { email: 'olga@example.com', name: 'Olga' }))._id;
  await accounts.update('olga', { claims: { roles: ['admin', 'ops'], org_id: 'o1', org_name: 'Org One' } });
});
afterAll(async () => {
  await gatehouse.close();
  await storage.stop();
});

const discover = (clientId: string) =>
  client.discovery(new URL(gatehouse.url), clientId, undefined, client.ClientSecretBasic(SECRET), {
    execute: [client.allowInsecureRequests],
  });

async function tokensFor(clientId: string, params: Record<string, string> = {}) {
  const config = await discover(clientId);
  const request = await authorizationRequest(config, { prompt: 'consent', ...params });
  const tokens = await exchange(config, await signIn(newBrowser(), request, 'olga', 'olga-password-1'), request);
  return { config, tokens };
}

const lifetime = (jwt: string) => {
  const { exp, iat } = decodeJwt(jwt);
  return exp! - iat!;
};

describe('lifetimes, in order of precedence', () => {
  it('global ttl: expires_in, ID token exp and introspection exp follow config', async () => {
    const { config, tokens } = await tokensFor('web');
    expect(tokens.expires_in).toBe(420);
    expect(lifetime(tokens.id_token!)).toBe(1200);
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected.exp! - introspected.iat!).toBe(420);
  });

  it('a resource server lifetime beats the global one', async () => {
    const { tokens } = await tokensFor('web', { resource: API, scope: 'openid read:orders' });
    expect(tokens.expires_in).toBe(300);
    expect(lifetime(tokens.access_token)).toBe(300);
  });

  it('a client override beats the resource server and the global one', async () => {
    const { tokens } = await tokensFor('short', { resource: API, scope: 'openid read:orders' });
    expect(tokens.expires_in).toBe(180);
    expect(lifetime(tokens.id_token!)).toBe(120);
  });

  it('the ttl hook beats everything', async () => {
    const { config, tokens } = await tokensFor('hooked');
    expect(tokens.expires_in).toBe(123);
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected.exp! - introspected.iat!).toBe(123);
    const forApi = await tokensFor('hooked', { resource: API, scope: 'openid read:orders' });
    expect(forApi.tokens.expires_in).toBe(123);
    expect(lifetime(forApi.tokens.access_token)).toBe(123);
  });

  it('refresh tokens die after the idle window, and rotation never extends the absolute lifetime', async () => {
    const web = await tokensFor('web');
    const rt = await client.tokenIntrospection(web.config, web.tokens.refresh_token!);
    expect(rt.exp! - rt.iat!).toBe(120); // idle (2m) is shorter than absolute (10m)

    const short = await tokensFor('short');
    const first = await client.tokenIntrospection(short.config, short.tokens.refresh_token!);
    expect(first.exp! - first.iat!).toBe(90); // the client's absolute 90s is shorter than idle
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rotated = await client.refreshTokenGrant(short.config, short.tokens.refresh_token!);
    const second = await client.tokenIntrospection(short.config, rotated.refresh_token!);
    expect(second.iat!).toBeGreaterThan(first.iat!);
    expect(second.exp).toBe(first.exp);
  });
});

describe('claims by scope and destination', () => {
  it('sends each claim where config says, for granted scopes only', async () => {
    const { config, tokens } = await tokensFor('web', { scope: 'openid roles org' });
    const idToken = tokens.claims()!;
    expect(idToken).toMatchObject({ sub, org_id: 'o1', org_name: 'Org One', department: 'engineering' });
    expect(idToken.roles).toBeUndefined();
    expect(idToken.email).toBeUndefined();

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub);
    expect(userinfo).toMatchObject({ sub, roles: ['admin', 'ops'], org_id: 'o1', department: 'engineering' });
    expect(userinfo.org_name).toBeUndefined();

    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, sub, roles: ['admin', 'ops'], tenant: 'tenant-1', hook_user: 'olga' });
    expect(introspected.org_name).toBeUndefined();
  });

  it('puts access-token claims and hook claims into a JWT access token, never over reserved claims', async () => {
    const { tokens } = await tokensFor('web', { resource: API, scope: 'openid roles org read:orders' });
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.url}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: gatehouse.url,
      audience: API,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      sub,
      client_id: 'web',
      scope: 'read:orders',
      roles: ['admin', 'ops'],
      org_id: 'o1',
      tenant: 'tenant-1',
      hook_resource: API,
    });
    expect(payload.org_name).toBeUndefined();
    expect(payload.iss).toBe(gatehouse.url);
    expect(tokens.claims()!.sub).toBe(sub);
  });
});

describe('JWT access tokens at the introspection endpoint', () => {
  it('answer 200 per RFC 7662: active with their claims for allowed callers, inactive when tampered, foreign or disabled', async () => {
    const { tokens } = await tokensFor('web', { resource: API, scope: 'openid read:orders' });
    const introspect = async (clientId: string, token = tokens.access_token) => client.tokenIntrospection(await discover(clientId), token);
    const active = await introspect('web');
    expect(active).toMatchObject({ active: true, sub, client_id: 'web', scope: 'read:orders', aud: API, iss: gatehouse.url });
    expect(active.exp! - active.iat!).toBe(300);
    expect((await introspect('api-reader')).active).toBe(true);
    expect(await introspect('short')).toEqual({ active: false });
    const [header, payload, signature] = tokens.access_token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(tokens.access_token), client_id: 'short' })).toString('base64url')}.${signature}`;
    expect(payload).not.toBe(forged.split('.')[1]);
    expect(await introspect('short', forged)).toEqual({ active: false });

    const accounts = new AccountStore(storage.db);
    await addUser(accounts, 'pip', 'pip-password-1');
    const pip = await discover('web');
    const request = await authorizationRequest(pip, { prompt: 'consent', resource: API, scope: 'openid read:orders' });
    const pipTokens = await exchange(pip, await signIn(newBrowser(), request, 'pip', 'pip-password-1'), request);
    expect((await introspect('web', pipTokens.access_token)).active).toBe(true);
    await accounts.update('pip', { disabled: true });
    expect(await introspect('web', pipTokens.access_token)).toEqual({ active: false });
  });
});

describe('scope narrowing', () => {
  it('drops scopes the client may not use instead of failing, and tokens and introspection show the granted scope', async () => {
    const config = await discover('narrow');
    const browser = newBrowser();
    const request = await authorizationRequest(config, { scope: 'openid email profile roles' });
    const login = expectPage(await browser.navigate(request.url.href), /Sign in/);
    const consent = expectPage(await browser.submit(login, '/login', { username: 'olga', password: 'olga-password-1' }), /Allow access/);
    expect(consent.html).toContain('See your email address');
    expect(consent.html).not.toContain('See your roles');
    expect(consent.html).not.toContain('profile details');
    const callback = (await browser.submit(consent, '/confirm')).callback!;
    const tokens = await exchange(config, callback, request);
    expect(tokens.scope!.split(' ').sort()).toEqual(['email', 'openid']);
    expect((await client.tokenIntrospection(config, tokens.access_token)).scope!.split(' ').sort()).toEqual(['email', 'openid']);
  });
});

describe('resource servers', () => {
  it('refuses a resource the client may not ask for with invalid_target', async () => {
    const config = await discover('narrow');
    const request = await authorizationRequest(config, { resource: API, scope: 'openid' });
    const outcome = await newBrowser().navigate(request.url.href);
    expect(outcome.callback?.searchParams.get('error')).toBe('invalid_target');
  });

  it('issues opaque tokens that an introspection-only resource server can check with its own credentials', async () => {
    const { tokens } = await tokensFor('web', { resource: 'https://opaque.example.com', scope: 'openid read:orders' });
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const api = await discover('api-reader');
    expect(await client.tokenIntrospection(api, tokens.access_token)).toMatchObject({
      active: true,
      client_id: 'web',
      scope: 'read:orders',
      aud: 'https://opaque.example.com',
    });
  });

  it("tells only the token's client and the API it was issued for that a token is active", async () => {
    const { tokens } = await tokensFor('web', { resource: 'https://opaque.example.com', scope: 'openid offline_access read:orders' });
    // Another confidential client of the same provider learns nothing, not even the client_id.
    expect(await client.tokenIntrospection(await discover('short'), tokens.access_token)).toEqual({ active: false });
    expect((await client.tokenIntrospection(await discover('web'), tokens.access_token)).active).toBe(true);
    // The API's own client may check tokens for its audience only: the user's refresh token is not one.
    expect(await client.tokenIntrospection(await discover('api-reader'), tokens.refresh_token!)).toEqual({ active: false });
  });
});

describe('hooks that fail', () => {
  it.each(['broken', 'badclaims'])(
    '%s: a throwing ttl hook or an ill-typed claims hook is an OAuth server_error, and the server keeps serving',
    async (clientId) => {
      const config = await discover(clientId);
      const request = await authorizationRequest(config);
      const callback = await signIn(newBrowser(), request, 'olga', 'olga-password-1');
      const response = await fetch(config.serverMetadata().token_endpoint!, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          redirect_uri: CALLBACK,
          code_verifier: request.verifier,
        }),
      });
      expect(response.status).toBe(500);
      const body = (await response.json()) as Record<string, string>;
      expect(body.error).toBe('server_error');
      expect(JSON.stringify(body)).not.toContain('exploded');
      expect((await fetch(`${gatehouse.url}/healthz`)).status).toBe(200);
    },
  );
});
