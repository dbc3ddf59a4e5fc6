// The pages through real HTTP: consent that groups claims and hides empty ones, forced re-consent, who is asking,
// the page language (ui_locales over Accept-Language), the brand, template overrides, error and sign-out pages.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { AccountStore } from '../../src/accounts/account-store.js';
import type { Gatehouse } from '../../src/gatehouse.js';
import { BUILT_IN_LOCALES_DIR } from '../../src/i18n/messages.js';
import type { Browser, Page } from '../helpers/browser.js';
import { startTestGatehouse } from '../helpers/harness.js';
import {
  addUser,
  authorizationRequest,
  CALLBACK,
  exchange,
  expectCallback,
  expectPage,
  LOGGED_OUT,
  newBrowser,
  TEST_PASSWORD_HASHING,
} from '../helpers/oidc-flow.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

/** Files the config names: a logo, an extra stylesheet, a French bundle and a template override. */
function pageFiles(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-pages-flow-'));
  mkdirSync(path.join(dir, 'views'));
  writeFileSync(path.join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
  writeFileSync(path.join(dir, 'extra.css'), '.brand { letter-spacing: .05em; }\n');
  const english = readFileSync(path.join(BUILT_IN_LOCALES_DIR, 'en.yaml'), 'utf8');
  writeFileSync(path.join(dir, 'fr.yaml'), english.replace('  title: "Sign in"', '  title: "Connexion"'));
  // An override of the logged-out page: same blocks as the built-in one, plus a line of its own.
  writeFileSync(
    path.join(dir, 'views', 'logged-out.njk'),
    '{% extends "layout.njk" %}{% block title %}{{ t.logout.doneTitle }}{% endblock %}' +
      '{% block content %}<h1>{{ t.logout.doneTitle }}</h1>' +
      '<p>{{ (t.logout.doneClient if client else t.logout.done) | fill({ client: client.name }) }}</p>' +
      '<p id="custom">See you soon at {{ brand.productName }}.</p>{% endblock %}',
  );
  return dir;
}

const PUBLIC = 'token_endpoint_auth_method: none';

function yaml(dir: string): string {
  return `password_hashing:
  argon2_memory_kib: ${TEST_PASSWORD_HASHING.memoryKib}
demo: false
branding:
  product_name: Acme ID
  logo: ${dir}/logo.svg
  primary_color: "#0f766e"
  stylesheet: ${dir}/extra.css
views_dir: ${dir}/views
i18n:
  locales:
    fr: ${dir}/fr.yaml
scopes:
  roles:
    description:
      en: See your roles
      de: Ihre Rollen sehen
    claims: [roles]
clients:
  - client_id: shop
    client_name: Example Shop
    ${PUBLIC}
    redirect_uris: [${CALLBACK}]
    post_logout_redirect_uris: [${LOGGED_OUT}]
    grant_types: [authorization_code, refresh_token]
    scope: openid profile email roles offline_access
    logo_uri: https://cdn.shop.example/logo.png
    client_uri: https://shop.example/
    policy_uri: https://shop.example/privacy
    tos_uri: https://shop.example/terms
  - client_id: console
    client_name: Admin Console
    ${PUBLIC}
    redirect_uris: [${CALLBACK}]
    first_party: true
`;
}

let storage: TestStorage;
let gatehouse: Gatehouse;
let accounts: AccountStore;
let shop: client.Configuration;
let users = 0;

beforeAll(async () => {
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: yaml(pageFiles()) });
  accounts = new AccountStore(storage.db);
  shop = await configFor('shop');
});
afterAll(async () => {
  await gatehouse?.close();
  await storage?.stop();
});

function configFor(clientId: string) {
  return client.discovery(new URL(gatehouse.url), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
}

/** A new user each time: consent is remembered per account and client. */
async function newUser(claims: Record<string, unknown> = {}) {
  const username = `pat${++users}`;
  await addUser(accounts, username, 'pat-password-1', claims);
  return username;
}

async function login(browser: Browser, url: URL, username: string, headers: Record<string, string> = {}): Promise<Page> {
  browser.headers = headers;
  const page = expectPage(await browser.navigate(url.href), /<form/);
  return expectPage(await browser.submit(page, '/login', { username, password: 'pat-password-1' }), /<h1>/);
}

/** The consent page's list item for one scope, by its description. */
function scopeItem(html: string, description: string): string {
  const start = html.indexOf(`<span class="scope">${description}</span>`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</li>', start));
}

describe('the consent page', () => {
  it('groups what the app receives under each scope and lists only claims the account holds', async () => {
    const username = await newUser({ name: 'Alice Liddell', email: 'alice@example.com', roles: ['admin', 'ops'] });
    const request = await authorizationRequest(shop, { scope: 'openid profile email roles' });
    const consent = await login(newBrowser(), request.url, username);
    expect(consent.html).toContain('<h1>Allow access?</h1>');
    expect(consent.html).toContain('Example Shop is asking to:');
    const profile = scopeItem(consent.html, 'See your name and profile details');
    expect(profile).toContain('<dt>Full name</dt><dd>Alice Liddell</dd>');
    expect(profile).toContain(`<dt>Username</dt><dd>${username}</dd>`);
    expect(profile).not.toContain('alice@example.com');
    expect(scopeItem(consent.html, 'See your email address')).toContain('<dt>Email address</dt><dd>alice@example.com</dd>');
    // A custom scope's description from config, and an array value as a list in words.
    expect(scopeItem(consent.html, 'See your roles')).toContain('<dt>roles</dt><dd>admin and ops</dd>');
    // The account has none of these: they are not listed.
    for (const absent of ['Middle name', 'Gender', 'Birthdate', 'Profile last updated', 'Time zone', 'Picture'])
      expect({ absent, shown: consent.html.includes(absent) }).toEqual({ absent, shown: false });
    expect(consent.html).not.toContain('class="badge"');
  });

  it('on a forced re-consent lists what the app has and keeps, with what is new marked', async () => {
    const username = await newUser({ name: 'Bo Peep', email: 'bo@example.com' });
    const first = await authorizationRequest(shop, { scope: 'openid profile email' });
    const browser = newBrowser();
    const consent = await login(browser, first.url, username);
    expectCallback(await browser.submit(consent, '/confirm'));

    // prompt=consent with nothing new: the page shows everything allowed, not an empty list.
    const again = await authorizationRequest(shop, { scope: 'openid profile email', prompt: 'consent' });
    const forced = expectPage(await browser.navigate(again.url.href), /Allow access\?/);
    expect(forced.html).toContain('Example Shop asks you to confirm its access:');
    expect(scopeItem(forced.html, 'See your name and profile details')).toContain('<dd>Bo Peep</dd>');
    expect(scopeItem(forced.html, 'See your email address')).toContain('<dd>bo@example.com</dd>');
    expect(forced.html).toContain('Confirm who you are');
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'long' }).format(new Date());
    expect(forced.html).toContain(`You allowed all of this on ${today}.`);
    expect(forced.html).not.toContain('class="badge"');
    expectCallback(await browser.submit(forced, '/confirm'));

    // prompt=consent asking for more: the old scopes are still listed, the new one marked.
    const more = await authorizationRequest(shop, { scope: 'openid profile email offline_access', prompt: 'consent' });
    const wider = expectPage(await browser.navigate(more.url.href), /Allow access\?/);
    expect(scopeItem(wider.html, 'Keep access while you are away')).toContain('<span class="badge">New</span>');
    expect(scopeItem(wider.html, 'See your email address')).not.toContain('badge');
    expect(wider.html).toContain(`You allowed everything not marked as new on ${today}.`);
    const tokens = await exchange(shop, expectCallback(await browser.submit(wider, '/confirm')), more);
    expect(tokens.scope!.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
  });

  it('shows who is asking: logo, the domain it returns to, its links; images allowed from that origin only', async () => {
    const request = await authorizationRequest(shop, { scope: 'openid' });
    const consent = await login(newBrowser(), request.url, await newUser());
    expect(consent.html).toContain('<img class="client-logo" src="https://cdn.shop.example/logo.png" alt=""');
    expect(consent.html).toContain('<p class="client-name">Example Shop</p>');
    expect(consent.html).toContain(`You will return to ${new URL(CALLBACK).host}`);
    expect(consent.html).toContain('<a href="https://shop.example/privacy" target="_blank" rel="noopener noreferrer">Privacy policy</a>');
    expect(consent.html).toContain('<a href="https://shop.example/terms" target="_blank" rel="noopener noreferrer">Terms of service</a>');
    expect(consent.html).toContain('<a href="https://shop.example/" target="_blank" rel="noopener noreferrer">Website</a>');
    expect(consent.headers.get('content-security-policy')).toContain("img-src 'self' data: https://cdn.shop.example;");
  });

  it('says that a first-party client is first party (when prompt=consent shows it the page)', async () => {
    const console = await configFor('console');
    const request = await authorizationRequest(console, { scope: 'openid profile', prompt: 'consent' });
    const consent = await login(newBrowser(), request.url, await newUser());
    expect(consent.html).toContain('<p class="client-name">Admin Console <span class="badge">Operated by Acme ID</span></p>');
  });

  it('puts Allow first as the primary button and Deny as a second, ordinary button', async () => {
    const consent = await login(newBrowser(), (await authorizationRequest(shop, { scope: 'openid' })).url, await newUser());
    const buttons = [...consent.html.matchAll(/<button type="submit"( class="primary")?>([^<]+)<\/button>/g)].map((m) => [
      m[2],
      Boolean(m[1]),
    ]);
    expect(buttons).toEqual([
      ['Allow', true],
      ['Deny', false],
    ]);
  });
});

describe('the page language', () => {
  it('follows ui_locales over Accept-Language, then Accept-Language, then the default', async () => {
    const german = await authorizationRequest(shop, { scope: 'openid', ui_locales: 'fr-CA de' });
    const browser = newBrowser();
    browser.headers = { 'accept-language': 'es-ES,es;q=0.9' };
    // fr is available (a config file), so fr-CA matches it before de.
    const french = expectPage(await browser.navigate(german.url.href), /<html lang="fr">/);
    expect(french.html).toContain('<h1>Connexion</h1>');
    expect(french.headers.get('content-language')).toBe('fr');

    const de = await authorizationRequest(shop, { scope: 'openid', ui_locales: 'de-AT' });
    const page = expectPage(await browser.navigate(de.url.href), /<html lang="de">/);
    expect(page.html).toContain('<h1>Anmelden</h1>');
    expect(page.html).toContain('weiter zu Example Shop');
    expect(page.html).toContain('<title>Anmelden · Acme ID</title>');

    const none = await authorizationRequest(shop, { scope: 'openid' });
    const spanish = expectPage(await browser.navigate(none.url.href), /<html lang="es">/);
    expect(spanish.html).toContain('<h1>Iniciar sesión</h1>');
    browser.headers = {};
    expectPage(await browser.navigate(none.url.href), /<html lang="en">[\s\S]*<h1>Sign in<\/h1>/);
  });

  it('shows the consent page in German: messages, per-locale scope descriptions from config, dates by Intl', async () => {
    const username = await newUser({ name: 'Grete', email: 'grete@example.com', locale: 'de', roles: ['admin'] });
    const request = await authorizationRequest(shop, { scope: 'openid profile email roles', ui_locales: 'de' });
    const browser = newBrowser();
    const consent = await login(browser, request.url, username);
    expect(consent.html).toContain('<h1>Zugriff erlauben?</h1>');
    expect(consent.html).toContain('Example Shop möchte:');
    expect(scopeItem(consent.html, 'Ihren Namen und Ihre Profilangaben sehen')).toContain('<dt>Sprache</dt><dd>Deutsch</dd>');
    expect(consent.html).toContain('<span class="scope">Ihre Rollen sehen</span>');
    expect(consent.html).toContain('<button type="submit" class="primary">Erlauben</button>');
    expectCallback(await browser.submit(consent, '/confirm'));
    const forced = expectPage(
      await browser.navigate((await authorizationRequest(shop, { scope: 'openid email', prompt: 'consent', ui_locales: 'de' })).url.href),
      /Zugriff erlauben\?/,
    );
    const today = new Intl.DateTimeFormat('de', { dateStyle: 'long' }).format(new Date());
    expect(forced.html).toContain(`All das haben Sie am ${today} erlaubt.`);
  });

  it('lists the available locales in discovery as ui_locales_supported', async () => {
    const metadata = await (await fetch(`${gatehouse.url}/.well-known/openid-configuration`)).json();
    expect(metadata.ui_locales_supported).toEqual(['en', 'de', 'es', 'fr']);
  });
});

describe('the brand', () => {
  it('names the product, shows its logo, links its stylesheet and colours the pages with its primary colour', async () => {
    const page = expectPage(await newBrowser().navigate((await authorizationRequest(shop, { scope: 'openid' })).url.href), /<form/);
    expect(page.html).toContain('<title>Sign in · Acme ID</title>');
    expect(page.html).toContain('<img class="brand-logo" src="/assets/brand-logo.svg" alt=""');
    expect(page.html).toContain('<span>Acme ID</span>');
    expect(page.html).toContain('<link rel="stylesheet" href="/assets/brand.css">');
    const logo = await fetch(`${gatehouse.url}/assets/brand-logo.svg`);
    expect([logo.status, logo.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await (await fetch(`${gatehouse.url}/assets/brand.css`)).text()).toContain('letter-spacing: .05em');
    expect(await (await fetch(`${gatehouse.url}/assets/gatehouse.css`)).text()).toMatch(/:root \{ --accent: #0f766e; \}\n$/);
  });
});

describe('sign-out', () => {
  async function signedIn(browser: Browser) {
    const request = await authorizationRequest(shop, { scope: 'openid' });
    const consent = await login(browser, request.url, await newUser());
    return exchange(shop, expectCallback(await browser.submit(consent, '/confirm')), request);
  }

  it('names the app that asked, and after confirming says you have signed out (a template override shows it)', async () => {
    const browser = newBrowser();
    await signedIn(browser);
    const url = client.buildEndSessionUrl(shop, { client_id: 'shop' });
    const confirm = expectPage(await browser.navigate(url.href), /<h1>Sign out\?<\/h1>/);
    expect(confirm.html).toContain('Do you want to sign out of Acme ID and Example Shop?');
    const done = expectPage(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }), /<h1>Signed out<\/h1>/);
    // views_dir/logged-out.njk took precedence over the built-in one.
    expect(done.html).toContain('<p id="custom">See you soon at Acme ID.</p>');
    expect(done.html).toContain('<p>You have signed out.</p>');
  });

  it('"Stay signed in" still ends the session of the app that asked, and the page says so', async () => {
    const browser = newBrowser();
    await signedIn(browser);
    const confirm = expectPage(await browser.navigate(client.buildEndSessionUrl(shop, { client_id: 'shop' }).href), /Sign out\?/);
    const done = expectPage(await browser.submit(confirm, '/session/end/confirm'), /<h1>Signed out<\/h1>/);
    expect(done.html).toContain('<p>You have signed out of Example Shop. You are still signed in to Acme ID.</p>');
  });

  it('returns to the registered post-logout URI when the app gives one', async () => {
    const browser = newBrowser();
    const tokens = await signedIn(browser);
    const url = client.buildEndSessionUrl(shop, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGGED_OUT, state: 'xyz' });
    const confirm = expectPage(await browser.navigate(url.href), /Sign out\?/);
    const back = expectCallback(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }));
    expect([back.pathname, back.searchParams.get('state')]).toEqual(['/logged-out', 'xyz']);
  });
});

describe('error pages', () => {
  it('explain an unregistered redirect_uri in words, keep the code, details and request id, and lead back to the app', async () => {
    const url = client.buildAuthorizationUrl(shop, {
      redirect_uri: 'https://attacker.example/cb',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const page = expectPage(await newBrowser().navigate(url.href), /Something went wrong/);
    expect(page.status).toBe(400);
    expect(page.html).toContain('The app asked to send you back to an address it has not registered, so you were not sent there.');
    expect(page.html).toContain('<dt>Error</dt><dd><code>invalid_redirect_uri</code></dd>');
    expect(page.html).toMatch(/<dt>Request ID<\/dt><dd><code>[0-9a-f-]{36}<\/code><\/dd>/);
    expect(page.html).toContain('<a class="button" href="https://shop.example/">Back to Example Shop</a>');
    expect(page.html).not.toContain('attacker.example');
  });

  it('speak the request language too', async () => {
    const url = client.buildAuthorizationUrl(shop, { redirect_uri: 'https://attacker.example/cb', scope: 'openid', ui_locales: 'es' });
    const page = expectPage(await newBrowser().navigate(url.href), /<html lang="es">/);
    expect(page.html).toContain('<h1>Algo ha salido mal</h1>');
    expect(page.html).toContain('Volver a Example Shop');
  });

  it('say a lost interaction has expired and lead to the start page', async () => {
    const browser = newBrowser();
    browser.headers = { 'accept-language': 'de' };
    const page = expectPage(await browser.navigate(`${gatehouse.url}/interaction/gone`), /<html lang="de">/);
    expect(page.status).toBe(400);
    expect(page.html).toContain('Diese Seite ist abgelaufen oder wurde in einem anderen Browser geöffnet.');
    expect(page.html).toContain('<dt>Fehler</dt><dd><code>invalid_request</code></dd>');
    expect(page.html).toContain('<a class="button" href="/">Zur Startseite</a>');
  });
});

describe('gatehouse config check', () => {
  it('warns about an override that lacks a block the built-in template has', async () => {
    const dir = pageFiles();
    writeFileSync(path.join(dir, 'views', 'consent.njk'), '{% extends "layout.njk" %}{% block title %}Consent{% endblock %}');
    const file = path.join(dir, 'gatehouse.yaml');
    writeFileSync(file, `views_dir: views\n`);
    const result = await runProcess('dist/cli/index.js', ['config', 'check'], { GATEHOUSE_CONFIG: file });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `warning: ${path.join(dir, 'views', 'consent.njk')}: no {% block content %}, which the built-in consent.njk has: ` +
        'what Gatehouse puts there will not show',
    );
    expect(result.stdout).not.toContain('logged-out.njk');
  });

  it('warns about an override still written for the English-only account page (`ta`, the `utc` filter)', async () => {
    const dir = pageFiles();
    writeFileSync(
      path.join(dir, 'views', 'account-signed-out.njk'),
      '{% extends "layout.njk" %}{% block title %}{{ ta.account.signedOutTitle }}{% endblock %}' +
        '{% block content %}<p>{{ since | utc }}</p>{% endblock %}',
    );
    const file = path.join(dir, 'gatehouse.yaml');
    writeFileSync(file, `views_dir: views\n`);
    const result = await runProcess('dist/cli/index.js', ['config', 'check'], { GATEHOUSE_CONFIG: file });
    expect(result.code).toBe(0);
    const override = path.join(dir, 'views', 'account-signed-out.njk');
    expect(result.stdout).toContain(`warning: ${override}: uses \`ta\`, which templates no longer receive: its texts are t.passkey,`);
    expect(result.stdout).toContain(`warning: ${override}: uses the \`utc\` filter, which no longer exists`);
  });
});
