// The main job end to end: a confidential web app signs a user in with code + PKCE, refreshes, introspects, revokes, logs out;
// and consent is remembered per account and client across browser sessions until its grant is revoked.
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
  SECRETS,
  type FlowEnv,
} from '../helpers/oidc-flow.js';

let env: FlowEnv;
let sub: string;
beforeAll(async () => {
  env = await startFlowEnv();
  sub = (
    await addUser(env.accounts, 'Alice', 'correct horse battery', {
      name: 'Alice Liddell',
      email: 'alice@example.com',
      email_verified: true,
    })
  )._id;
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
    const consent = expectPage(
      await browser.submit(login, '/login', { username: 'alice', password: 'correct horse battery' }),
      /Allow access\?/,
    );
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
    expect(userinfo).toMatchObject({
      sub,
      name: 'Alice Liddell',
      email: 'alice@example.com',
      email_verified: true,
      preferred_username: 'Alice',
    });

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

    // Revocation answers JSON (RFC 7009 allows any body), which SPA libraries such as oidc-client-ts require.
    const revoked = await fetch(config.serverMetadata().revocation_endpoint!, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`web:${SECRETS.web}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: second.access_token }),
    });
    expect([revoked.status, revoked.headers.get('content-type'), await revoked.text()]).toEqual([
      200,
      'application/json; charset=utf-8',
      '{}',
    ]);
    expect((await client.tokenIntrospection(config, second.access_token)).active).toBe(false);

    // RP-initiated logout with id_token_hint: a confirmation page, then back to the registered URI.
    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: second.id_token!,
      post_logout_redirect_uri: LOGGED_OUT,
      state: 'bye',
    });
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
    // A user of its own: alice's consent to web, given above, is remembered and would skip the consent page.
    await addUser(env.accounts, 'bea', 'bea-password-1');
    const config = await discover(env.gatehouse, 'web');
    const browser = newBrowser();
    const request = await authorizationRequest(config);
    await exchange(config, await signIn(browser, request, 'bea', 'bea-password-1'), request);

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

describe('consent is remembered per account and client, across browser sessions', () => {
  /** RP-initiated logout with id_token_hint, confirmed: the browser's session at Gatehouse ends. */
  async function signOut(config: client.Configuration, browser: ReturnType<typeof newBrowser>, idToken: string) {
    const confirm = expectPage(
      await browser.navigate(client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT }).href),
      /Sign out\?/,
    );
    expectCallback(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }));
  }

  it('a new browser session signs in without a consent page, and the remembered offline_access still yields a refresh token', async () => {
    await addUser(env.accounts, 'cora', 'cora-password-1', { email: 'cora@example.com' });
    const config = await discover(env.gatehouse, 'web');
    const first = await authorizationRequest(config, { prompt: 'consent' });
    const firstTokens = await exchange(config, await signIn(newBrowser(), first, 'cora', 'cora-password-1'), first);
    expect(firstTokens.scope!.split(' ')).toContain('offline_access');

    // A new cookie jar: the login page shows, then the callback comes straight back. The request asks for
    // offline_access without prompt=consent; the grant holds it, so the remembered consent keeps it.
    const browser = newBrowser();
    const again = await authorizationRequest(config);
    const tokens = await exchange(config, await signIn(browser, again, 'cora', 'cora-password-1', false), again);
    expect(tokens.claims()).toMatchObject({ sub: firstTokens.claims()!.sub, email: 'cora@example.com' });
    expect(tokens.scope!.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    // Remembered consent spares prompt=consent, not the asking: a request without offline_access gets no refresh token.
    const online = await authorizationRequest(config, { scope: 'openid profile email' });
    const onlineTokens = await exchange(config, await signIn(newBrowser(), online, 'cora', 'cora-password-1', false), online);
    expect(onlineTokens.refresh_token).toBeUndefined();
    expect(onlineTokens.scope!.split(' ').sort()).toEqual(['email', 'openid', 'profile']);

    // The same holds for a pushed authorization request (PAR), which reaches /auth as a request_uri alone.
    const pushed = await authorizationRequest(config);
    const parUrl = await client.buildAuthorizationUrlWithPAR(config, Object.fromEntries(pushed.url.searchParams));
    const viaPar = await exchange(config, await signIn(newBrowser(), { ...pushed, url: parUrl }, 'cora', 'cora-password-1', false), pushed);
    expect(viaPar.refresh_token).toEqual(expect.any(String));
    const pushedOnline = await authorizationRequest(config, { scope: 'openid email' });
    const onlineParUrl = await client.buildAuthorizationUrlWithPAR(config, Object.fromEntries(pushedOnline.url.searchParams));
    const viaParOnline = await exchange(
      config,
      await signIn(newBrowser(), { ...pushedOnline, url: onlineParUrl }, 'cora', 'cora-password-1', false),
      pushedOnline,
    );
    expect(viaParOnline.refresh_token).toBeUndefined();

    // That refresh token is offline access: it outlives the browser session, and sign-out keeps the consent.
    await signOut(config, browser, tokens.id_token!);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);
    const third = await authorizationRequest(config);
    expect((await exchange(config, await signIn(newBrowser(), third, 'cora', 'cora-password-1', false), third)).refresh_token).toEqual(
      expect.any(String),
    );
  });

  it('a scope the user has not allowed this client yet still shows the consent page, for that scope only', async () => {
    await addUser(env.accounts, 'cyd', 'cyd-password-1');
    const config = await discover(env.gatehouse, 'web');
    const narrow = await authorizationRequest(config, { scope: 'openid email' });
    await exchange(config, await signIn(newBrowser(), narrow, 'cyd', 'cyd-password-1'), narrow);

    const browser = newBrowser();
    const wider = await authorizationRequest(config, { scope: 'openid email profile offline_access' });
    const login = expectPage(await browser.navigate(wider.url.href), /<h1>Sign in<\/h1>/);
    const consent = expectPage(
      await browser.submit(login, '/login', { username: 'cyd', password: 'cyd-password-1' }),
      /<h1>Allow access\?<\/h1>/,
    );
    expect(consent.html).toContain('See your name and profile details');
    expect(consent.html).not.toContain('See your email address');
    const tokens = await exchange(config, expectCallback(await browser.submit(consent, '/confirm')), wider);
    expect(tokens.scope!.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    // offline_access was never allowed (each request without prompt=consent dropped it): no refresh token.
    expect(tokens.refresh_token).toBeUndefined();

    const same = await authorizationRequest(config, { scope: 'openid email profile' });
    await exchange(config, await signIn(newBrowser(), same, 'cyd', 'cyd-password-1', false), same);
  });

  it('after refresh-token reuse revokes the grant, a new browser session is asked to consent again', async () => {
    await addUser(env.accounts, 'cleo', 'cleo-password-1');
    const config = await discover(env.gatehouse, 'web');
    const request = await authorizationRequest(config, { prompt: 'consent' });
    const tokens = await exchange(config, await signIn(newBrowser(), request, 'cleo', 'cleo-password-1'), request);
    await client.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const again = await authorizationRequest(config);
    const callback = await signIn(newBrowser(), again, 'cleo', 'cleo-password-1', true);
    expect((await exchange(config, callback, again)).refresh_token).toBeUndefined();
  });
});
