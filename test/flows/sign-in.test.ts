// The main job end to end: a confidential web app signs a user in with code + PKCE, refreshes, introspects, revokes, logs out.
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
  LOGGED_OUT,
  type FlowEnv,
} from '../helpers/oidc-flow.js';

let env: FlowEnv;
let sub: string;
beforeAll(async () => {
  env = await startFlowEnv();
  sub = (await addUser(env.accounts, 'Alice', 'correct horse battery', { name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }))._id;
});
afterAll(async () => {
  await env.stop();
});

describe('sign-in with a confidential web client', () => {
  it('walks discovery → login → consent → code → tokens → userinfo → refresh → introspection → revocation → logout', async () => {
    const config = await discover(env.gatehouse, 'web');
    expect(config.serverMetadata().issuer).toBe(env.gatehouse.url);
    const browser = newBrowser();
    // OIDC Core: offline_access (a refresh token) is granted only with prompt=consent.
    const request = await authorizationRequest(config, { prompt: 'consent' });

    // The login page, then the consent page naming the client, the scopes and the claims.
    const login = expectPage(await browser.navigate(request.url.href), /<h1>Sign in<\/h1>/);
    expect(login.html).toContain('to continue to Web App');
    const consent = expectPage(await browser.submit(login, '/login', { username: 'alice', password: 'correct horse battery' }), /Allow access\?/);
    expect(consent.html).toContain('Web App is asking to:');
    expect(consent.html).toContain('See your email address');
    expect(consent.html).toContain('Keep access while you are away');
    expect(consent.html).toContain('Email address');
    expect(consent.html).toContain('Signed in as Alice');
    const callback = expectCallback(await browser.submit(consent, '/confirm'));
    expect(callback.searchParams.get('state')).toBe(request.state);

    // Token exchange: openid-client validates the ID token (signature, iss, aud, exp, nonce).
    const tokens = await exchange(config, callback, request);
    const idClaims = tokens.claims()!;
    expect(idClaims).toMatchObject({ sub, iss: env.gatehouse.url, aud: 'web', nonce: request.nonce });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope!.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub);
    expect(userinfo).toMatchObject({ sub, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, preferred_username: 'Alice' });

    // Refresh rotates: the new refresh token works, the old one is refused, and replaying it revokes the grant.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);

    // The replay revoked the grant, so the still-signed-in user is asked to consent again (no login page).
    const again = await authorizationRequest(config);
    const reconsent = expectPage(await browser.navigate(again.url.href), /Allow access\?/);
    const second = await exchange(config, expectCallback(await browser.submit(reconsent, '/confirm')), again);

    // Consent is now remembered: the next request in this session goes straight back to the client.
    const third = await authorizationRequest(config);
    await exchange(config, expectCallback(await browser.navigate(third.url.href)), third);
    const introspected = await client.tokenIntrospection(config, second.access_token);
    expect(introspected).toMatchObject({ active: true, sub, client_id: 'web', token_type: 'Bearer' });
    expect(String(introspected.scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));

    await client.tokenRevocation(config, second.access_token);
    expect((await client.tokenIntrospection(config, second.access_token)).active).toBe(false);

    // RP-initiated logout with id_token_hint: a confirmation page, then back to the registered URI.
    const logoutUrl = client.buildEndSessionUrl(config, { id_token_hint: second.id_token!, post_logout_redirect_uri: LOGGED_OUT, state: 'bye' });
    const confirm = expectPage(await browser.navigate(logoutUrl.href), /<h1>Sign out\?<\/h1>/);
    const back = expectCallback(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }));
    expect(back.origin + back.pathname).toBe(LOGGED_OUT);
    expect(back.searchParams.get('state')).toBe('bye');

    // Signed out: a silent request now gets login_required back at the client.
    const silent = await authorizationRequest(config, { prompt: 'none' });
    const error = expectCallback(await browser.navigate(silent.url.href));
    expect(error.searchParams.get('error')).toBe('login_required');
  });

  it('logs out with client_id alone and refuses an unregistered post_logout_redirect_uri', async () => {
    const config = await discover(env.gatehouse, 'web');
    const browser = newBrowser();
    const request = await authorizationRequest(config);
    await exchange(config, await signIn(browser, request, 'alice', 'correct horse battery'), request);

    const bad = new URL(`${env.gatehouse.url}/session/end`);
    bad.search = new URLSearchParams({ client_id: 'web', post_logout_redirect_uri: 'https://evil.example/' }).toString();
    const refused = expectPage(await browser.navigate(bad.href), /Something went wrong/);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('post_logout_redirect_uri not registered');
    expect(refused.headers.get('location')).toBeNull();

    const good = new URL(`${env.gatehouse.url}/session/end`);
    good.search = new URLSearchParams({ client_id: 'web', post_logout_redirect_uri: LOGGED_OUT }).toString();
    const confirm = expectPage(await browser.navigate(good.href), /Sign out\?/);
    expect(expectCallback(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' })).pathname).toBe('/logged-out');
  });
});
