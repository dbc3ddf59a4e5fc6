// examples/resource-server/README.md as written: the API started before Gatehouse, a token from get-token.mjs, then curl.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Browser } from '../helpers/browser.js';
import { freePort } from '../helpers/harness.js';
import { startCommand, startProcess, type RunningProcess } from '../helpers/run-process.js';

const SECRET = 'orders-api-secret-for-the-readme-test-0123456789';
let api: RunningProcess;
let gatehouse: RunningProcess;
let issuer: string;
let apiUrl: string;
let callbackPort: string;

beforeAll(async () => {
  const [gatehousePort, apiPort] = [await freePort(), await freePort()];
  callbackPort = String(await freePort());
  issuer = `http://localhost:${gatehousePort}`;
  // The API first: it must wait for Gatehouse rather than crash.
  api = startCommand(process.execPath, ['examples/resource-server/api.mjs'], {
    ISSUER: issuer,
    PORT: String(apiPort),
    ORDERS_API_SECRET: SECRET,
  });
  await api.waitFor(/Gatehouse at http:\/\/localhost:\d+ is not answering yet \(ECONNREFUSED\); retrying in 0\.5s/);
  // `npm start` is `npm run build && node dist/main.js`; the suite has built already.
  gatehouse = startProcess('dist/main.js', [], {
    GATEHOUSE_CONFIG: 'examples/resource-server/gatehouse.yaml',
    PORT: String(gatehousePort),
    ORDERS_API_SECRET: SECRET,
    CALLBACK_PORT: callbackPort,
  });
  await gatehouse.waitFor(/Gatehouse is serving/, 60_000);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  await api.waitFor(new RegExp(`orders API listening on ${apiUrl.replace(/\./g, '\\.')} `), 60_000);
}, 120_000);
afterAll(async () => {
  for (const running of [api, gatehouse]) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
});

/** `TOKEN=$(node examples/resource-server/get-token.mjs ...)`, with the browser step done by a test user agent. */
async function getToken(args: string[], consent: boolean): Promise<string> {
  const script = startCommand(process.execPath, ['examples/resource-server/get-token.mjs', ...args], {
    ISSUER: issuer,
    CALLBACK_PORT: callbackPort,
  });
  await script.waitFor(/ {2}http:\S+\n/);
  const authorizationUrl = /( {2})(http:\S+)\n/.exec(script.output().stderr)![2]!;
  const browser = new Browser([`http://127.0.0.1:${callbackPort}/callback`]);
  const login = (await browser.navigate(authorizationUrl)).page!;
  expect(login.html).toContain('<h1>Sign in</h1>');
  let outcome = await browser.submit(login, '/login', { username: 'demo', password: 'demo' });
  if (consent) outcome = await browser.submit(outcome.page!, '/confirm');
  // The browser's last step: it follows the redirect to the script's loopback listener.
  const callback = await fetch(outcome.callback!);
  expect(await callback.text()).toContain('Signed in.');
  const result = await script.exited;
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

const curl = (path: string, token: string) => fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('examples/resource-server as its README says', () => {
  it('serves /orders to a JWT access token from get-token.mjs, and refuses a call without one', async () => {
    const token = await getToken([], true);
    expect(token.split('.')).toHaveLength(3);
    const response = await curl('/orders', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ orders: [{ id: 1, item: 'tea' }], for: expect.any(String), client: 'orders-cli' });
    expect((await fetch(`${apiUrl}/orders`)).status).toBe(401);
  });

  it('serves /opaque/orders to an opaque token from get-token.mjs --opaque, through introspection', async () => {
    const token = await getToken(['--opaque'], true);
    expect(token.split('.')).toHaveLength(1);
    const response = await curl('/opaque/orders', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ client: 'orders-cli' });
    expect((await curl('/orders', token)).status).toBe(401);
  });
});
