// OpenID Connect Back-Channel Logout: sign-out and `gatehouse user disable` POST signed logout tokens to the clients' receivers.
// Gatehouse runs as its own process: inside jest's VM realm oidc-provider cannot set up its private-address guard, which
// is what backchannel_logout.allow_private_receivers switches off.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { freePort, writeConfigFile } from '../helpers/harness.js';
import { runProcess, startProcess, type RunningProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { startLogoutReceiver, type LogoutReceiver, type ReceivedLogout } from '../helpers/logout-receiver.js';
import { selfSignedCertificate, type TestCertificate } from '../helpers/tls-certificate.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import {
  addUser,
  authorizationRequest,
  exchange,
  expectCallback,
  expectPage,
  newBrowser,
  signIn,
  CALLBACK,
  LOGGED_OUT,
} from '../helpers/oidc-flow.js';
import type { Browser } from '../helpers/browser.js';

const SECRET = 'rp-secret-0123456789abcdef0123456789ab';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

let storage: TestStorage;
let certificate: TestCertificate;
let accounts: AccountStore;

interface Instance {
  url: string;
  process: RunningProcess;
  configFile: string;
  env: NodeJS.ProcessEnv;
}

async function startInstance(database: string, yaml: string): Promise<Instance> {
  const port = await freePort();
  const configFile = writeConfigFile(`port: ${port}
host: 127.0.0.1
mongodb:
  database: ${database}
demo: false
password_hashing:
  argon2_memory_kib: 7168
${yaml}`);
  // The receivers' self-signed certificate is trusted, so a refused https receiver is refused for its address alone.
  const env = { GATEHOUSE_CONFIG: configFile, MONGODB_URI: storage.uri, NODE_EXTRA_CA_CERTS: certificate.certFile };
  const process = startProcess('dist/main.js', [], env);
  await process.waitFor(/Gatehouse is serving/);
  return { url: `http://localhost:${port}`, process, configFile, env };
}

async function stopInstance(instance: Instance | undefined) {
  instance?.process.child.kill('SIGTERM');
  await instance?.process.exited;
}

function rpClient(clientId: string, receiver: LogoutReceiver, sessionRequired: boolean) {
  return `  - client_id: ${clientId}
    client_secret: ${SECRET}
    redirect_uris: [${CALLBACK}]
    post_logout_redirect_uris: [${LOGGED_OUT}]
    backchannel_logout_uri: ${receiver.url}
    backchannel_logout_session_required: ${sessionRequired}
`;
}

function discover(instance: Instance, clientId: string) {
  return client.discovery(new URL(instance.url), clientId, undefined, client.ClientSecretBasic(SECRET), {
    execute: [client.allowInsecureRequests],
  });
}

/** Signs in (or, with a session already in `browser`, only consents) and returns the ID token's claims. */
async function signInTo(instance: Instance, browser: Browser, clientId: string, username: string, password: string) {
  const config = await discover(instance, clientId);
  const request = await authorizationRequest(config, { scope: 'openid' });
  const outcome = await browser.navigate(request.url.href);
  const callback = /<h1>Sign in<\/h1>/.test(outcome.page?.html ?? '')
    ? await signIn(browser, request, username, password)
    : expectCallback(await browser.submit(expectPage(outcome, /Allow access\?/), '/confirm'));
  const tokens = await exchange(config, callback, request);
  return { config, idToken: tokens.id_token!, claims: tokens.claims()! };
}

async function signOut(config: client.Configuration, browser: Browser, idToken: string) {
  const url = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT });
  const confirm = expectPage(await browser.navigate(url.href), /Sign out\?/);
  expect(expectCallback(await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' })).pathname).toBe('/logged-out');
}

/** What a relying party must check (Back-Channel Logout 1.0 §2.6), with jose against the provider's published JWKS. */
async function verifyLogoutToken(instance: Instance, token: string, audience: string) {
  const jwks = createRemoteJWKSet(new URL(`${instance.url}/jwks`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: instance.url, audience, maxTokenAge: '2m' });
  expect(protectedHeader.typ).toBe('logout+jwt');
  expect(payload.events).toEqual({ [BACKCHANNEL_EVENT]: {} });
  expect(payload).toHaveProperty('jti');
  expect(payload).toHaveProperty('iat');
  expect(payload).not.toHaveProperty('nonce');
  return payload;
}

async function deliveries(instance: Instance, clientId: string, outcome: 'delivered' | 'failed'): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(`gatehouse_backchannel_logout_deliveries_total{client_id="${clientId}",outcome="${outcome}"}`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The first log line with this message, once the server has written it (log lines go out in batches, within 20 ms). */
async function logLine(instance: Instance, msg: string): Promise<Record<string, unknown> | undefined> {
  await instance.process.waitFor(new RegExp(`"msg":${JSON.stringify(msg)}`), 5000);
  return instance.process
    .output()
    .stdout.split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.msg === msg);
}

beforeAll(async () => {
  certificate = selfSignedCertificate();
  storage = await startTestStorage();
  accounts = new AccountStore(storage.db);
});
afterAll(async () => {
  await storage?.stop();
});

describe('back-channel logout to receivers Gatehouse may reach (allow_private_receivers: true)', () => {
  let instance: Instance;
  let web: LogoutReceiver;
  let wiki: LogoutReceiver;
  let hanging: LogoutReceiver;

  beforeAll(async () => {
    web = await startLogoutReceiver({ path: '/backchannel-logout?tenant=a' });
    wiki = await startLogoutReceiver({ tls: { key: certificate.key, cert: certificate.cert } });
    hanging = await startLogoutReceiver({ hang: true });
    instance = await startInstance(
      storage.dbName,
      `backchannel_logout:
  allow_private_receivers: true
  timeout: 1s
  poll_interval: 1s
clients:
${rpClient('web', web, true)}${rpClient('wiki', wiki, false)}${rpClient('hangs', hanging, true)}`,
    );
    await addUser(accounts, 'alice', 'alice-password-1');
    await addUser(accounts, 'bob', 'bob-password-1');
  });
  afterAll(async () => {
    await stopInstance(instance);
    await Promise.all([web, wiki, hanging].map((receiver) => receiver?.close()));
  });

  it('is announced in discovery', async () => {
    const metadata = (await discover(instance, 'web')).serverMetadata();
    expect(metadata).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });

  it('sign-out sends each client of the session a logout token, and a hanging receiver holds it only for the timeout', async () => {
    const browser = newBrowser();
    const atWeb = await signInTo(instance, browser, 'web', 'alice', 'alice-password-1');
    const atWiki = await signInTo(instance, browser, 'wiki', 'alice', 'alice-password-1');
    await signInTo(instance, browser, 'hangs', 'alice', 'alice-password-1');
    // backchannel_logout_session_required puts the session id in ID tokens; without it there is none.
    expect(atWeb.claims.sid).toEqual(expect.any(String));
    expect(atWiki.claims).not.toHaveProperty('sid');

    const started = Date.now();
    await signOut(atWeb.config, browser, atWeb.idToken);
    // Not a speed assertion: proof that a receiver that never answers does not hold the sign-out (timeout: 1s).
    expect(Date.now() - started).toBeLessThan(10_000);

    const toWeb = await web.waitFor(() => true);
    expect(toWeb.url).toBe('/backchannel-logout?tenant=a');
    expect(toWeb.contentType).toBe('application/x-www-form-urlencoded');
    const webToken = await verifyLogoutToken(instance, toWeb.logoutToken!, 'web');
    expect(webToken).toMatchObject({ sub: atWeb.claims.sub, sid: atWeb.claims.sid });

    const toWiki = await wiki.waitFor(() => true);
    const wikiToken = await verifyLogoutToken(instance, toWiki.logoutToken!, 'wiki');
    expect(wikiToken.sub).toBe(atWiki.claims.sub);
    expect(wikiToken).not.toHaveProperty('sid');

    // The hanging receiver was called; its delivery is counted and logged as failed, with the reason and never the token.
    expect(decodeJwt((await hanging.waitFor(() => true)).logoutToken!).aud).toBe('hangs');
    expect([await deliveries(instance, 'web', 'delivered'), await deliveries(instance, 'wiki', 'delivered')]).toEqual([1, 1]);
    expect(await deliveries(instance, 'hangs', 'failed')).toBe(1);
    const failure = await logLine(instance, 'back-channel logout delivery failed');
    expect(failure).toMatchObject({ client_id: 'hangs', reason: expect.stringMatching(/timeout/i), requestId: expect.any(String) });
    const output = instance.process.output();
    for (const received of [toWeb, toWiki]) expect(output.stdout + output.stderr).not.toContain(received.logoutToken);
  });

  it('`gatehouse user disable` ends the sessions and a running server delivers their logout tokens', async () => {
    const browser = newBrowser();
    const atWeb = await signInTo(instance, browser, 'web', 'bob', 'bob-password-1');
    const atWiki = await signInTo(instance, browser, 'wiki', 'bob', 'bob-password-1');
    const disabled = await runProcess('dist/cli/index.js', ['user', 'disable', 'bob'], instance.env);
    expect(disabled.code).toBe(0);

    const isBob = (logout: ReceivedLogout) => decodeJwt(logout.logoutToken!).sub === atWeb.claims.sub;
    const toWeb = await web.waitFor(isBob);
    expect(await verifyLogoutToken(instance, toWeb.logoutToken!, 'web')).toMatchObject({ sid: atWeb.claims.sid });
    const toWiki = await wiki.waitFor(isBob);
    expect(await verifyLogoutToken(instance, toWiki.logoutToken!, 'wiki')).toMatchObject({ sub: atWiki.claims.sub });
    // Each was taken by the instance that delivered it, so none is delivered twice.
    expect(await storage.db.collection('pending_logouts').countDocuments({})).toBe(0);
    expect([await deliveries(instance, 'web', 'delivered'), await deliveries(instance, 'wiki', 'delivered')]).toEqual([2, 2]);
  });

  it('`gatehouse user passwd` ends the sessions too, and their logout tokens are delivered', async () => {
    await addUser(accounts, 'bert', 'bert-password-long-1');
    const atWeb = await signInTo(instance, newBrowser(), 'web', 'bert', 'bert-password-long-1');
    const changed = await runProcess('dist/cli/index.js', ['user', 'passwd', 'bert'], instance.env, 'a-brand-new-passphrase-for-bert\n');
    expect(changed.code).toBe(0);
    const toWeb = await web.waitFor((logout) => decodeJwt(logout.logoutToken!).sub === atWeb.claims.sub);
    expect(await verifyLogoutToken(instance, toWeb.logoutToken!, 'web')).toMatchObject({ sid: atWeb.claims.sid });
  });
});

describe('back-channel logout to a loopback receiver with allow_private_receivers off (the default)', () => {
  let instance: Instance;
  let receiver: LogoutReceiver;
  const database = () => `${storage.dbName}_private_off`;

  beforeAll(async () => {
    receiver = await startLogoutReceiver({ tls: { key: certificate.key, cert: certificate.cert } });
    instance = await startInstance(database(), `clients:\n${rpClient('web', receiver, true)}`);
    await addUser(new AccountStore(storage.client.db(database())), 'carol', 'carol-password-1');
  });
  afterAll(async () => {
    await stopInstance(instance);
    await receiver?.close();
    await storage.client.db(database()).dropDatabase();
  });

  it('refuses to call it: sign-out completes, the failure is counted and logged with its reason', async () => {
    const browser = newBrowser();
    const atWeb = await signInTo(instance, browser, 'web', 'carol', 'carol-password-1');
    await signOut(atWeb.config, browser, atWeb.idToken);

    expect(await deliveries(instance, 'web', 'failed')).toBe(1);
    expect(receiver.received).toEqual([]);
    const failure = await logLine(instance, 'back-channel logout delivery failed');
    expect(failure).toMatchObject({ client_id: 'web', reason: expect.stringContaining('special-use IP address') });
  });

  it('accepts no http:// receiver in config', async () => {
    const file = writeConfigFile(
      `clients:\n  - client_id: web\n    client_secret: ${SECRET}\n    redirect_uris: [${CALLBACK}]\n` +
        '    backchannel_logout_uri: http://127.0.0.1:9/logout\n',
    );
    const checked = await runProcess('dist/cli/index.js', ['config', 'check'], { GATEHOUSE_CONFIG: file });
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(
      'clients[0].backchannel_logout_uri (client "web"): http:// is accepted only with backchannel_logout.allow_private_receivers: true',
    );
  });
});
