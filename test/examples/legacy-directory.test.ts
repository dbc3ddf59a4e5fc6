// examples/legacy-directory: sign-in against a fake legacy user API on a random local port, through the real pages.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { ROOT } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { authorizationRequest, exchange, expectPage, newBrowser, signIn, CALLBACK } from '../helpers/oidc-flow.js';

const SECRET = 'legacy-app-secret-0123456789abcdef012345';
let storage: TestStorage;
let gatehouse: Gatehouse;
let directory: Server;
const calls: { username: string; password: string }[] = [];

beforeAll(async () => {
  directory = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { username, password } = JSON.parse(body) as { username: string; password: string };
      calls.push({ username, password });
      if (req.url === '/authenticate' && username === 'mainframe.joe' && password === 'hunter2') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: 'E-1001', name: 'Joe Mainframe', email: 'joe@legacy.example' }));
      } else if (username === 'crash') {
        res.writeHead(500).end('directory down');
      } else res.writeHead(401).end();
    });
  });
  directory.listen(0, '127.0.0.1');
  await once(directory, 'listening');
  process.env.LEGACY_DIRECTORY_URL = `http://127.0.0.1:${(directory.address() as { port: number }).port}`;
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: `demo: false
hooks: ${path.join(ROOT, 'examples/legacy-directory/hooks.mjs')}
clients:
  - client_id: app
    client_secret: ${SECRET}
    redirect_uris: [${CALLBACK}]
`,
  });
});
afterAll(async () => {
  await gatehouse.close();
  await storage.stop();
  directory.close();
  delete process.env.LEGACY_DIRECTORY_URL;
});

describe('examples/legacy-directory', () => {
  it("signs a directory user in, stores the account, and releases the directory's claims", async () => {
    const config = await client.discovery(new URL(gatehouse.url), 'app', undefined, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests],
    });
    const request = await authorizationRequest(config, { scope: 'openid profile email' });
    const tokens = await exchange(config, await signIn(newBrowser(), request, 'mainframe.joe', 'hunter2'), request);
    expect(tokens.claims()).toMatchObject({ sub: 'legacy:E-1001', name: 'Joe Mainframe', email: 'joe@legacy.example' });
    expect(calls).toContainEqual({ username: 'mainframe.joe', password: 'hunter2' });
    const stored = await storage.db.collection('accounts').findOne({ _id: 'legacy:E-1001' as never });
    expect(stored).toMatchObject({ username: 'mainframe.joe', passwordHash: '!', claims: { email: 'joe@legacy.example' } });
  });

  it('a wrong password gets the generic message; a failing directory gets an error page with server_error', async () => {
    const config = await client.discovery(new URL(gatehouse.url), 'app', undefined, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests],
    });
    const browser = newBrowser();
    const request = await authorizationRequest(config);
    const login = expectPage(await browser.navigate(request.url.href), /Sign in/);
    const wrong = expectPage(await browser.submit(login, '/login', { username: 'mainframe.joe', password: 'nope' }), /Sign in/);
    expect(wrong.html).toContain('The username or password is incorrect.');
    const failed = expectPage(await browser.submit(wrong, '/login', { username: 'crash', password: 'x' }), /Something went wrong/);
    expect(failed.status).toBe(500);
    expect(failed.html).toContain('server_error');
    expect(failed.html).not.toContain('directory down');
  });
});
