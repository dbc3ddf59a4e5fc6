// Second factors through real HTTP and openid-client: TOTP enrolment when a client requires it, codes accepted once,
// recovery codes, step-up of password-only sessions, acr_values, amr/acr/auth_time in ID tokens, throttling.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { ACR_MFA, ACR_PASSWORD } from '../../src/factors/authentication-context.js';
import { TotpStore } from '../../src/factors/totp.js';
import {
  addUser,
  authorizationRequest,
  CALLBACK,
  discover,
  exchange,
  expectCallback,
  expectPage,
  newBrowser,
  signIn,
  startFlowEnv,
  type FlowEnv,
} from '../helpers/oidc-flow.js';
import { continueLink, idTokenClaims, shownRecoveryCodes, shownTotpSecret, totpCode } from '../helpers/mfa.js';
import type { Browser } from '../helpers/browser.js';

const STRICT_SECRET = 'strict-secret-0123456789abcdef012345678';
const SECOND_FACTOR = /<h1>Two-step verification<\/h1>/;
const ENROL = /<h1>Set up two-step verification<\/h1>/;
const LOGIN = /<h1>Sign in<\/h1>/;
const CONSENT = /<h1>Allow access\?<\/h1>/;

let env: FlowEnv;
let web: client.Configuration;
let strict: client.Configuration;

beforeAll(async () => {
  env = await startFlowEnv(`  - client_id: strict
    client_name: Strict App
    client_secret: ${STRICT_SECRET}
    redirect_uris: [${CALLBACK}]
    grant_types: [authorization_code, refresh_token]
    require_mfa: true
`);
  web = await discover(env.gatehouse, 'web');
  strict = await client.discovery(new URL(env.gatehouse.url), 'strict', undefined, client.ClientSecretBasic(STRICT_SECRET), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(async () => {
  await env.stop();
});

/** Password on the login page; returns the page or callback that follows. */
async function password(browser: Browser, url: string, username: string, secret: string) {
  const login = expectPage(await browser.navigate(url), LOGIN);
  return browser.submit(login, '/login', { username, password: secret });
}

async function consentIfAsked(browser: Browser, outcome: Awaited<ReturnType<Browser['navigate']>>): Promise<URL> {
  if (outcome.callback) return outcome.callback;
  const consent = expectPage(outcome, CONSENT);
  return expectCallback(await browser.submit(consent, '/confirm'));
}

describe('discovery', () => {
  it('lists the acr values and the amr and acr claims', async () => {
    const metadata = (await (await fetch(`${env.gatehouse.url}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    expect(metadata.acr_values_supported).toEqual([ACR_PASSWORD, ACR_MFA]);
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['acr', 'amr', 'auth_time']));
  });
});

describe('a client without require_mfa', () => {
  it('signs in with the password alone: amr pwd, acr password, auth_time', async () => {
    await addUser(env.accounts, 'paula', 'paula-password-1');
    const request = await authorizationRequest(web);
    const before = Math.floor(Date.now() / 1000);
    const tokens = await exchange(web, await signIn(newBrowser(), request, 'paula', 'paula-password-1'), request);
    const claims = tokens.claims()!;
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.acr).toBe(ACR_PASSWORD);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
  });
});

describe('TOTP', () => {
  let secret: string;
  let recoveryCodes: string[];
  let enrolmentCode: string;

  it('a require_mfa client takes a user without factors through enrolment after the password, then on to tokens with mfa', async () => {
    await addUser(env.accounts, 'tom', 'tom-password-1');
    const browser = newBrowser();
    const request = await authorizationRequest(strict);
    const enrol = expectPage(await password(browser, request.url.href, 'tom', 'tom-password-1'), ENROL);
    expect(enrol.html).toMatch(/<img class="qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code/);
    secret = shownTotpSecret(enrol);
    // Reloading the page keeps the same key (the app may already have it).
    expect(shownTotpSecret(expectPage(await browser.navigate(enrol.url), ENROL))).toBe(secret);
    // A wrong code does not confirm it.
    const wrong = expectPage(await browser.submit(enrol, '/mfa/enrol/totp', { code: totpCode(secret, 5) }), ENROL);
    expect(wrong.status).toBe(400);
    enrolmentCode = totpCode(secret);
    const codesPage = expectPage(
      await browser.submit(enrol, '/mfa/enrol/totp', { code: enrolmentCode }),
      /<h1>Save your recovery codes<\/h1>/,
    );
    recoveryCodes = shownRecoveryCodes(codesPage);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const callback = await consentIfAsked(browser, await browser.navigate(continueLink(codesPage)));
    const claims = (await exchange(strict, callback, request)).claims()!;
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.acr).toBe(ACR_MFA);
  });

  it('the secret is stored, and the recovery codes are stored only as hashes', async () => {
    const account = await env.accounts.findByUsername('tom');
    const stored = await env.storage.db.collection('mfa_totp').findOne({ _id: account!._id as never });
    // No key-encryption key in this environment: stored as the signing keys are, in plaintext (production seals both).
    expect(stored).toMatchObject({ secret: { plain: secret }, confirmedAt: expect.any(Date) });
    const codes = await env.storage.db.collection('mfa_recovery_codes').find({ accountId: account!._id }).toArray();
    expect(codes).toHaveLength(10);
    const storedText = JSON.stringify(codes);
    for (const code of recoveryCodes) expect(storedText).not.toContain(code);
  });

  it('signing in anywhere now asks for the code after the password; a code already used is refused, the next one works', async () => {
    const browser = newBrowser();
    const request = await authorizationRequest(web);
    const page = expectPage(await password(browser, request.url.href, 'tom', 'tom-password-1'), SECOND_FACTOR);
    const replay = expectPage(await browser.submit(page, '/mfa/totp', { code: enrolmentCode }), SECOND_FACTOR);
    expect(replay.status).toBe(401);
    expect(replay.html).toContain('That code is not valid.');
    const next = totpCode(secret, 1);
    const callback = await consentIfAsked(browser, await browser.submit(replay, '/mfa/totp', { code: next }));
    const claims = (await exchange(web, callback, request)).claims()!;
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.acr).toBe(ACR_MFA);
    // And that code, too, works once.
    const again = newBrowser();
    const second = expectPage(await password(again, (await authorizationRequest(web)).url.href, 'tom', 'tom-password-1'), SECOND_FACTOR);
    expect(expectPage(await again.submit(second, '/mfa/totp', { code: next }), SECOND_FACTOR).status).toBe(401);
  });

  it('cancelling the second factor leaves no session: the next request asks for the password again', async () => {
    const browser = newBrowser();
    const page = expectPage(await password(browser, (await authorizationRequest(web)).url.href, 'tom', 'tom-password-1'), SECOND_FACTOR);
    const cancelled = expectCallback(await browser.submit(page, '/abort'));
    expect(cancelled.searchParams.get('error')).toBe('access_denied');
    expectPage(await browser.navigate((await authorizationRequest(web)).url.href), LOGIN);
    const silent = await authorizationRequest(web, { prompt: 'none' });
    expect(expectCallback(await browser.navigate(silent.url.href)).searchParams.get('error')).toBe('login_required');
  });

  it('a recovery code signs in once', async () => {
    const first = newBrowser();
    const request = await authorizationRequest(web);
    const page = expectPage(await password(first, request.url.href, 'tom', 'tom-password-1'), SECOND_FACTOR);
    // Typed as people copy it: upper case, without the dashes.
    const code = recoveryCodes[3]!;
    const callback = await consentIfAsked(first, await first.submit(page, '/mfa/recovery', { code: code.toUpperCase().replace(/-/g, '') }));
    expect((await exchange(web, callback, request)).claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
    const second = newBrowser();
    const again = expectPage(await password(second, (await authorizationRequest(web)).url.href, 'tom', 'tom-password-1'), SECOND_FACTOR);
    expect(expectPage(await second.submit(again, '/mfa/recovery', { code }), SECOND_FACTOR).status).toBe(401);
    const account = await env.accounts.findByUsername('tom');
    expect(await env.storage.db.collection('mfa_recovery_codes').countDocuments({ accountId: account!._id, usedAt: null })).toBe(9);
  });

  it('a max_age that has passed asks for the password and the second factor again; auth_time moves', async () => {
    const browser = newBrowser();
    const first = await authorizationRequest(web);
    const page = expectPage(await password(browser, first.url.href, 'tom', 'tom-password-1'), SECOND_FACTOR);
    const firstAuth = (
      await exchange(web, await consentIfAsked(browser, await browser.submit(page, '/mfa/recovery', { code: recoveryCodes[5]! })), first)
    ).claims()!.auth_time!;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const request = await authorizationRequest(web, { max_age: '1' });
    const again = expectPage(await password(browser, request.url.href, 'tom', 'tom-password-1'), SECOND_FACTOR);
    const claims = (
      await exchange(web, await consentIfAsked(browser, await browser.submit(again, '/mfa/recovery', { code: recoveryCodes[6]! })), request)
    ).claims()!;
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.auth_time).toBeGreaterThan(firstAuth);
  });

  it('wrong codes count towards throttling per account and source: past the limit even the right code gets 429', async () => {
    await addUser(env.accounts, 'tess', 'tess-password-1');
    const account = await env.accounts.findByUsername('tess');
    const store = new TotpStore(env.storage.db, undefined, 'Gatehouse');
    const tessSecret = (await store.startEnrolment(account!._id, 'tess'))!.secret;
    expect(await store.confirm(account!._id, totpCode(tessSecret, -1))).toBe(true);
    const browser = newBrowser();
    let page = expectPage(await password(browser, (await authorizationRequest(web)).url.href, 'tess', 'tess-password-1'), SECOND_FACTOR);
    for (let attempt = 0; attempt < 5; attempt++) {
      page = expectPage(await browser.submit(page, '/mfa/totp', { code: attempt % 2 ? '000000' : '123456' }), SECOND_FACTOR);
      expect(page.status).toBe(401);
    }
    const locked = expectPage(await browser.submit(page, '/mfa/totp', { code: totpCode(tessSecret, 1) }), SECOND_FACTOR);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('step-up', () => {
  let browser: Browser;
  let secret: string;

  it('a password-only session meets a require_mfa client: asked for the second factor, not the password; tokens carry mfa', async () => {
    await addUser(env.accounts, 'sam', 'sam-password-1');
    browser = newBrowser();
    // Signed in with the password while sam had no factor; then a TOTP is enrolled (as on the account page).
    const first = await authorizationRequest(web);
    const firstClaims = (await exchange(web, await signIn(browser, first, 'sam', 'sam-password-1'), first)).claims()!;
    expect(firstClaims.amr).toEqual(['pwd']);
    const account = await env.accounts.findByUsername('sam');
    const store = new TotpStore(env.storage.db, undefined, 'Gatehouse');
    secret = (await store.startEnrolment(account!._id, 'sam'))!.secret;
    expect(await store.confirm(account!._id, totpCode(secret, -1))).toBe(true);

    // A client without require_mfa: no prompt, the session as it is.
    const plain = await authorizationRequest(web);
    expect((await exchange(web, expectCallback(await browser.navigate(plain.url.href)), plain)).claims()!.amr).toEqual(['pwd']);

    const request = await authorizationRequest(strict, { max_age: '3600' });
    const stepUp = expectPage(await browser.navigate(request.url.href), SECOND_FACTOR);
    expect(stepUp.html).toContain('Strict App asks for a second factor.');
    expect(stepUp.html).not.toMatch(/name="password"/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const steppedAt = Math.floor(Date.now() / 1000);
    const callback = await consentIfAsked(browser, await browser.submit(stepUp, '/mfa/totp', { code: totpCode(secret) }));
    const claims = (await exchange(strict, callback, request)).claims()!;
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.acr).toBe(ACR_MFA);
    // auth_time is the step-up: the latest active authentication.
    expect(claims.auth_time).toBeGreaterThanOrEqual(steppedAt);
    expect(claims.auth_time).toBeGreaterThan(firstClaims.auth_time!);

    // The session is now multi-factor for every client.
    const after = await authorizationRequest(web);
    expect((await exchange(web, expectCallback(await browser.navigate(after.url.href)), after)).claims()!.amr).toEqual([
      'pwd',
      'otp',
      'mfa',
    ]);
  });

  it('acr_values: asking for mfa steps a password-only session up; asking for password (or an unknown value) does not', async () => {
    await addUser(env.accounts, 'ana', 'ana-password-1');
    const anaBrowser = newBrowser();
    const first = await authorizationRequest(web);
    await exchange(web, await signIn(anaBrowser, first, 'ana', 'ana-password-1'), first);

    for (const acr of [ACR_PASSWORD, `urn:example:unknown ${ACR_PASSWORD}`, 'urn:example:unknown']) {
      const request = await authorizationRequest(web, { acr_values: acr });
      expect((await exchange(web, expectCallback(await anaBrowser.navigate(request.url.href)), request)).claims()!.acr).toBe(ACR_PASSWORD);
    }
    // ana has no factor: asking for mfa takes her through enrolment.
    const request = await authorizationRequest(web, { acr_values: ACR_MFA });
    const enrol = expectPage(await anaBrowser.navigate(request.url.href), ENROL);
    const codes = expectPage(
      await anaBrowser.submit(enrol, '/mfa/enrol/totp', { code: totpCode(shownTotpSecret(enrol)) }),
      /Save your recovery codes/,
    );
    const callback = await consentIfAsked(anaBrowser, await anaBrowser.navigate(continueLink(codes)));
    const claims = (await exchange(web, callback, request)).claims()!;
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('prompt=none on a password-only session for a require_mfa client: interaction_required, no page', async () => {
    await addUser(env.accounts, 'nina', 'nina-password-1');
    const ninaBrowser = newBrowser();
    const first = await authorizationRequest(web);
    await exchange(web, await signIn(ninaBrowser, first, 'nina', 'nina-password-1'), first);
    const silent = await authorizationRequest(strict, { prompt: 'none' });
    expect(expectCallback(await ninaBrowser.navigate(silent.url.href)).searchParams.get('error')).toBe('interaction_required');
  });

  it('refresh keeps amr and acr', async () => {
    // prompt=consent: OpenID Connect grants offline_access (a refresh token) only when consent is asked for.
    const request = await authorizationRequest(strict, { prompt: 'consent' });
    const tokens = await exchange(strict, await consentIfAsked(browser, await browser.navigate(request.url.href)), request);
    const refreshed = await client.refreshTokenGrant(strict, tokens.refresh_token!);
    expect(idTokenClaims(refreshed.id_token!)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR_MFA });
  });
});

describe('mfa.required for everyone', () => {
  let required: FlowEnv;
  beforeAll(async () => {
    required = await startFlowEnv('mfa:\n  required: true\n  factors: [totp]\n');
  });
  afterAll(async () => {
    await required.stop();
  });

  it('a user without factors is taken through enrolment at any client; no recovery codes when they are not allowed', async () => {
    await addUser(required.accounts, 'rita', 'rita-password-1');
    const config = await discover(required.gatehouse, 'web');
    const browser = newBrowser();
    const request = await authorizationRequest(config);
    const login = expectPage(await browser.navigate(request.url.href), LOGIN);
    // Passkeys are not among the allowed factors: no passkey sign-in on the page.
    expect(login.html).not.toContain('data-passkey');
    const enrol = expectPage(await browser.submit(login, '/login', { username: 'rita', password: 'rita-password-1' }), ENROL);
    expect(enrol.html).not.toContain('data-passkey');
    const callback = await consentIfAsked(
      browser,
      await browser.submit(enrol, '/mfa/enrol/totp', { code: totpCode(shownTotpSecret(enrol)) }),
    );
    expect((await exchange(config, callback, request)).claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
