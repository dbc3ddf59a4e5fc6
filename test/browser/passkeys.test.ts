// Passkeys in a real browser: Chromium with a virtual WebAuthn authenticator (Chrome DevTools Protocol) registers a
// passkey on /account, signs in with it alone and as a second factor, at phone and desktop widths, axe on every page.
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AccountStore } from '../../src/accounts/account-store.js';
import { ACR_MFA } from '../../src/factors/authentication-context.js';
import type { Gatehouse } from '../../src/gatehouse.js';
import { freePort, startTestGatehouse } from '../helpers/harness.js';
import { addUser } from '../helpers/oidc-flow.js';
import { expectUsable, launchChromium, SCREENSHOTS } from '../helpers/page-checks.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
/** The strict client's redirect URI: a small server here, since a browser cannot be stopped at a redirect's target. */
let receiver: Server;
let CALLBACK: string;
let gatehouse: Gatehouse;
let browser: Browser;

beforeAll(async () => {
  receiver = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('back at the client'));
  const port = await freePort();
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  CALLBACK = `http://127.0.0.1:${port}/cb`;
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: `password_hashing:\n  scrypt_cost: 16384\nclients:
  - client_id: strict
    client_name: Strict App
    token_endpoint_auth_method: none
    redirect_uris: [${CALLBACK}]
    require_mfa: true
`,
  });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gatehouse?.close();
  await storage?.stop();
  receiver?.close();
});

const heading = (page: Page, text: string) => page.waitForSelector(`h1:has-text("${text}")`);

/** The demo relying party's view of the ID token it received and verified. */
async function demoClaims(page: Page): Promise<Record<string, unknown>> {
  await page.waitForSelector('#id-token-claims');
  return JSON.parse((await page.locator('#id-token-claims').textContent())!) as Record<string, unknown>;
}

describe.each([
  ['phone', 390, 844],
  ['desktop', 1280, 900],
])('passkeys in Chromium at %s width', (name, width, height) => {
  it('register a passkey on /account, sign out, sign in with the passkey alone (amr hwk user mfa, acr mfa), then as a second factor', async () => {
    const username = `pat-${name}`;
    await addUser(new AccountStore(storage.db), username, `${username}-password`, { name: 'Pat' });
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const shot = (step: string) =>
      name === 'desktop' ? page.screenshot({ path: path.join(SCREENSHOTS, `${step}.png`), fullPage: true }) : undefined;
    // A platform authenticator that holds discoverable credentials and verifies its user (as a PIN or fingerprint would).
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    // Sign in to the account page with the password.
    await page.goto(`${gatehouse.url}/account`);
    await page.waitForSelector('#username');
    await page.fill('#username', username);
    await page.fill('#password', `${username}-password`);
    await page.click('button.primary');
    await heading(page, 'Your account');
    await expectUsable(page, 'account page');

    // The TOTP set-up page (not completed here: test/flows covers it).
    await page.click('a:has-text("Set up an authenticator app")');
    await heading(page, 'Set up an authenticator app');
    await expectUsable(page, 'TOTP set-up');
    await shot('totp-setup');
    await page.click('a:has-text("Back to your account")');
    await heading(page, 'Your account');

    // Add a passkey: the first factor comes with recovery codes, shown once.
    await page.fill('#new-passkey-name', 'Test key');
    await page.click('form[data-passkey="register"] button');
    await heading(page, 'Save your recovery codes');
    expect(await page.locator('#recovery-codes code').count()).toBe(10);
    await expectUsable(page, 'recovery codes');
    await shot('recovery-codes');
    await page.click('a:has-text("Back to your account")');
    await heading(page, 'Your account');
    await expect(page.locator('.passkey-name').allTextContents()).resolves.toEqual(['Test key']);
    await expect(page.locator('#passkeys').textContent()).resolves.toContain('never used');
    await expectUsable(page, 'account page with a passkey');
    await shot('account');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);

    // Sign out (RP-initiated logout of the account page's session at Gatehouse).
    await page.click('.account-head button:has-text("Sign out")');
    await heading(page, 'Sign out?');
    await page.click('button[name="logout"][value="yes"]');
    await heading(page, 'Signed out');
    await expectUsable(page, 'signed out of the account page');

    // The demo relying party: the login page offers the passkey in the username field's autofill (conditional UI), and
    // the virtual authenticator answers it at once, as a user picking the passkey there would: no password is typed.
    await page.goto(`${gatehouse.url}/demo`);
    await page.click('a:has-text("Sign in with Gatehouse")');
    await heading(page, 'Allow access?');
    await page.click('button:has-text("Allow")');
    const passwordless = await demoClaims(page);
    expect(passwordless).toMatchObject({ preferred_username: username, amr: ['hwk', 'user', 'mfa'], acr: ACR_MFA });
    expect(typeof passwordless.auth_time).toBe('number');

    // Sign out, then the password. The authenticator stops answering on its own (no user at the device), so the
    // autofill request waits and the login page stays; the passkey is then asked for as the second factor.
    await page.click('form[action="/demo/logout"] button');
    await heading(page, 'Sign out?');
    await page.click('button[name="logout"][value="yes"]');
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await page.click('a:has-text("Sign in with Gatehouse")');
    await page.waitForSelector('button:has-text("Sign in with a passkey")', { state: 'visible' });
    await expect(page.locator('#username').getAttribute('autocomplete')).resolves.toBe('username webauthn');
    await expectUsable(page, 'login with a passkey button');
    await page.fill('#username', username);
    await page.fill('#password', `${username}-password`);
    await page.click('button.primary');
    await heading(page, 'Two-step verification');
    await page.waitForSelector('button:has-text("Use your passkey")', { state: 'visible' });
    await expectUsable(page, 'second factor');
    await shot('second-factor');
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    await page.click('button:has-text("Use your passkey")');
    expect(await demoClaims(page)).toMatchObject({ preferred_username: username, amr: ['pwd', 'hwk', 'user', 'mfa'], acr: ACR_MFA });

    // The account page shows when the passkey was last used.
    await page.goto(`${gatehouse.url}/account`);
    await heading(page, 'Your account');
    await expect(page.locator('#passkeys').textContent()).resolves.toMatch(
      /last used [A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d\d [AP]M UTC/,
    );
    await context.close();
  }, 90_000);
});

describe('enrolment with a passkey', () => {
  it('a require_mfa client takes a user without factors through creating a passkey right after the password', async () => {
    await addUser(new AccountStore(storage.db), 'erin', 'erin-password-1');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    const url = new URL(`${gatehouse.url}/auth`);
    url.search = new URLSearchParams({
      client_id: 'strict',
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(url.href);
    await page.waitForSelector('#username');
    await page.fill('#username', 'erin');
    await page.fill('#password', 'erin-password-1');
    await page.click('button.primary');
    await heading(page, 'Set up two-step verification');
    await page.waitForSelector('form[data-passkey="register"] button', { state: 'visible' });
    await expectUsable(page, 'enrolment');
    await page.fill('#passkey-name', 'Erin phone');
    await page.click('form[data-passkey="register"] button');
    await heading(page, 'Save your recovery codes');
    await page.click('a:has-text("Continue")');
    await heading(page, 'Allow access?');
    await page.click('button:has-text("Allow")');
    await page.waitForURL(`${CALLBACK}**`);
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    const erin = await new AccountStore(storage.db).findByUsername('erin');
    expect(await storage.db.collection('mfa_passkeys').find({ accountId: erin!._id }).project({ _id: 0, name: 1 }).toArray()).toEqual([
      { name: 'Erin phone' },
    ]);
    await context.close();
  }, 60_000);
});
