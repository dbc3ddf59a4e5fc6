// /account through real HTTP: signing in through Gatehouse, freshness before changes, password change, TOTP and
// recovery codes, connected apps (revocation kills the refresh token), sessions, CSRF, and only the user's own data.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { PasskeyStore } from '../../src/factors/passkeys.js';
import { verifyPassword } from '../../src/accounts/password.js';
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
import type { Browser, Page } from '../helpers/browser.js';
import { shownRecoveryCodes, shownTotpSecret, totpCode } from '../helpers/mfa.js';

const ACCOUNT = /<h1>Your account<\/h1>/;
const LOGIN = /<h1>Sign in<\/h1>/;

let env: FlowEnv;
let web: client.Configuration;
beforeAll(async () => {
  env = await startFlowEnv();
  web = await discover(env.gatehouse, 'web');
  await addUser(env.accounts, 'alice', 'alice-password-1', { name: 'Alice' });
  await addUser(env.accounts, 'bob', 'bob-password-1', { name: 'Bob' });
});
afterAll(async () => {
  await env.stop();
});

/** Opens /account in a new browser and signs in with the password. */
async function accountPage(username: string, password: string): Promise<{ browser: Browser; page: Page }> {
  const browser = newBrowser();
  const login = expectPage(await browser.navigate(`${env.gatehouse.url}/account`), LOGIN);
  expect(login.html).toContain('to continue to Your account');
  const page = expectPage(await browser.submit(login, '/login', { username, password }), ACCOUNT);
  return { browser, page };
}

async function audited(type: string, user: string) {
  return env.storage.db.collection('audit').find({ type, user }).toArray();
}

/** Pretends the sign-in happened an hour ago, as if the user had left the page open. */
async function ageSessions(username: string) {
  const account = await env.accounts.findByUsername(username);
  await env.storage.db
    .collection('oidc_Session')
    .updateMany({ 'payload.accountId': account!._id }, { $set: { 'payload.loginTs': Math.floor(Date.now() / 1000) - 3600 } });
}

describe('the account page', () => {
  it('signs in through Gatehouse as a first-party client (no consent page) and shows the user their own page', async () => {
    const { page } = await accountPage('alice', 'alice-password-1');
    expect(page.url).toBe(`${env.gatehouse.url}/account`);
    expect(page.html).toContain('Signed in as alice');
    expect(page.html).toContain('Change password');
    expect(page.html).not.toContain('bob');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('a change needs a recent sign-in: an old one shows no forms, and a POST is sent to sign in again first', async () => {
    const { browser, page } = await accountPage('alice', 'alice-password-1');
    await ageSessions('alice');
    const stale = expectPage(await browser.navigate(`${env.gatehouse.url}/account`), ACCOUNT);
    expect(stale.html).toContain('Confirm it is you');
    expect(stale.html).not.toContain('action="/account/password"');
    // The form from before still carries a valid CSRF token; the change is not made, the password is asked for again.
    const again = expectPage(await browser.submit(page, '/account/sessions/end-others'), LOGIN);
    const back = expectPage(await browser.submit(again, '/login', { username: 'alice', password: 'alice-password-1' }), ACCOUNT);
    expect(back.html).toContain('You confirmed it is you.');
    expect(back.html).toContain('action="/account/password"');
  });

  it("refuses a form without this page's CSRF token, and changes nothing", async () => {
    const { browser, page } = await accountPage('alice', 'alice-password-1');
    const forged = await browser.submit(page, '/account/password', {
      csrf: 'forged',
      current_password: 'alice-password-1',
      new_password: 'x',
    });
    expect(forged.page!.status).toBe(400);
    expect(forged.page!.html).toContain('not sent from this site');
    const account = await env.accounts.findByUsername('alice');
    expect(await verifyPassword('alice-password-1', account!.passwordHash)).toBe(true);
    // Signing out is a change too: another site's form cannot end the page's session.
    const forgedSignOut = await browser.submit(page, '/account/sign-out', { csrf: 'forged' });
    expect(forgedSignOut.page!.status).toBe(400);
    expectPage(await browser.navigate(`${env.gatehouse.url}/account`), ACCOUNT);
  });

  it('sets up TOTP with a code from the key shown, shows ten recovery codes once, and regenerates them', async () => {
    const { browser } = await accountPage('alice', 'alice-password-1');
    const setup = expectPage(await browser.navigate(`${env.gatehouse.url}/account/totp`), /<h1>Set up an authenticator app<\/h1>/);
    const secret = shownTotpSecret(setup);
    const wrong = expectPage(await browser.submit(setup, '/account/totp', { code: totpCode(secret, 4) }), /Set up an authenticator app/);
    expect([wrong.status, wrong.html.includes('That code is not valid.')]).toEqual([400, true]);
    const codes = expectPage(await browser.submit(setup, '/account/totp', { code: totpCode(secret) }), /Save your recovery codes/);
    expect(codes.html).toContain('Your authenticator app is set up.');
    const first = shownRecoveryCodes(codes);
    expect(first).toHaveLength(10);
    const page = expectPage(await browser.navigate(`${env.gatehouse.url}/account`), ACCOUNT);
    // Dates are written for the page's language (Intl), to the minute, in UTC and saying so.
    expect(page.html).toMatch(/<p id="totp-status">On since [A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d\d [AP]M UTC\.<\/p>/);
    expect(page.html).toContain('10 of 10 codes left.');
    expect(page.html).not.toContain(first[0]);
    const again = shownRecoveryCodes(expectPage(await browser.submit(page, '/account/recovery-codes'), /Save your recovery codes/));
    expect(again).toHaveLength(10);
    expect(again.filter((code) => first.includes(code))).toEqual([]);
    expect((await audited('mfa.totp.enrolled', 'alice'))[0]).toMatchObject({ detail: { via: 'account' } });
    expect(await audited('mfa.recovery_codes.generated', 'alice')).toHaveLength(2);

    // Signing in again (here, to the account page itself) now asks for the code after the password.
    const other = newBrowser();
    const login = expectPage(await other.navigate(`${env.gatehouse.url}/account`), LOGIN);
    const second = expectPage(
      await other.submit(login, '/login', { username: 'alice', password: 'alice-password-1' }),
      /Two-step verification/,
    );
    expectPage(await other.submit(second, '/mfa/recovery', { code: again[0]! }), ACCOUNT);

    // And removing it is a change like any other.
    const removed = expectPage(await browser.submit(page, '/account/totp/remove'), ACCOUNT);
    expect(removed.html).toContain('Your authenticator app was removed.');
    expect(removed.html).toContain('Not set up.');
    // Its recovery codes go with the last factor: they would stand in for nothing.
    expect(removed.html).toContain('No recovery codes.');
  });

  it('connected apps: revoking one ends its grant, and its refresh token stops working', async () => {
    const rp = newBrowser();
    const request = await authorizationRequest(web, { prompt: 'consent' });
    const tokens = await exchange(web, await signIn(rp, request, 'bob', 'bob-password-1'), request);
    expect(tokens.refresh_token).toBeTruthy();
    const rotated = await client.refreshTokenGrant(web, tokens.refresh_token!);

    const { browser, page } = await accountPage('bob', 'bob-password-1');
    expect(page.html).toMatch(/<strong>Web App<\/strong><br><span class="muted">Access: openid profile email offline_access<\/span>/);
    const after = expectPage(await browser.submit(page, '/account/apps/revoke', { client_id: 'web' }), ACCOUNT);
    expect(after.html).toContain('Web App no longer has access.');
    expect(after.html).toContain('No apps have access.');
    await expect(client.refreshTokenGrant(web, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await audited('grant.revoked', 'bob'))[0]).toMatchObject({ client: 'web', detail: { via: 'account' } });
  });

  it("never touches another user's passkey, whatever id a form names", async () => {
    // Signed in before the passkey exists (with one, the password alone would not do).
    const own = await accountPage('alice', 'alice-password-1');
    const alice = await env.accounts.findByUsername('alice');
    const store = new PasskeyStore(env.storage.db);
    await store.add({
      _id: 'alice-key',
      accountId: alice!._id,
      name: 'Alice laptop',
      publicKey: 'AQID',
      counter: 0,
      transports: [],
      deviceType: 'singleDevice',
      backedUp: false,
      createdAt: new Date(),
      lastUsedAt: null,
    });
    const { browser, page } = await accountPage('bob', 'bob-password-1');
    expect(page.html).not.toContain('Alice laptop');
    // bob's page has no passkey forms; craft them from the page's own CSRF token.
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
    for (const [path, fields] of [
      ['/account/passkeys/rename', { id: 'alice-key', name: 'pwned' }],
      ['/account/passkeys/remove', { id: 'alice-key' }],
    ] as const) {
      const result = expectPage(
        await browser.navigate(`${env.gatehouse.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf, ...fields }).toString(),
        }),
        ACCOUNT,
      );
      expect(result.html).toContain('That item was not found.');
    }
    expect(await store.find('alice-key')).toMatchObject({ accountId: alice!._id, name: 'Alice laptop' });

    // alice renames and removes her own.
    const ownPage = expectPage(await own.browser.navigate(`${env.gatehouse.url}/account`), ACCOUNT);
    expect(ownPage.html).toContain('Alice laptop');
    const renamed = expectPage(await own.browser.submit(ownPage, '/account/passkeys/rename', { name: ' Work laptop ' }), ACCOUNT);
    expect(renamed.html).toContain('<strong class="passkey-name">Work laptop</strong>');
    const removed = expectPage(await own.browser.submit(renamed, '/account/passkeys/remove'), ACCOUNT);
    expect(removed.html).toContain('No passkeys yet.');
    expect(await audited('mfa.passkey.renamed', 'alice')).toHaveLength(1);
    expect(await audited('mfa.passkey.removed', 'alice')).toHaveLength(1);
  });

  it('lists where the user is signed in, and signs out everywhere else', async () => {
    await addUser(env.accounts, 'carol', 'carol-password-1');
    const elsewhere = newBrowser();
    const request = await authorizationRequest(web);
    await exchange(web, await signIn(elsewhere, request, 'carol', 'carol-password-1'), request);
    const { browser, page } = await accountPage('carol', 'carol-password-1');
    const signedIn = /Signed in [A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d\d [AP]M UTC with password/g;
    expect(page.html.match(signedIn)).toHaveLength(2);
    expect(page.html).toContain('<strong>This browser</strong>');
    expect(page.html).toContain('Apps: Web App');
    const after = expectPage(await browser.submit(page, '/account/sessions/end-others'), ACCOUNT);
    expect(after.html).toContain('You were signed out everywhere else.');
    expect(after.html.match(signedIn)).toHaveLength(1);
    const silent = await authorizationRequest(web, { prompt: 'none' });
    expect(expectCallback(await elsewhere.navigate(silent.url.href)).searchParams.get('error')).toBe('login_required');
    expect(await audited('account.sessions_ended', 'carol')).toMatchObject([{ detail: { ended: 1, via: 'account' } }]);
  });

  it('changes the password with the current one: other sessions and tokens end, this page stays signed in', async () => {
    await addUser(env.accounts, 'dan', 'dan-password-1');
    const elsewhere = newBrowser();
    const request = await authorizationRequest(web, { prompt: 'consent' });
    const tokens = await exchange(web, await signIn(elsewhere, request, 'dan', 'dan-password-1'), request);
    const { browser, page } = await accountPage('dan', 'dan-password-1');

    const wrong = expectPage(
      await browser.submit(page, '/account/password', { current_password: 'nope', new_password: 'a new and long passphrase' }),
      ACCOUNT,
    );
    expect([wrong.status, wrong.html.includes('The current password is not correct.')]).toEqual([400, true]);
    const weak = expectPage(
      await browser.submit(page, '/account/password', { current_password: 'dan-password-1', new_password: 'short' }),
      ACCOUNT,
    );
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('That new password cannot be used: it has 5 characters');

    const done = expectPage(
      await browser.submit(page, '/account/password', { current_password: 'dan-password-1', new_password: 'a new and long passphrase' }),
      ACCOUNT,
    );
    expect(done.html).toContain('Your password was changed.');
    const account = await env.accounts.findByUsername('dan');
    expect(await verifyPassword('a new and long passphrase', account!.passwordHash)).toBe(true);
    await expect(client.refreshTokenGrant(web, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const silent = await authorizationRequest(web, { prompt: 'none' });
    expect(expectCallback(await elsewhere.navigate(silent.url.href)).searchParams.get('error')).toBe('login_required');
    expectPage(await browser.navigate(`${env.gatehouse.url}/account`), ACCOUNT);
    expect((await audited('account.password_changed', 'dan'))[0]).toMatchObject({ detail: { via: 'account' } });
  });

  it('signing out of the account page ends the Gatehouse session, after the usual confirmation', async () => {
    const { browser, page } = await accountPage('alice', 'alice-password-1');
    const confirm = expectPage(await browser.submit(page, '/account/sign-out'), /<h1>Sign out\?<\/h1>/);
    const signedOut = expectPage(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }), /<h1>Signed out<\/h1>/);
    expect(signedOut.url).toBe(`${env.gatehouse.url}/account/signed-out`);
    expectPage(await browser.navigate(`${env.gatehouse.url}/account`), LOGIN);
  });
});
