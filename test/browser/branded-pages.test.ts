// Every page in a real browser with a custom brand, in English and German, at phone and desktop widths: axe's WCAG
// checks on each; screenshots of the branded pages in both languages (docs/ with `npm run screenshots`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import type { Browser, BrowserContext } from 'playwright-core';
import { AccountStore } from '../../src/accounts/account-store.js';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { addUser, TEST_PASSWORD_HASHING } from '../helpers/oidc-flow.js';
import { expectUsable, launchChromium, SCREENSHOTS } from '../helpers/page-checks.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

/** The client's site: a local server the browser reaches under this name (a host-resolver rule). */
const SHOP = 'http://shop.example';
/** Its logo host: logos are https only, so Playwright answers for it (an image is a direct request it can intercept). */
const LOGO_HOST = 'https://cdn.shop.example';

// A small brand mark and a client logo, drawn in SVG so the test needs no binary files.
const BRAND_LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32"><rect width="32" height="32" rx="8" fill="#0f766e"/>' +
  '<path d="M7 16 16 8l9 8v9h-6v-6h-6v6H7z" fill="#fff"/></svg>';
const CLIENT_LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48"><rect width="48" height="48" fill="#fde68a"/>' +
  '<path d="M12 18h24l-3 16H15z" fill="#92400e"/><path d="M19 18a5 5 0 0 1 10 0" stroke="#92400e" stroke-width="3" fill="none"/></svg>';

function brandFiles(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-brand-'));
  writeFileSync(path.join(dir, 'logo.svg'), BRAND_LOGO);
  writeFileSync(path.join(dir, 'brand.css'), 'html { background: #eef6f5; }\n.brand { font-size: 1.1rem; }\n');
  return dir;
}

let storage: TestStorage;
let gatehouse: Gatehouse;
let browser: Browser;
let shopSite: Server;
let accounts: AccountStore;
let shop: client.Configuration;

beforeAll(async () => {
  // Redirects to the client are followed by Chromium's network stack, which Playwright's routes do not see: a real server.
  shopSite = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html lang="en"><title>Example Shop</title><h1>Example Shop</h1></html>');
  });
  await new Promise<void>((resolve) => shopSite.listen(0, '127.0.0.1', resolve));
  const shopPort = (shopSite.address() as { port: number }).port;
  storage = await startTestStorage();
  const dir = brandFiles();
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: `password_hashing:
  argon2_memory_kib: ${TEST_PASSWORD_HASHING.memoryKib}
branding:
  product_name: Acme ID
  logo: ${dir}/logo.svg
  primary_color: "#0f766e"
  stylesheet: ${dir}/brand.css
scopes:
  loyalty:
    description:
      en: See your loyalty points
      de: Ihre Treuepunkte sehen
      es: Ver sus puntos de fidelidad
    claims: [loyalty_points]
clients:
  - client_id: shop
    client_name: Example Shop
    token_endpoint_auth_method: none
    redirect_uris: [${SHOP}/callback]
    post_logout_redirect_uris: [${SHOP}/]
    grant_types: [authorization_code, refresh_token]
    scope: openid profile email loyalty offline_access
    logo_uri: ${LOGO_HOST}/logo.svg
    client_uri: https://shop.example/
    policy_uri: https://shop.example/privacy
    tos_uri: https://shop.example/terms
`,
  });
  accounts = new AccountStore(storage.db);
  shop = await client.discovery(new URL(gatehouse.url), 'shop', undefined, client.None(), { execute: [client.allowInsecureRequests] });
  browser = await launchChromium([`--host-resolver-rules=MAP shop.example:80 127.0.0.1:${shopPort}`]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  shopSite?.close();
  await gatehouse?.close();
  await storage?.stop();
});

/** A browser context in a language (its Accept-Language), with the client's logo host answered locally. */
async function contextFor(locale: string, width: number, height: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  await context.route(`${LOGO_HOST}/**`, (route) => route.fulfill({ contentType: 'image/svg+xml', body: CLIENT_LOGO }));
  await context.route(`${SHOP}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><title>Example Shop</title><h1>Example Shop</h1></html>',
    }),
  );
  return context;
}

async function authorizationUrl(params: Record<string, string> = {}): Promise<string> {
  return client.buildAuthorizationUrl(shop, {
    redirect_uri: `${SHOP}/callback`,
    scope: 'openid profile email loyalty offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state: client.randomState(),
    prompt: 'consent',
    ...params,
  }).href;
}

const TEXT = {
  en: { login: 'Sign in', wrong: 'The username or password is incorrect.', consent: 'Allow access?', allow: 'Allow', signOut: 'Sign out?' },
  de: {
    login: 'Anmelden',
    wrong: 'Benutzername oder Passwort ist falsch.',
    consent: 'Zugriff erlauben?',
    allow: 'Erlauben',
    signOut: 'Abmelden?',
  },
} as const;

describe.each([
  ['en', 'en-US'],
  ['de', 'de-DE'],
] as const)('branded pages in %s', (lang, browserLocale) => {
  describe.each([
    ['phone', 390, 844],
    ['desktop', 1280, 900],
  ])('at %s width', (width, pixels, height) => {
    it('login, consent, forced re-consent, sign-out, signed out, error and demo pages are usable and in the language', async () => {
      const text = TEXT[lang];
      // One user per run, so each first consent page is a first one; the desktop ones appear in the screenshots.
      const name = lang === 'de' ? 'Kim Bauer' : 'Kim Baker';
      const username = `${name.toLowerCase().replace(' ', '.')}${width === 'desktop' ? '' : '.phone'}`;
      await addUser(accounts, username, 'kim-password-1', {
        name,
        email: `${username}@example.com`,
        email_verified: true,
        birthdate: '1990-04-12',
        locale: lang,
        loyalty_points: 12500,
      });
      const context = await contextFor(browserLocale, pixels, height);
      const page = await context.newPage();
      const shot = (step: string) =>
        width === 'desktop' ? page.screenshot({ path: path.join(SCREENSHOTS, `${step}-${lang}.png`) }) : Promise.resolve();
      const inLanguage = async (which: string, heading: string) => {
        await page.waitForSelector(`h1:has-text("${heading}")`);
        expect({ which, lang: await page.getAttribute('html', 'lang') }).toEqual({ which, lang });
        expect(await page.title()).toMatch(/ · Acme ID$/);
        await expectUsable(page, `${which} (${lang}, ${width})`);
      };

      await page.goto(await authorizationUrl());
      await inLanguage('login', text.login);
      expect(await page.locator('.brand-logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      await page.fill('#username', username);
      await page.fill('#password', 'wrong-password');
      await page.click('button.primary');
      await page.waitForSelector('.alert');
      expect(await page.locator('.alert').textContent()).toBe(text.wrong);
      await inLanguage('login after a wrong password', text.login);
      await shot('login');

      await page.fill('#password', 'kim-password-1');
      await page.click('button.primary');
      await inLanguage('consent', text.consent);
      // The client's logo loaded from its own origin (allowed by the CSP's img-src), next to its name and domain.
      expect(await page.locator('.client-logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(await page.locator('.client-domain').first().textContent()).toContain('shop.example');
      // Numbers and dates in the page's language (Intl), and the scope description config gives per locale.
      const listed = await page.locator('.scopes').textContent();
      expect(listed).toContain(lang === 'de' ? '12.500' : '12,500');
      expect(listed).toContain(lang === 'de' ? '12. April 1990' : 'April 12, 1990');
      expect(listed).toContain(lang === 'de' ? 'Ihre Treuepunkte sehen' : 'See your loyalty points');
      await shot('consent');
      await page.click(`button:has-text("${text.allow}")`);
      await page.waitForURL(`${SHOP}/callback**`);

      // prompt=consent again, asking for nothing new: everything allowed is listed.
      await page.goto(await authorizationUrl());
      await inLanguage('forced re-consent', text.consent);
      expect(await page.locator('.scopes > li').count()).toBeGreaterThanOrEqual(4);
      await page.click(`button:has-text("${text.allow}")`);
      await page.waitForURL(`${SHOP}/callback**`);

      await page.goto(client.buildEndSessionUrl(shop, { client_id: 'shop' }).href);
      await inLanguage('sign-out', text.signOut);
      await page.click('button[name="logout"][value="yes"]');
      await inLanguage('signed out', lang === 'de' ? 'Abgemeldet' : 'Signed out');

      await page.goto(await authorizationUrl({ redirect_uri: 'https://elsewhere.example/cb' }));
      await inLanguage('error', lang === 'de' ? 'Etwas ist schiefgelaufen' : 'Something went wrong');
      await shot('error');

      // The demo relying party is the app's page, not Gatehouse's: English whatever the browser's language.
      await page.goto(`${gatehouse.url}/demo`);
      await page.waitForSelector('h1:has-text("Demo relying party")');
      await expectUsable(page, `demo (${lang}, ${width})`);
      await context.close();
    }, 90_000);
  });
});
