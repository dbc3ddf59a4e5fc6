// Passkeys in a real browser: Chromium with a virtual WebAuthn authenticator (Chrome DevTools Protocol) registers a
// passkey on /account, signs in with it alone and as a second factor, at phone width in German and desktop width in
// English, and enrols one during sign-in in English and Spanish; axe on every page, each in the browser's language.
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
    yaml: `password_hashing:\n  argon2_memory_kib: 7168\nclients:
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

/** What the pages say in each language the tests browse in (from views/locales). */
const TEXT = {
  en: {
    account: 'Your account',
    totpSetUp: 'Set up an authenticator app',
    back: 'Back to your account',
    recovery: 'Save your recovery codes',
    neverUsed: 'never used',
    signOut: 'Sign out',
    signOutQuestion: 'Sign out?',
    signedOut: 'Signed out',
    consent: 'Allow access?',
    allow: 'Allow',
    passkeySignIn: 'Sign in with a passkey',
    secondFactor: 'Two-step verification',
    usePasskey: 'Use your passkey',
    waiting: 'Waiting for your passkey…',
    lastUsed: /last used [A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d\d [AP]M UTC/,
    enrol: 'Set up two-step verification',
    createPasskey: 'Create a passkey',
    continue: 'Continue',
  },
  de: {
    account: 'Ihr Konto',
    totpSetUp: 'Authenticator-App einrichten',
    back: 'Zurück zu Ihrem Konto',
    recovery: 'Speichern Sie Ihre Wiederherstellungscodes',
    neverUsed: 'noch nie verwendet',
    signOut: 'Abmelden',
    signOutQuestion: 'Abmelden?',
    signedOut: 'Abgemeldet',
    consent: 'Zugriff erlauben?',
    allow: 'Erlauben',
    passkeySignIn: 'Mit einem Passkey anmelden',
    secondFactor: 'Bestätigung in zwei Schritten',
    usePasskey: 'Ihren Passkey verwenden',
    waiting: 'Warten auf Ihren Passkey …',
    lastUsed: /zuletzt verwendet am \d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4} um \d\d:\d\d UTC/,
    enrol: 'Bestätigung in zwei Schritten einrichten',
    createPasskey: 'Passkey erstellen',
    continue: 'Weiter',
  },
  es: {
    consent: '¿Permitir el acceso?',
    allow: 'Permitir',
    recovery: 'Guarde sus códigos de recuperación',
    enrol: 'Configurar la verificación en dos pasos',
    createPasskey: 'Crear una llave de acceso',
    continue: 'Continuar',
  },
} as const;

/** The page is in `lang` (its <html lang>) and shows `text` as its heading. */
async function inLanguage(page: Page, lang: string, text: string) {
  await heading(page, text);
  expect({ heading: text, lang: await page.getAttribute('html', 'lang') }).toEqual({ heading: text, lang });
}

/** The demo relying party's view of the ID token it received and verified. */
async function demoClaims(page: Page): Promise<Record<string, unknown>> {
  await page.waitForSelector('#id-token-claims');
  return JSON.parse((await page.locator('#id-token-claims').textContent())!) as Record<string, unknown>;
}

describe.each([
  ['phone', 390, 844, 'de', 'de-DE'],
  ['desktop', 1280, 900, 'en', 'en-US'],
] as const)('passkeys in Chromium at %s width', (name, width, height, lang, browserLocale) => {
  it(`register a passkey on /account, sign out, sign in with the passkey alone (amr hwk user mfa, acr mfa), then as a second factor, in ${lang}`, async () => {
    const text = TEXT[lang];
    const username = `pat-${name}`;
    await addUser(new AccountStore(storage.db), username, `${username}-password`, { name: 'Pat' });
    const context = await browser.newContext({ viewport: { width, height }, locale: browserLocale });
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
    await inLanguage(page, lang, text.account);
    await expectUsable(page, `account page (${lang})`);

    // The TOTP set-up page (not completed here: test/flows covers it).
    await page.click(`a:has-text("${text.totpSetUp}")`);
    await inLanguage(page, lang, text.totpSetUp);
    await expectUsable(page, `TOTP set-up (${lang})`);
    await shot('totp-setup');
    await page.click(`a:has-text("${text.back}")`);
    await heading(page, text.account);

    // Add a passkey: the first factor comes with recovery codes, shown once.
    await page.fill('#new-passkey-name', 'Test key');
    await page.click('form[data-passkey="register"] button');
    await inLanguage(page, lang, text.recovery);
    expect(await page.locator('#recovery-codes code').count()).toBe(10);
    await expectUsable(page, `recovery codes (${lang})`);
    await shot('recovery-codes');
    await page.click(`a:has-text("${text.back}")`);
    await heading(page, text.account);
    await expect(page.locator('.passkey-name').allTextContents()).resolves.toEqual(['Test key']);
    await expect(page.locator('#passkeys').textContent()).resolves.toContain(text.neverUsed);
    await expectUsable(page, `account page with a passkey (${lang})`);
    await shot('account');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);

    // Sign out (RP-initiated logout of the account page's session at Gatehouse).
    await page.click(`.account-head button:has-text("${text.signOut}")`);
    await inLanguage(page, lang, text.signOutQuestion);
    await page.click('button[name="logout"][value="yes"]');
    await inLanguage(page, lang, text.signedOut);
    await expectUsable(page, `signed out of the account page (${lang})`);

    // The demo relying party: the login page offers the passkey in the username field's autofill (conditional UI), and
    // the virtual authenticator answers it at once, as a user picking the passkey there would: no password is typed.
    await page.goto(`${gatehouse.url}/demo`);
    await page.click('a:has-text("Sign in with Gatehouse")');
    await inLanguage(page, lang, text.consent);
    await page.click(`button:has-text("${text.allow}")`);
    const passwordless = await demoClaims(page);
    expect(passwordless).toMatchObject({ preferred_username: username, amr: ['hwk', 'user', 'mfa'], acr: ACR_MFA });
    expect(typeof passwordless.auth_time).toBe('number');

    // Sign out, then the password. The authenticator stops answering on its own (no user at the device), so the
    // autofill request waits and the login page stays; the passkey is then asked for as the second factor.
    await page.click('form[action="/demo/logout"] button');
    await heading(page, text.signOutQuestion);
    await page.click('button[name="logout"][value="yes"]');
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await page.click('a:has-text("Sign in with Gatehouse")');
    await page.waitForSelector(`button:has-text("${text.passkeySignIn}")`, { state: 'visible' });
    await expect(page.locator('#username').getAttribute('autocomplete')).resolves.toBe('username webauthn');
    await expectUsable(page, `login with a passkey button (${lang})`);
    await page.fill('#username', username);
    await page.fill('#password', `${username}-password`);
    await page.click('button.primary');
    await inLanguage(page, lang, text.secondFactor);
    await page.waitForSelector(`button:has-text("${text.usePasskey}")`, { state: 'visible' });
    await expectUsable(page, `second factor (${lang})`);
    await shot('second-factor');
    // The script's status text comes from the page (a data- attribute in the page's language): with no user at the
    // device the ceremony waits, saying so; reloading the page abandons it.
    await page.click(`button:has-text("${text.usePasskey}")`);
    await expect(page.locator('form[data-passkey] .status').textContent()).resolves.toBe(text.waiting);
    await page.reload();
    await page.waitForSelector(`button:has-text("${text.usePasskey}")`, { state: 'visible' });
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    await page.click(`button:has-text("${text.usePasskey}")`);
    expect(await demoClaims(page)).toMatchObject({ preferred_username: username, amr: ['pwd', 'hwk', 'user', 'mfa'], acr: ACR_MFA });

    // The account page shows when the passkey was last used, as a date in the page's language, in UTC.
    await page.goto(`${gatehouse.url}/account`);
    await heading(page, text.account);
    await expect(page.locator('#passkeys').textContent()).resolves.toMatch(text.lastUsed);
    await context.close();
  }, 90_000);
});

describe('enrolment with a passkey', () => {
  // Spanish by ui_locales in a German browser: the request's language wins over the browser's on every sign-in step.
  it.each([
    ['en', 'en-US', undefined, 'erin', 'Erin phone'],
    ['es', 'de-DE', 'es', 'elena', undefined],
  ] as const)(
    'a require_mfa client takes a user without factors through creating a passkey right after the password (%s)',
    async (lang, browserLocale, uiLocales, username, passkeyName) => {
      const text = TEXT[lang];
      await addUser(new AccountStore(storage.db), username, `${username}-password-1`);
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: browserLocale });
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
        ...(uiLocales ? { ui_locales: uiLocales } : {}),
      }).toString();
      await page.goto(url.href);
      await page.waitForSelector('#username');
      await page.fill('#username', username);
      await page.fill('#password', `${username}-password-1`);
      await page.click('button.primary');
      await inLanguage(page, lang, text.enrol);
      await page.waitForSelector(`form[data-passkey="register"] button:has-text("${text.createPasskey}")`, { state: 'visible' });
      await expectUsable(page, `enrolment (${lang})`);
      // Without a name typed, the passkey is named by the default the page offers, in its language.
      if (passkeyName) await page.fill('#passkey-name', passkeyName);
      await page.click('form[data-passkey="register"] button');
      await inLanguage(page, lang, text.recovery);
      await expectUsable(page, `recovery codes during sign-in (${lang})`);
      await page.click(`a:has-text("${text.continue}")`);
      await inLanguage(page, lang, text.consent);
      await page.click(`button:has-text("${text.allow}")`);
      await page.waitForURL(`${CALLBACK}**`);
      expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
      const account = await new AccountStore(storage.db).findByUsername(username);
      expect(await storage.db.collection('mfa_passkeys').find({ accountId: account!._id }).project({ _id: 0, name: 1 }).toArray()).toEqual([
        { name: passkeyName ?? 'Llave de acceso' },
      ]);
      await context.close();
    },
    60_000,
  );
});
