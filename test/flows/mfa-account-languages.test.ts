// The multi-factor and account pages in the request's language, over plain HTTP: ui_locales before Accept-Language on
// the sign-in steps (enrolment, recovery codes, second factor), Accept-Language on /account, and no English left over.
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { readBundleFile } from '../../src/i18n/bundle-file.js';
import { BUILT_IN_LOCALES_DIR, lookup, messageKeys, placeholders } from '../../src/i18n/messages.js';
import type { Browser, Page } from '../helpers/browser.js';
import { continueLink, shownRecoveryCodes, shownTotpSecret, totpCode } from '../helpers/mfa.js';
import { addUser, authorizationRequest, CALLBACK, expectPage, newBrowser, startFlowEnv, type FlowEnv } from '../helpers/oidc-flow.js';

const STRICT_SECRET = 'strict-secret-0123456789abcdef012345678';
const bundle = (code: string) =>
  readBundleFile(path.join(BUILT_IN_LOCALES_DIR, `${code}.yaml`), `${code}.yaml`).messages as NonNullable<
    ReturnType<typeof readBundleFile>['messages']
  >;
const english = bundle('en');

let env: FlowEnv;
let strict: client.Configuration;
let recoveryCodes: string[];

beforeAll(async () => {
  env = await startFlowEnv(`  - client_id: strict
    client_name: Strict App
    client_secret: ${STRICT_SECRET}
    redirect_uris: [${CALLBACK}]
    require_mfa: true
`);
  strict = await client.discovery(new URL(env.gatehouse.url), 'strict', undefined, client.ClientSecretBasic(STRICT_SECRET), {
    execute: [client.allowInsecureRequests],
  });
  await addUser(env.accounts, 'lena', 'lena-password-1');
});
afterAll(async () => {
  await env.stop();
});

/** A user agent whose browser asks for `acceptLanguage`. */
function browserIn(acceptLanguage: string): Browser {
  const browser = newBrowser();
  browser.headers = { 'accept-language': acceptLanguage };
  return browser;
}

/** The page is in `lang`: <html lang>, Content-Language, and the heading given. */
function expectLanguage(page: Page, lang: string, heading: string) {
  expect({ lang: /<html lang="([^"]+)">/.exec(page.html)?.[1], contentLanguage: page.headers.get('content-language') }).toEqual({
    lang,
    contentLanguage: lang,
  });
  expect(page.headers.get('vary')).toMatch(/accept-language/i);
  expect(page.html).toContain(`<h1>${heading}</h1>`);
}

/**
 * English texts of the multi-factor and account sections that a page in another language shows: each text node and
 * attribute value that is an English message, or contains one of three words or more. Messages with placeholders are
 * looked for up to their first placeholder. Texts the translation also uses (German "Passkey") are not leaks.
 */
function englishLeft(page: Page, lang: string): string[] {
  const translated = bundle(lang);
  const translations = new Set(messageKeys(translated).map((key) => lookup(translated, key)));
  const sections = ['passkey', 'secondFactor', 'enrol', 'recovery', 'account'];
  const texts = messageKeys(english)
    .filter((key) => sections.includes(key.split('.')[0]!) && !translations.has(lookup(english, key)))
    .map((key) => {
      const text = lookup(english, key)!;
      return placeholders(text).length ? text.slice(0, text.indexOf('{')).trim() : text;
    })
    .filter((text) => text.split(' ').length >= 2 || text.length >= 4);
  const shown = [
    ...[...page.html.matchAll(/>([^<>]+)</g)].map((match) => match[1]!),
    // Attributes a person reads or the passkey script shows; not names and types such as type="password".
    ...[...page.html.matchAll(/\b(?:alt|aria-label|title|placeholder|value|data-working|data-failed)="([^"]*)"/g)].map(
      (match) => match[1]!,
    ),
  ]
    .map((text) => text.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  return texts.filter((text) =>
    shown.some((value) => value === text || (text.split(' ').length >= 3 && value.includes(text)) || value.startsWith(`${text} `)),
  );
}

/** The authorization code the client receives, through the consent page (in `lang`) when it is asked. */
async function finish(browser: Browser, outcome: Awaited<ReturnType<Browser['navigate']>>, lang: string): Promise<string | null> {
  if (outcome.callback) return outcome.callback.searchParams.get('code');
  expectLanguage(outcome.page!, lang, lang === 'es' ? '¿Permitir el acceso?' : 'Zugriff erlauben?');
  return (await browser.submit(outcome.page!, '/confirm')).callback?.searchParams.get('code') ?? null;
}

describe('sign-in steps follow ui_locales over Accept-Language', () => {
  it('enrolment and recovery codes in Spanish for ui_locales=es, although the browser asks for German', async () => {
    const browser = browserIn('de-DE,de;q=0.9');
    const request = await authorizationRequest(strict, { scope: 'openid', ui_locales: 'es' });
    const login = expectPage(await browser.navigate(request.url.href), /<h1>Iniciar sesión<\/h1>/);
    const enrol = expectPage(await browser.submit(login, '/login', { username: 'lena', password: 'lena-password-1' }), /<h1>/);
    expectLanguage(enrol, 'es', 'Configurar la verificación en dos pasos');
    expect(enrol.html).toContain('Strict App requiere un segundo factor. lena, configure uno para continuar.');
    expect(enrol.html).toContain('alt="Código QR que añade esta cuenta a una aplicación de autenticación"');
    // The passkey form's texts for the script, and its default name, are Spanish too.
    expect(enrol.html).toContain('data-working="Esperando su llave de acceso…"');
    expect(enrol.html).toContain('data-failed="No se ha podido añadir la llave de acceso."');
    expect(enrol.html).toContain('value="Llave de acceso"');
    expect(englishLeft(enrol, 'es')).toEqual([]);

    const secret = shownTotpSecret(enrol);
    const wrong = expectPage(await browser.submit(enrol, '/mfa/enrol/totp', { code: totpCode(secret, 5) }), /<h1>/);
    expect(wrong.status).toBe(400);
    expectLanguage(wrong, 'es', 'Configurar la verificación en dos pasos');
    expect(wrong.html).toContain('<p class="alert" role="alert">Ese código no es válido. Compruebe la hora de su teléfono');

    const codes = expectPage(await browser.submit(enrol, '/mfa/enrol/totp', { code: totpCode(secret) }), /<h1>/);
    expectLanguage(codes, 'es', 'Guarde sus códigos de recuperación');
    expect(codes.html).toMatch(/<a class="button" href="[^"]+">Continuar<\/a>/);
    expect(englishLeft(codes, 'es')).toEqual([]);
    recoveryCodes = shownRecoveryCodes(codes);
    expect(recoveryCodes).toHaveLength(10);
    expect(await finish(browser, await browser.navigate(continueLink(codes)), 'es')).toBeTruthy();
  });

  it('the second-factor page is Spanish for ui_locales=es with Accept-Language de, and German for Accept-Language de alone', async () => {
    const browser = browserIn('de');
    const request = await authorizationRequest(strict, { scope: 'openid', ui_locales: 'es' });
    const login = expectPage(await browser.navigate(request.url.href), /<h1>Iniciar sesión<\/h1>/);
    const page = expectPage(await browser.submit(login, '/login', { username: 'lena', password: 'lena-password-1' }), /<h1>/);
    expectLanguage(page, 'es', 'Verificación en dos pasos');
    expect(page.html).toContain('<title>Verificación en dos pasos · Gatehouse</title>');
    expect(page.html).toContain('lena, confirme que es usted con su segundo factor.');
    expect(page.html).toContain('<label for="code">Código de seis dígitos</label>');
    expect(page.html).toContain('<button type="submit" class="link">Cancelar</button>');
    expect(englishLeft(page, 'es')).toEqual([]);
    const refused = expectPage(await browser.submit(page, '/mfa/recovery', { code: 'not-a-code' }), /<h1>/);
    expect(refused.status).toBe(401);
    expectLanguage(refused, 'es', 'Verificación en dos pasos');
    expect(refused.html).toContain('<p class="alert" role="alert">Ese código no es válido. Cada código funciona una sola vez.</p>');

    const german = browserIn('de-CH, de;q=0.9, en;q=0.5');
    const plain = await authorizationRequest(strict, { scope: 'openid' });
    const anmelden = expectPage(await german.navigate(plain.url.href), /<h1>Anmelden<\/h1>/);
    const zweiterFaktor = expectPage(await german.submit(anmelden, '/login', { username: 'lena', password: 'lena-password-1' }), /<h1>/);
    expectLanguage(zweiterFaktor, 'de', 'Bestätigung in zwei Schritten');
    expect(zweiterFaktor.html).toContain('<h2 id="sf-recovery">Wiederherstellungscode verwenden</h2>');
    expect(englishLeft(zweiterFaktor, 'de')).toEqual([]);
    expect(await finish(german, await german.submit(zweiterFaktor, '/mfa/recovery', { code: recoveryCodes[0]! }), 'de')).toBeTruthy();
  });
});

describe('/account follows Accept-Language', () => {
  let browser: Browser;
  let page: Page;

  it('signs in with German pages (the account page named in German) and shows the account page in German', async () => {
    browser = browserIn('de-DE,de;q=0.9,en;q=0.8');
    const login = expectPage(await browser.navigate(`${env.gatehouse.url}/account`), /<h1>Anmelden<\/h1>/);
    expect(login.html).toContain('weiter zu Ihr Konto');
    const second = expectPage(await browser.submit(login, '/login', { username: 'lena', password: 'lena-password-1' }), /<h1>/);
    expectLanguage(second, 'de', 'Bestätigung in zwei Schritten');
    page = expectPage(await browser.submit(second, '/mfa/recovery', { code: recoveryCodes[1]! }), /<h1>/);
    expect(page.url).toBe(`${env.gatehouse.url}/account`);
    expectLanguage(page, 'de', 'Ihr Konto');
    expect(page.html).toContain('<title>Ihr Konto · Gatehouse</title>');
    expect(page.html).toContain('Angemeldet als lena');
    expect(page.html).toContain('<button type="submit" class="secondary">Passwort ändern</button>');
    expect(page.html).toContain('8 von 10 Codes übrig.');
    // Dates by Intl in German, to the minute, in UTC and saying so.
    expect(page.html).toMatch(/<p id="totp-status">Eingerichtet seit \d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4} um \d\d:\d\d UTC\.<\/p>/);
    // How the session signed in: the amr values by name, listed the German way.
    expect(page.html).toMatch(
      /Angemeldet am \d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4} um \d\d:\d\d UTC mit Passwort, Einmalcode und zwei Faktoren/,
    );
    expect(page.html).toContain('data-working="Warten auf Ihren Passkey …"');
    expect(englishLeft(page, 'de')).toEqual([]);
  });

  it('says what a change did, and why one was refused, in German', async () => {
    const weak = expectPage(
      await browser.submit(page, '/account/password', { current_password: 'lena-password-1', new_password: 'kurz' }),
      /<h1>/,
    );
    expect(weak.status).toBe(400);
    expectLanguage(weak, 'de', 'Ihr Konto');
    expect(weak.html).toContain(
      '<p class="alert" role="alert">Dieses neue Passwort kann nicht verwendet werden: ' +
        'es hat 4 Zeichen, weniger als 15; einige Wörter ergeben ein gutes Passwort.</p>',
    );
    const regenerated = expectPage(await browser.submit(page, '/account/recovery-codes'), /<h1>/);
    expectLanguage(regenerated, 'de', 'Speichern Sie Ihre Wiederherstellungscodes');
    expect(regenerated.html).toMatch(/<a class="button" href="\/account">Zurück zu Ihrem Konto<\/a>/);
    expect(englishLeft(regenerated, 'de')).toEqual([]);
    const removed = expectPage(await browser.submit(page, '/account/totp/remove'), /<h1>/);
    expect(removed.html).toContain('<p class="notice" role="status">Ihre Authenticator-App wurde entfernt.</p>');
    expect(removed.html).toContain('<p id="totp-status">Nicht eingerichtet.</p>');
  });

  it('the signed-out page is German too, and English for a browser that asks for nothing else', async () => {
    const signedOut = expectPage(await browser.navigate(`${env.gatehouse.url}/account/signed-out`), /<h1>/);
    expectLanguage(signedOut, 'de', 'Abgemeldet');
    expect(signedOut.html).toContain('Sie haben sich von Ihrer Kontoseite abgemeldet.');
    const english = expectPage(await browserIn('en-GB').navigate(`${env.gatehouse.url}/account/signed-out`), /<h1>/);
    expectLanguage(english, 'en', 'Signed out');
  });
});
