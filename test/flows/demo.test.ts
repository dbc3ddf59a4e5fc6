// Development demo: an empty database gets a demo user and client, and /demo walks the whole protocol.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Gatehouse } from '../../src/gatehouse.js';
import { Browser } from '../helpers/browser.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

/** A production environment that passes the static safety checks, so only the demo leftovers are in question. */
const PRODUCTION = { NODE_ENV: 'production', ISSUER: 'https://id.example.test', GATEHOUSE_KEY_ENCRYPTION_KEY: 'a-long-random-key-encryption-key-for-tests-0123456789' };

let storage: TestStorage;
let gatehouse: Gatehouse;
beforeAll(async () => {
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: 'password_hashing:\n  scrypt_cost: 16384\n' });
});
afterAll(async () => {
  await gatehouse.close();
  await storage.stop();
});

function stayOnPage(browser: Browser, url: string) {
  return browser.navigate(url).then((outcome) => outcome.page!);
}

describe('/demo (development only)', () => {
  it('seeds a demo user and a stored demo client', async () => {
    expect(await storage.db.collection('accounts').countDocuments({ usernameKey: 'demo' })).toBe(1);
    expect(await storage.db.collection('oidc_Client').findOne({ _id: 'gatehouse-demo' as never })).toMatchObject({
      payload: { token_endpoint_auth_method: 'none', redirect_uris: [`${gatehouse.url}/demo/callback`] },
    });
  });

  it('signs in with PKCE, shows validated ID token claims and userinfo, refreshes and signs out', async () => {
    const browser = new Browser([]);
    const home = await stayOnPage(browser, `${gatehouse.url}/demo`);
    expect(home.html).toContain('Sign in with Gatehouse');

    const login = await stayOnPage(browser, `${gatehouse.url}/demo/start`);
    expect(login.html).toContain('<h1>Sign in</h1>');
    const consent = (await browser.submit(login, '/login', { username: 'demo', password: 'demo' })).page!;
    expect(consent.html).toContain('Gatehouse demo is asking to:');
    const signedIn = (await browser.submit(consent, '/confirm')).page!;
    expect(signedIn.url).toBe(`${gatehouse.url}/demo`);
    expect(signedIn.html).toMatch(/id="id-token-claims">[\s\S]*&quot;iss&quot;: &quot;http:\/\/localhost:\d+&quot;/);
    expect(signedIn.html).toMatch(/id="userinfo">[\s\S]*&quot;email&quot;: &quot;demo@example.com&quot;/);
    expect(signedIn.html).toContain('with a refresh token');

    const refreshed = (await browser.submit(signedIn, '/demo/refresh')).page!;
    expect(refreshed.html).toContain('Tokens refreshed');

    const confirm = (await browser.submit(refreshed, '/demo/logout')).page!;
    expect(confirm.html).toContain('<h1>Sign out?</h1>');
    const after = (await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' })).page!;
    expect(after.url).toBe(`${gatehouse.url}/demo`);
    expect(after.html).toContain('Sign in with Gatehouse');
  });

  it('makes production refuse to start on a database that still has the demo user and client', async () => {
    await expect(startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: 'trust_proxy: true\n', env: PRODUCTION })).rejects.toMatchObject({
      name: 'StartupRefused',
      reasons: [
        expect.stringMatching(/^refusing to start in production: the demo user "demo" exists/),
        expect.stringMatching(/^refusing to start in production: the demo client "gatehouse-demo" exists/),
      ],
    });
  });

  it('is not served in production', async () => {
    const production = await startTestGatehouse({
      mongoUri: storage.uri,
      dbName: `${storage.dbName}_prod`,
      yaml: 'trust_proxy: true\n',
      env: PRODUCTION,
    });
    try {
      expect((await fetch(`${production.url}/demo`)).status).toBe(404);
      expect(await storage.client.db(`${storage.dbName}_prod`).collection('accounts').countDocuments({})).toBe(0);
    } finally {
      await production.close();
    }
  });
});
