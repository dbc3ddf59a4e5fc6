// A single-page app on oidc-client-ts (the most used SPA library) signs in with code + PKCE, then revokes its token.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { Gatehouse } from '../../src/gatehouse.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import { freePort, startTestGatehouse } from '../helpers/harness.js';
import { launchChromium } from '../helpers/page-checks.js';
import { addUser } from '../helpers/oidc-flow.js';
import { ROOT } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

const LIBRARY = readFileSync(path.join(ROOT, 'node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js'), 'utf8');

/** The SPA: one page that starts sign-in, one callback page that finishes it and then revokes the access token. */
function spaPages(authority: string, origin: string): Record<string, string> {
  const settings = JSON.stringify({ authority, client_id: 'spa', redirect_uri: `${origin}/callback.html`, scope: 'openid profile' });
  const page = (script: string) =>
    `<!doctype html><html lang="en"><title>SPA</title><script src="/oidc-client-ts.js"></script><body><button id="login">Sign in</button><script>
const manager = new oidc.UserManager(${settings});
${script}</script></body></html>`;
  return {
    '/index.html': page(`document.getElementById('login').onclick = () => manager.signinRedirect();`),
    '/callback.html': page(`(async () => {
  try {
    const user = await manager.signinRedirectCallback();
    await manager.revokeTokens(['access_token']);
    document.body.dataset.result = 'revoked for ' + user.profile.sub;
  } catch (error) {
    document.body.dataset.result = 'error: ' + error.message;
  }
})();`),
  };
}

let storage: TestStorage;
let gatehouse: Gatehouse;
let spa: Server;
let origin: string;
let browser: Browser;
let sub: string;

beforeAll(async () => {
  storage = await startTestStorage();
  const spaPort = await freePort();
  origin = `http://127.0.0.1:${spaPort}`;
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: [
      'demo: false',
      'password_hashing:\n  argon2_memory_kib: 7168',
      `clients:\n  - client_id: spa\n    token_endpoint_auth_method: none\n    redirect_uris: [${origin}/callback.html]\n`,
    ].join('\n'),
  });
  sub = (await addUser(new AccountStore(storage.db), 'spa-user', 'spa-user-password-1'))._id;
  const pages = spaPages(gatehouse.url, origin);
  spa = createServer((request, response) => {
    const pathname = new URL(request.url!, origin).pathname;
    if (pathname === '/oidc-client-ts.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(LIBRARY);
    else if (pages[pathname]) response.writeHead(200, { 'content-type': 'text/html' }).end(pages[pathname]);
    else response.writeHead(404).end();
  }).listen(spaPort, '127.0.0.1');
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  spa?.close();
  await gatehouse?.close();
  await storage?.stop();
});

describe('oidc-client-ts in Chromium', () => {
  it('signs in through the login and consent pages, then revokes its access token without a Content-Type error', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/index.html`);
    await page.click('#login');
    await page.getByLabel('Username').fill('spa-user');
    await page.getByLabel('Password').fill('spa-user-password-1');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${origin}/callback.html**`);
    await page.waitForFunction(() => document.body.dataset.result !== undefined);
    expect(await page.evaluate(() => document.body.dataset.result)).toBe(`revoked for ${sub}`);
  }, 60_000);
});
