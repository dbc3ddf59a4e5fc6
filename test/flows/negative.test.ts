// What must fail, and how: each case asserts the exact OAuth error or page, and that nothing was granted.
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
  SECRETS,
  type FlowEnv,
} from '../helpers/oidc-flow.js';
import { findForm } from '../helpers/browser.js';
import { revokeByAccountId } from '../../src/storage/model-collections.js';

let env: FlowEnv;
let config: client.Configuration;
const GENERIC = 'The username or password is incorrect.';

beforeAll(async () => {
  env = await startFlowEnv();
  await addUser(env.accounts, 'erin', 'erin-password-1');
  await addUser(env.accounts, 'frank', 'frank-password-1');
  await env.accounts.update('frank', { disabled: true });
  config = await discover(env.gatehouse, 'web');
});
afterAll(async () => {
  await env.stop();
});

async function loginPage() {
  const browser = newBrowser();
  const request = await authorizationRequest(config);
  const page = expectPage(await browser.navigate(request.url.href), /<h1>Sign in<\/h1>/);
  return { browser, request, page };
}

let signedUp = 0;
/** Someone who has allowed web nothing yet. Consent is remembered per account and client, so a test that expects the consent page signs in a new user. */
async function newUser(): Promise<{ username: string; password: string }> {
  const username = `erin${++signedUp}`;
  const password = `${username}-password-1`;
  await addUser(env.accounts, username, password);
  return { username, password };
}

async function sessionCount(): Promise<number> {
  return env.storage.db.collection('oidc_Session').countDocuments({ 'payload.accountId': { $exists: true } });
}

describe('failed sign-in shows one generic message and signs nobody in', () => {
  it.each([
    ['a wrong password', 'erin', 'wrong-password'],
    ['an unknown user', 'nobody', 'erin-password-1'],
    ['a disabled user with the right password', 'frank', 'frank-password-1'],
  ])('%s', async (_case, username, password) => {
    const before = await sessionCount();
    const { browser, page } = await loginPage();
    const again = expectPage(await browser.submit(page, '/login', { username, password }), /<h1>Sign in<\/h1>/);
    expect(again.status).toBe(401);
    expect(again.html).toContain(GENERIC);
    expect(await sessionCount()).toBe(before);
  });

  it.each([
    ['JSON-looking text in a field', 'username=%7B%22%24ne%22%3Anull%7D&password=%7B%22%24ne%22%3Anull%7D'],
    ['bracket syntax that a query-string parser turns into an object', 'username%5B%24ne%5D=x&password%5B%24ne%5D=x'],
  ])('%s is just an odd username: no login, no 500', async (_case, fields) => {
    const { browser, page } = await loginPage();
    const { hidden } = findForm(page.html, '/login');
    const again = expectPage(await browser.submit(page, '/login', {}, `csrf=${hidden.csrf}&${fields}`), /<h1>Sign in<\/h1>/);
    expect(again.status).toBe(401);
    expect(again.html).toContain(GENERIC);
  });

  it('a username of <script>alert(1)</script> comes back escaped', async () => {
    const { browser, page } = await loginPage();
    const again = expectPage(await browser.submit(page, '/login', { username: '<script>alert(1)</script>', password: 'x' }), /Sign in/);
    expect(again.html).not.toContain('<script>alert(1)</script>');
    expect(again.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it("a login form posted with another interaction's CSRF token is refused with an error page", async () => {
    const other = await loginPage();
    const { browser, page } = await loginPage();
    const stolen = findForm(other.page.html, '/login').hidden.csrf!;
    expect(stolen).not.toBe(findForm(page.html, '/login').hidden.csrf);
    const refused = expectPage(
      await browser.submit(page, '/login', { username: 'erin', password: 'erin-password-1', csrf: stolen }),
      /Something went wrong/,
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('invalid_request');
    expect(refused.html).toMatch(/Request ID<\/dt><dd><code>[0-9a-f-]{36}<\/code>/);
  });
});

describe('disabling an account', () => {
  it('ends its tokens and its remembered consent: refresh is invalid_grant, userinfo is refused, consent is asked again', async () => {
    await addUser(env.accounts, 'gina', 'gina-password-1');
    const request = await authorizationRequest(config, { prompt: 'consent' });
    const tokens = await exchange(config, await signIn(newBrowser(), request, 'gina', 'gina-password-1'), request);
    // What `gatehouse user disable` does.
    const account = await env.accounts.update('gina', { disabled: true });
    await revokeByAccountId(env.storage.db, account._id);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const userinfo = await fetch(config.serverMetadata().userinfo_endpoint!, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);

    // Its remembered consent went with its grants: enabled again, gina is asked again in a new browser session.
    await env.accounts.update('gina', { disabled: false });
    const again = await authorizationRequest(config);
    await exchange(config, await signIn(newBrowser(), again, 'gina', 'gina-password-1', true), again);
  });
});

describe('protocol errors', () => {
  it('an unregistered redirect_uri gets an error page, never a redirect to it', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://attacker.example/cb',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const outcome = await newBrowser().navigate(url.href);
    const page = expectPage(outcome, /Something went wrong/);
    expect(page.status).toBe(400);
    expect(page.html).toContain('redirect_uri did not match any of the client&#39;s registered redirect_uris');
    expect(page.headers.get('location')).toBeNull();
  });

  it('a wrong code_verifier is invalid_grant', async () => {
    const { username, password } = await newUser();
    const request = await authorizationRequest(config);
    const callback = await signIn(newBrowser(), request, username, password);
    await expect(exchange(config, callback, { ...request, verifier: client.randomPKCECodeVerifier() })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a code used twice fails the second time and revokes the tokens of the first', async () => {
    const { username, password } = await newUser();
    const request = await authorizationRequest(config);
    const callback = await signIn(newBrowser(), request, username, password);
    const tokens = await exchange(config, callback, request);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    await expect(exchange(config, callback, request)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it("two parallel exchanges of one code: exactly one succeeds, and the winner's tokens are revoked as reuse", async () => {
    const { username, password } = await newUser();
    const request = await authorizationRequest(config);
    const callback = await signIn(newBrowser(), request, username, password);
    const results = await Promise.allSettled([exchange(config, callback, request), exchange(config, callback, request)]);
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { error: 'invalid_grant' } });
    const tokens = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof exchange>>>).value;
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('a wrong client secret is 401 invalid_client', async () => {
    const { username, password } = await newUser();
    const request = await authorizationRequest(config);
    const callback = await signIn(newBrowser(), request, username, password);
    const response = await fetch(config.serverMetadata().token_endpoint!, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`web:${SECRETS.web}-wrong`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: 'http://127.0.0.1:9/cb',
        code_verifier: request.verifier,
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('Deny on the consent page returns access_denied to the client', async () => {
    const { username, password } = await newUser();
    const browser = newBrowser();
    const request = await authorizationRequest(config);
    const login = expectPage(await browser.navigate(request.url.href), /Sign in/);
    const consent = expectPage(await browser.submit(login, '/login', { username, password }), /Allow access\?/);
    const denied = expectCallback(await browser.submit(consent, '/abort'));
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe(request.state);
  });

  it('an interaction URL other than the one bound to the browser is an error page, not a crash', async () => {
    const { browser } = await loginPage();
    const page = expectPage(await browser.navigate(`${env.gatehouse.url}/interaction/does-not-exist`), /Something went wrong/);
    expect(page.status).toBe(400);
    expect(page.html).not.toMatch(/at .*\.js:\d+/);
    const stranger = expectPage(await newBrowser().navigate(`${env.gatehouse.url}/interaction/does-not-exist`), /Something went wrong/);
    expect(stranger.status).toBe(400);
  });
});
