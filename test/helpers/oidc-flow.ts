// A Gatehouse with test clients and users, plus relying-party steps driven by openid-client.
import * as client from 'openid-client';
import { expect } from '@jest/globals';
import { AccountStore } from '../../src/accounts/account-store.js';
import { hashPassword, type HashingPolicy } from '../../src/accounts/password.js';
import type { Gatehouse } from '../../src/gatehouse.js';
import { Browser, type Page } from './browser.js';
import { startTestGatehouse } from './harness.js';
import { startTestStorage, type TestStorage } from './test-storage.js';

export const CALLBACK = 'http://127.0.0.1:9/cb';
export const LOGGED_OUT = 'http://127.0.0.1:9/logged-out';
export const SECRETS = {
  web: 'web-secret-0123456789abcdef0123456789',
  first: 'first-secret-0123456789abcdef01234567',
  legacy: 'legacy-secret-0123456789abcdef0123456',
};
/** The lowest argon2id memory config allows keeps the suite quick; production defaults are tested in the password tests. */
export const TEST_PASSWORD_HASHING = {
  algorithm: 'argon2id',
  memoryKib: 7168,
  iterations: 2,
  parallelism: 1,
} as const satisfies HashingPolicy;

export const CLIENTS_YAML = `password_hashing:
  argon2_memory_kib: ${TEST_PASSWORD_HASHING.memoryKib}
demo: false
clients:
  - client_id: web
    client_name: Web App
    client_secret: \${WEB_SECRET}
    redirect_uris: [${CALLBACK}]
    post_logout_redirect_uris: [${LOGGED_OUT}]
    grant_types: [authorization_code, refresh_token]
  - client_id: spa
    client_name: Single Page App
    token_endpoint_auth_method: none
    redirect_uris: [${CALLBACK}]
    grant_types: [authorization_code, refresh_token]
  - client_id: first
    client_name: First Party
    client_secret: ${SECRETS.first}
    redirect_uris: [${CALLBACK}]
    grant_types: [authorization_code, refresh_token]
    first_party: true
  - client_id: legacy
    client_name: Legacy
    client_secret: ${SECRETS.legacy}
    token_endpoint_auth_method: client_secret_post
    redirect_uris: [${CALLBACK}]
    require_pkce: false
`;

export interface FlowEnv {
  storage: TestStorage;
  gatehouse: Gatehouse;
  accounts: AccountStore;
  stop(): Promise<void>;
}

export async function startFlowEnv(extraYaml = ''): Promise<FlowEnv> {
  const storage = await startTestStorage();
  const gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: CLIENTS_YAML + extraYaml,
    env: { WEB_SECRET: SECRETS.web },
  });
  const accounts = new AccountStore(storage.db);
  return {
    storage,
    gatehouse,
    accounts,
    async stop() {
      await gatehouse.close();
      await storage.stop();
    },
  };
}

export async function addUser(accounts: AccountStore, username: string, password: string, claims: Record<string, unknown> = {}) {
  return accounts.create(username, await hashPassword(password, TEST_PASSWORD_HASHING), claims);
}

export async function discover(gatehouse: Pick<Gatehouse, 'url'>, clientId: string): Promise<client.Configuration> {
  const auth =
    clientId === 'spa'
      ? client.None()
      : clientId === 'legacy'
        ? client.ClientSecretPost(SECRETS.legacy)
        : client.ClientSecretBasic(SECRETS[clientId as 'web' | 'first']);
  return client.discovery(new URL(gatehouse.url), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
}

export interface AuthRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(config: client.Configuration, params: Record<string, string> = {}): Promise<AuthRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile email offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

export function newBrowser(): Browser {
  return new Browser([CALLBACK, LOGGED_OUT]);
}

export function expectPage(outcome: Awaited<ReturnType<Browser['navigate']>>, heading: RegExp): Page {
  expect(outcome.callback?.href).toBeUndefined();
  expect(outcome.page!.html).toMatch(heading);
  return outcome.page!;
}

export function expectCallback(outcome: Awaited<ReturnType<Browser['navigate']>>): URL {
  expect(outcome.page?.html).toBeUndefined();
  return outcome.callback!;
}

/** Authorize → login → (consent) → callback; returns the callback URL. */
export async function signIn(browser: Browser, request: AuthRequest, username: string, password: string, consent = true): Promise<URL> {
  const login = expectPage(await browser.navigate(request.url.href), /<h1>Sign in<\/h1>/);
  const afterLogin = await browser.submit(login, '/login', { username, password });
  if (!consent) return expectCallback(afterLogin);
  const consentPage = expectPage(afterLogin, /<h1>Allow access\?<\/h1>/);
  return expectCallback(await browser.submit(consentPage, '/confirm'));
}

export async function exchange(config: client.Configuration, callback: URL, request: AuthRequest) {
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
}
