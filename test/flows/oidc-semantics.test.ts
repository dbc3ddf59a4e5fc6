// The interaction semantics the OpenID Foundation's Basic OP tests check: prompt, max_age, login_hint, userinfo, scopes.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import {
  addUser,
  authorizationRequest,
  discover,
  exchange,
  expectCallback,
  expectPage,
  newBrowser,
  signIn,
  startFlowEnv,
  type FlowEnv,
} from '../helpers/oidc-flow.js';

let env: FlowEnv;
let config: client.Configuration;
beforeAll(async () => {
  env = await startFlowEnv();
  await addUser(env.accounts, 'dave', 'dave-password-1', { name: 'Dave', email: 'dave@example.com', locale: 'en' });
  config = await discover(env.gatehouse, 'web');
});
afterAll(async () => {
  await env.stop();
});

let daveAllowedWeb = false;
/** A new browser signed in as dave. Consent is remembered per account and client, so only his first sign-in asks. */
async function signedInBrowser() {
  const browser = newBrowser();
  const request = await authorizationRequest(config);
  const tokens = await exchange(config, await signIn(browser, request, 'dave', 'dave-password-1', !daveAllowedWeb), request);
  daveAllowedWeb = true;
  return { browser, tokens };
}

describe('OIDC interaction semantics', () => {
  it('prompt=login shows the login form again even with a live session', async () => {
    const { browser } = await signedInBrowser();
    const request = await authorizationRequest(config, { prompt: 'login' });
    const login = expectPage(await browser.navigate(request.url.href), /<h1>Sign in<\/h1>/);
    expect(
      expectCallback(await browser.submit(login, '/login', { username: 'dave', password: 'dave-password-1' })).searchParams.get('code'),
    ).toBeTruthy();
  });

  it('prompt=none never renders a page: login_required without a session, a code with one', async () => {
    const fresh = await authorizationRequest(config, { prompt: 'none' });
    expect(expectCallback(await newBrowser().navigate(fresh.url.href)).searchParams.get('error')).toBe('login_required');
    const { browser } = await signedInBrowser();
    const silent = await authorizationRequest(config, { prompt: 'none' });
    const tokens = await exchange(config, expectCallback(await browser.navigate(silent.url.href)), silent);
    expect(tokens.access_token).toBeTruthy();
  });

  it('prompt=none with a scope not yet consented returns consent_required', async () => {
    // Someone who has allowed web nothing yet: dave's consent to email, given in other tests, is remembered.
    await addUser(env.accounts, 'dora', 'dora-password-1', { email: 'dora@example.com' });
    const browser = newBrowser();
    const narrow = await authorizationRequest(config, { scope: 'openid' });
    await exchange(config, await signIn(browser, narrow, 'dora', 'dora-password-1'), narrow);
    const request = await authorizationRequest(config, { prompt: 'none', scope: 'openid email' });
    expect(expectCallback(await browser.navigate(request.url.href)).searchParams.get('error')).toBe('consent_required');
  });

  it('max_age forces re-authentication and auth_time reflects the new login', async () => {
    const { browser, tokens } = await signedInBrowser();
    const firstAuth = Math.floor(Date.now() / 1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const request = await authorizationRequest(config, { max_age: '0' });
    const login = expectPage(await browser.navigate(request.url.href), /<h1>Sign in<\/h1>/);
    const callback = expectCallback(await browser.submit(login, '/login', { username: 'dave', password: 'dave-password-1' }));
    const again = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      maxAge: 0,
    });
    expect(again.claims()!.auth_time).toBeGreaterThan(firstAuth);
    expect(again.claims()!.sub).toBe(tokens.claims()!.sub);
  });

  it('login_hint pre-fills the username; id_token_hint, acr_values, ui_locales, claims_locales, display and unknown parameters are accepted', async () => {
    const request = await authorizationRequest(config, {
      login_hint: 'dave',
      acr_values: 'urn:mace:incommon:iap:silver',
      ui_locales: 'en fr',
      claims_locales: 'en',
      display: 'page',
      something_unknown: 'ignored',
    });
    const login = expectPage(await newBrowser().navigate(request.url.href), /<h1>Sign in<\/h1>/);
    expect(login.html).toMatch(/id="username" name="username" type="text" value="dave"/);

    const { browser, tokens } = await signedInBrowser();
    const hinted = await authorizationRequest(config, { id_token_hint: tokens.id_token!, prompt: 'none' });
    expect(expectCallback(await browser.navigate(hinted.url.href)).searchParams.get('code')).toBeTruthy();
  });

  it('userinfo answers GET and POST, with the token in the header or the body', async () => {
    const { tokens } = await signedInBrowser();
    const userinfoUrl = config.serverMetadata().userinfo_endpoint!;
    const viaGet = await fetch(userinfoUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const viaPostHeader = await fetch(userinfoUrl, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
    const viaPostBody = await fetch(userinfoUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    for (const response of [viaGet, viaPostHeader, viaPostBody]) {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ sub: tokens.claims()!.sub, email: 'dave@example.com' });
    }
  });

  it('releases claims only for granted scopes', async () => {
    // Someone whose grant for web is exactly what this request asks: dave's, from other tests, holds profile too.
    await addUser(env.accounts, 'dirk', 'dirk-password-1', { name: 'Dirk', email: 'dirk@example.com', locale: 'en' });
    const browser = newBrowser();
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const tokens = await exchange(config, await signIn(browser, request, 'dirk', 'dirk-password-1'), request);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(Object.keys(userinfo).sort()).toEqual(['email', 'sub']);
  });
});
