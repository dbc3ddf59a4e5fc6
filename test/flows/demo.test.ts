// Development demo: an empty database gets a demo user and client, and /demo walks the whole protocol.
import { PassThrough } from 'node:stream';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Gatehouse } from '../../src/gatehouse.js';
import { Browser } from '../helpers/browser.js';
import { startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

/** A production environment that passes the static safety checks, so only the demo leftovers are in question. */
const PRODUCTION = {
  NODE_ENV: 'production',
  ISSUER: 'https://id.example.test',
  GATEHOUSE_KEY_ENCRYPTION_KEY: 'a-long-random-key-encryption-key-for-tests-0123456789',
};

let storage: TestStorage;
let gatehouse: Gatehouse;
let startLog = '';
beforeAll(async () => {
  storage = await startTestStorage();
  const logTo = new PassThrough();
  logTo.on('data', (chunk) => {
    startLog += chunk;
  });
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: 'password_hashing:\n  argon2_memory_kib: 7168\n',
    logTo,
  });
});
afterAll(async () => {
  await gatehouse.close();
  await storage.stop();
});

function stayOnPage(browser: Browser, url: string) {
  return browser.navigate(url).then((outcome) => outcome.page!);
}

/** Keeps every Set-Cookie line it receives, so a cookie's attributes can be checked. */
class RecordingBrowser extends Browser {
  readonly setCookies: string[] = [];
  override async request(url: string, init?: RequestInit) {
    const response = await super.request(url, init);
    this.setCookies.push(...response.headers.getSetCookie());
    return response;
  }
}

/** GET /demo/start without following it: the authorization request the demo sends. */
async function demoStart(browser: Browser): Promise<URL> {
  const response = await browser.request(`${gatehouse.url}/demo/start`);
  await response.body?.cancel();
  return new URL(response.headers.get('location')!);
}

describe('/demo (development only)', () => {
  it('seeds a demo user and a stored demo client', async () => {
    expect(await storage.db.collection('accounts').countDocuments({ usernameKey: 'demo' })).toBe(1);
    expect(await storage.db.collection('oidc_Client').findOne({ _id: 'gatehouse-demo' as never })).toMatchObject({
      payload: { token_endpoint_auth_method: 'none', redirect_uris: [`${gatehouse.url}/demo/callback`] },
    });
  });

  it('signs in with PKCE, shows validated ID token claims and userinfo, refreshes and signs out; the browser then signs in without consent', async () => {
    const browser = new RecordingBrowser([]);
    const home = await stayOnPage(browser, `${gatehouse.url}/demo`);
    expect(home.html).toContain('Sign in with Gatehouse');

    // A browser that has not signed in through the demo yet asks for consent explicitly (offline_access needs it).
    const authorize = await demoStart(browser);
    expect(authorize.searchParams.get('prompt')).toBe('consent');
    expect(authorize.searchParams.get('scope')).toBe('openid profile email offline_access');
    const login = await stayOnPage(browser, authorize.href);
    expect(login.html).toContain('<h1>Sign in</h1>');
    const consent = (await browser.submit(login, '/login', { username: 'demo', password: 'demo' })).page!;
    expect(consent.html).toContain('Gatehouse demo is asking to:');
    const signedIn = (await browser.submit(consent, '/confirm')).page!;
    expect(signedIn.url).toBe(`${gatehouse.url}/demo`);
    expect(signedIn.html).toMatch(/id="id-token-claims"[^>]*>[\s\S]*&quot;iss&quot;: &quot;http:\/\/localhost:\d+&quot;/);
    expect(signedIn.html).toMatch(/id="userinfo"[^>]*>[\s\S]*&quot;email&quot;: &quot;demo@example.com&quot;/);
    expect(signedIn.html).toContain('with a refresh token');
    const returning = browser.setCookies.filter((line) => line.startsWith('gatehouse.demo.returning='));
    expect(returning).toHaveLength(1);
    expect(returning[0]).toMatch(/; path=\/demo;/i);
    expect(returning[0]).toMatch(/; httponly/i);
    expect(returning[0]).toMatch(/; samesite=lax/i);
    const expires = new Date(/; expires=([^;]+)/i.exec(returning[0]!)![1]!).getTime();
    expect(expires).toBeGreaterThan(Date.now() + 364 * 86_400_000);

    // The refresh shows the new ID token: a changed account claim appears, and success is a status, not an alert.
    const claimsOf = (html: string) => JSON.parse(/id="id-token-claims"[^>]*>([^<]*)</.exec(html)![1]!.replace(/&quot;/g, '"'));
    expect(claimsOf(signedIn.html).name).toBe('Demo User');
    await storage.db.collection('accounts').updateOne({ usernameKey: 'demo' }, { $set: { 'claims.name': 'Demo Renamed' } });
    const refreshed = (await browser.submit(signedIn, '/demo/refresh')).page!;
    expect(refreshed.html).toMatch(/<p class="notice" role="status">Tokens refreshed/);
    expect(claimsOf(refreshed.html).name).toBe('Demo Renamed');
    await storage.db.collection('accounts').updateOne({ usernameKey: 'demo' }, { $set: { 'claims.name': 'Demo User' } });

    const confirm = (await browser.submit(refreshed, '/demo/logout')).page!;
    expect(confirm.html).toContain('<h1>Sign out?</h1>');
    const after = (await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' })).page!;
    expect(after.url).toBe(`${gatehouse.url}/demo`);
    expect(after.html).toContain('Sign in with Gatehouse');

    // Sign-out ended the session but kept the browser's returning cookie: no prompt=consent this time. Gatehouse
    // remembers the consent, offline_access included, so login leads straight back with a refresh token.
    expect(browser.cookieNames()).toContain('gatehouse.demo.returning');
    const again = await demoStart(browser);
    expect(again.searchParams.has('prompt')).toBe(false);
    expect(again.searchParams.get('scope')).toBe('openid profile email offline_access');
    const relogin = await stayOnPage(browser, again.href);
    expect(relogin.html).toContain('<h1>Sign in</h1>');
    const back = (await browser.submit(relogin, '/login', { username: 'demo', password: 'demo' })).page!;
    expect(back.url).toBe(`${gatehouse.url}/demo`);
    expect(back.html).toMatch(/id="userinfo"[^>]*>[\s\S]*&quot;email&quot;: &quot;demo@example.com&quot;/);
    expect(back.html).toContain('with a refresh token');
    expect((await browser.submit(back, '/demo/refresh')).page!.html).toContain('Tokens refreshed');
  });

  it('says at start that the demo password is for development only and exempt from the password policy', () => {
    expect(startLog).toContain(`sign in as \\"demo\\" with password \\"demo\\" (development only; exempt from the password policy)`);
  });

  it('makes production refuse to start on a database that still has the demo user and client', async () => {
    await expect(
      startTestGatehouse({
        mongoUri: storage.uri,
        dbName: storage.dbName,
        yaml: 'trust_proxy: 1\nmetrics:\n  bearer_token: a-metrics-token-for-tests-0123456789\n',
        env: PRODUCTION,
      }),
    ).rejects.toMatchObject({
      name: 'StartupRefused',
      reasons: [
        'refusing to start in production: the demo user "demo" exists: run `gatehouse demo remove` (or `gatehouse user remove demo`)',
        'refusing to start in production: the demo client "gatehouse-demo" exists: run `gatehouse demo remove`',
      ],
    });
  });

  it('gatehouse demo remove does what that refusal asks: then production starts on the same database', async () => {
    const cliEnv = { MONGODB_URI: storage.uri, GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${storage.dbName}\n`) };
    const doctor = await runProcess('dist/cli/index.js', ['doctor', '--production', '--url', 'http://127.0.0.1:9'], cliEnv);
    expect(doctor.stdout).toContain('fail  the demo client "gatehouse-demo" exists\n      fix: run `gatehouse demo remove`\n');
    const demoSub = (await storage.db.collection<{ _id: string }>('accounts').findOne({ usernameKey: 'demo' }))!._id;
    expect(await storage.db.collection('oidc_Grant').countDocuments({ 'payload.clientId': 'gatehouse-demo' })).toBeGreaterThan(0);

    const removed = await runProcess('dist/cli/index.js', ['demo', 'remove'], cliEnv);
    expect([removed.code, removed.stderr]).toEqual([0, '']);
    expect(removed.stdout).toMatch(
      new RegExp(
        `^removed "demo" \\(sub ${demoSub}\\); revoked \\d+ session\\(s\\), grant\\(s\\) and token\\(s\\)\n` +
          'removed client "gatehouse-demo"; revoked \\d+ grant\\(s\\) and token\\(s\\)\n$',
      ),
    );
    expect(await storage.db.collection('accounts').countDocuments({ usernameKey: 'demo' })).toBe(0);
    expect(await storage.db.collection<{ _id: string }>('oidc_Client').countDocuments({ _id: 'gatehouse-demo' })).toBe(0);
    expect(await storage.db.collection('oidc_Grant').countDocuments({ 'payload.clientId': 'gatehouse-demo' })).toBe(0);
    expect(await storage.db.collection('oidc_RefreshToken').countDocuments({ 'payload.clientId': 'gatehouse-demo' })).toBe(0);
    expect((await runProcess('dist/cli/index.js', ['demo', 'remove'], cliEnv)).stdout).toBe('no demo user or client: nothing to remove\n');

    const production = await startTestGatehouse({
      mongoUri: storage.uri,
      dbName: storage.dbName,
      yaml: 'trust_proxy: 1\nmetrics:\n  bearer_token: a-metrics-token-for-tests-0123456789\n',
      env: PRODUCTION,
    });
    await production.close();
  });

  it('is not served in production', async () => {
    const production = await startTestGatehouse({
      mongoUri: storage.uri,
      dbName: `${storage.dbName}_prod`,
      yaml: 'trust_proxy: 1\nmetrics:\n  bearer_token: a-metrics-token-for-tests-0123456789\n',
      env: PRODUCTION,
    });
    try {
      expect((await fetch(`${production.url}/demo`, { headers: { 'x-forwarded-host': 'id.example.test' } })).status).toBe(404);
      expect(await storage.client.db(`${storage.dbName}_prod`).collection('accounts').countDocuments({})).toBe(0);
    } finally {
      await production.close();
    }
  });
});
