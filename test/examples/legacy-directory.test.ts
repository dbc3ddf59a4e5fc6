// examples/legacy-directory: sign-in against the shipped fake directory through the real pages; local users never reach it.
import type { Server } from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import type { Gatehouse } from '../../src/gatehouse.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { ROOT } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { addUser, authorizationRequest, exchange, expectPage, newBrowser, signIn, CALLBACK } from '../helpers/oidc-flow.js';

interface FakeDirectory {
  server: Server;
  received: { username: string; password: string }[];
}

const SECRET = 'legacy-app-secret-0123456789abcdef012345';
// "grace" is also in the directory, with another password: a local account of the same name must win.
const LOCAL = { username: 'grace', password: 'grace-local-password-1' };
let storage: TestStorage;
let gatehouse: Gatehouse;
let directory: FakeDirectory;

beforeAll(async () => {
  const { createFakeDirectory } = (await import('../../examples/legacy-directory/fake-directory.mjs' as string)) as {
    createFakeDirectory(): FakeDirectory;
  };
  directory = createFakeDirectory();
  directory.server.listen(0, '127.0.0.1');
  await once(directory.server, 'listening');
  process.env.LEGACY_DIRECTORY_URL = `http://127.0.0.1:${(directory.server.address() as { port: number }).port}`;
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: `demo: false
password_hashing:
  argon2_memory_kib: 7168
hooks: ${path.join(ROOT, 'examples/legacy-directory/hooks.mjs')}
clients:
  - client_id: app
    client_secret: ${SECRET}
    redirect_uris: [${CALLBACK}]
`,
  });
  await addUser(new AccountStore(storage.db), LOCAL.username, LOCAL.password);
});
afterAll(async () => {
  await gatehouse.close();
  await storage.stop();
  directory.server.close();
  delete process.env.LEGACY_DIRECTORY_URL;
});

const discover = () =>
  client.discovery(new URL(gatehouse.url), 'app', undefined, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });

async function signInAs(username: string, password: string, consent = true) {
  const config = await discover();
  const request = await authorizationRequest(config, { scope: 'openid profile email' });
  return exchange(config, await signIn(newBrowser(), request, username, password, consent), request);
}

/** Submits the login form once and returns the page that comes back. */
async function attempt(username: string, password: string) {
  const browser = newBrowser();
  const login = expectPage(await browser.navigate((await authorizationRequest(await discover())).url.href), /Sign in/);
  return (await browser.submit(login, '/login', { username, password })).page!;
}

const askedAbout = (username: string) => directory.received.filter((call) => call.username === username);

describe('examples/legacy-directory', () => {
  it("signs a directory user in, stores the account, and releases the directory's claims", async () => {
    const tokens = await signInAs('ada', 'analytical-engine');
    expect(tokens.claims()).toMatchObject({ sub: 'legacy:E-1815', name: 'Ada Lovelace', email: 'ada@legacy.example' });
    expect(askedAbout('ada')).toEqual([{ username: 'ada', password: 'analytical-engine' }]);
    const stored = await storage.db.collection('accounts').findOne({ _id: 'legacy:E-1815' as never });
    expect(stored).toMatchObject({ username: 'ada', passwordHash: '!', claims: { email: 'ada@legacy.example' } });
  });

  it('keeps asking the directory about the accounts it vouched for; a wrong password gets the generic message', async () => {
    const wrong = await attempt('ada', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('The username or password is incorrect.');
    expect(askedAbout('ada')).toContainEqual({ username: 'ada', password: 'nope' });
  });

  it("signs a local user in without ever sending the hook that user's password, even where the directory has the name", async () => {
    const tokens = await signInAs(LOCAL.username, LOCAL.password);
    expect(tokens.claims()?.sub).not.toMatch(/^legacy:/);
    // The directory's own password for "grace" does not open the local account.
    const refused = await attempt('grace', 'compiler-1952');
    expect(refused.status).toBe(401);
    expect(askedAbout('grace')).toEqual([]);
    expect(directory.received.map((call) => call.password)).not.toContain(LOCAL.password);
  });

  it('signs local users in while the directory is down; directory users then get server_error, with no detail', async () => {
    directory.server.close();
    directory.server.closeAllConnections();
    await once(directory.server, 'close');

    // Consent was given in the test before, so no consent page shows.
    const tokens = await signInAs(LOCAL.username, LOCAL.password, false);
    expect(tokens.claims()?.sub).toBeDefined();

    const failed = await attempt('ada', 'analytical-engine');
    expect(failed.status).toBe(500);
    expect(failed.html).toMatch(/Something went wrong/);
    expect(failed.html).toContain('server_error');
    expect(failed.html).not.toMatch(/fetch failed|ECONNREFUSED|127\.0\.0\.1/);
  });
});
