// Client kinds: a public client (PKCE, no secret), a first-party client (no consent page), a legacy client without PKCE.
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
beforeAll(async () => {
  env = await startFlowEnv();
  await addUser(env.accounts, 'carol', 'carol-password-1', { email: 'carol@example.com' });
});
afterAll(async () => {
  await env.stop();
});

describe('client kinds', () => {
  it('a public client signs in with PKCE and no secret, and refreshes', async () => {
    const config = await discover(env.gatehouse, 'spa');
    const request = await authorizationRequest(config, { prompt: 'consent' });
    const tokens = await exchange(config, await signIn(newBrowser(), request, 'carol', 'carol-password-1'), request);
    expect(tokens.claims()).toMatchObject({ aud: 'spa' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it('a first-party client skips the consent page and gets a refresh token without prompt=consent', async () => {
    const config = await discover(env.gatehouse, 'first');
    const browser = newBrowser();
    const request = await authorizationRequest(config);
    const login = expectPage(await browser.navigate(request.url.href), /<h1>Sign in<\/h1>/);
    const callback = expectCallback(await browser.submit(login, '/login', { username: 'carol', password: 'carol-password-1' }));
    const tokens = await exchange(config, callback, request);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.email).toBe('carol@example.com');
  });

  it('a confidential client with require_pkce: false may omit PKCE (client_secret_post)', async () => {
    const config = await discover(env.gatehouse, 'legacy');
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:9/cb', scope: 'openid email', state });
    const callback = await signIn(newBrowser(), { url, verifier: '', state, nonce: '' }, 'carol', 'carol-password-1');
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    expect(tokens.claims()).toMatchObject({ aud: 'legacy' });
  });

  it('the same request without PKCE is refused for a client that requires it', async () => {
    const config = await discover(env.gatehouse, 'web');
    const url = client.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:9/cb', scope: 'openid', state: 'no-pkce' });
    const callback = expectCallback(await newBrowser().navigate(url.href));
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(callback.searchParams.get('state')).toBe('no-pkce');
  });
});
