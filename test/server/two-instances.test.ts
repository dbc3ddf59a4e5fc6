// Two Gatehouse processes on one database behave as one provider: every request alternates between them.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { Browser } from '../helpers/browser.js';
import { freePort, startTestGatehouse } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import type { Gatehouse } from '../../src/gatehouse.js';
import {
  addUser,
  authorizationRequest,
  CALLBACK,
  CLIENTS_YAML,
  expectCallback,
  expectPage,
  LOGGED_OUT,
  SECRETS,
} from '../helpers/oidc-flow.js';

let storage: TestStorage;
let a: Gatehouse;
let b: Gatehouse;
let issuer: string;
let turn = 0;

/** Sends each request to the other instance than the last one; both serve the same issuer. */
function alternate(url: string): string {
  const target = new URL(url);
  if (target.hostname === 'localhost' && [a.port, b.port].includes(Number(target.port)))
    target.port = String(turn++ % 2 === 0 ? a.port : b.port);
  return target.href;
}

class AlternatingBrowser extends Browser {
  override request(url: string, init?: RequestInit) {
    return super.request(alternate(url), init);
  }
}

beforeAll(async () => {
  storage = await startTestStorage();
  const portA = await freePort();
  issuer = `http://localhost:${portA}`;
  const yaml = `issuer: ${issuer}\nlogin_throttling:\n  per_username_and_ip: { attempts: 3, window: 15m, lockout: 15m }\n${CLIENTS_YAML}`;
  const env = { WEB_SECRET: SECRETS.web };
  a = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml, env, port: portA });
  b = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml, env });
  await addUser(new AccountStore(storage.db), 'quinn', 'quinn-password-1');
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await storage.stop();
});

describe('two instances on one database', () => {
  it('complete sign-in, refresh and logout with every request alternating between them', async () => {
    const config = await client.discovery(new URL(issuer), 'web', undefined, client.ClientSecretBasic(SECRETS.web), {
      execute: [client.allowInsecureRequests],
      [client.customFetch]: (url: string, options: RequestInit) => fetch(alternate(url), options),
    } as client.DiscoveryRequestOptions);
    const browser = new AlternatingBrowser([CALLBACK, LOGGED_OUT]);
    const request = await authorizationRequest(config, { prompt: 'consent' });
    const login = expectPage(await browser.navigate(request.url.href), /Sign in/);
    const consent = expectPage(await browser.submit(login, '/login', { username: 'quinn', password: 'quinn-password-1' }), /Allow access/);
    const callback = expectCallback(await browser.submit(consent, '/confirm'));
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);

    const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGGED_OUT });
    const confirm = expectPage(await browser.navigate(logout.href), /Sign out\?/);
    expectCallback(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }));
    const silent = await authorizationRequest(config, { prompt: 'none' });
    expect(expectCallback(await browser.navigate(silent.url.href)).searchParams.get('error')).toBe('login_required');
    expect(turn).toBeGreaterThan(10);
  });

  it('count failed logins across both instances', async () => {
    const config = await client.discovery(new URL(issuer), 'first', undefined, client.ClientSecretBasic(SECRETS.first), {
      execute: [client.allowInsecureRequests],
    });
    const statuses: number[] = [];
    for (const instance of [a, b, a, b]) {
      const browser = new Browser([CALLBACK]);
      const url = new URL((await authorizationRequest(config)).url.href);
      url.port = String(instance.port);
      const login = expectPage(await browser.navigate(url.href), /Sign in/);
      statuses.push((await browser.submit(login, '/login', { username: 'quinn', password: 'wrong' })).page!.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
