// MongoDB going away under a running Gatehouse: bounded 503s with OAuth bodies, then full recovery with nothing lost.
import { describe, it, expect } from '@jest/globals';
import { WireServer } from '@gatehouse/mongo-wire';
import { AccountStore } from '../../src/accounts/account-store.js';
import { MongoClient } from 'mongodb';
import * as client from 'openid-client';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../helpers/free-port.js';
import { startTestGatehouse } from '../helpers/harness.js';
import {
  addUser,
  authorizationRequest,
  CLIENTS_YAML,
  discover,
  exchange,
  expectPage,
  newBrowser,
  signIn,
  SECRETS,
} from '../helpers/oidc-flow.js';

/** A code exchange that needs the database to answer even that the code is unknown. */
const UNKNOWN_CODE = {
  grant_type: 'authorization_code',
  code: 'some-code',
  redirect_uri: 'http://127.0.0.1:9/cb',
  code_verifier: 'x'.repeat(43),
};

/** POST /token as the confidential client web. */
function postToken(issuer: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`web:${SECRETS.web}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params),
  });
}

describe('database outage', () => {
  it('answers 503 server_error within bounded time while MongoDB is down, and recovers without a restart', async () => {
    let database = await WireServer.start();
    const gatehouse = await startTestGatehouse({
      mongoUri: database.uri(),
      dbName: 'outage',
      yaml: CLIENTS_YAML,
      env: { WEB_SECRET: SECRETS.web },
    });
    const seed = await MongoClient.connect(database.uri());
    await addUser(new AccountStore(seed.db('outage')), 'una', 'una-password-1');
    await seed.close();
    try {
      const config = await discover(gatehouse, 'web');
      const browser = newBrowser();
      const pending = await authorizationRequest(config);
      const login = expectPage(await browser.navigate(pending.url.href), /Sign in/);

      const { port, store } = database;
      await database.stop();

      const started = Date.now();
      const token = await postToken(gatehouse.url, UNKNOWN_CODE);
      expect(Date.now() - started).toBeLessThan(9000);
      expect(token.status).toBe(503);
      expect(await token.json()).toMatchObject({ error: 'server_error' });

      const page = expectPage(
        await browser.submit(login, '/login', { username: 'una', password: 'una-password-1' }),
        /Something went wrong/,
      );
      expect(page.status).toBe(503);
      expect(page.html).toContain('server_error');
      expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(503);

      database = await WireServer.start({ port, store });
      const deadline = Date.now() + 20_000;
      while ((await fetch(`${gatehouse.url}/readyz`)).status !== 200 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));

      // Written before the outage (the account, the keys), usable after it, without a restart.
      const request = await authorizationRequest(config);
      const tokens = await exchange(config, await signIn(newBrowser(), request, 'una', 'una-password-1'), request);
      expect(tokens.claims()!.aud).toBe('web');
    } finally {
      await gatehouse.close();
      await database.stop();
    }
  }, 60_000);

  it('answers 503 within one deadline per request while MongoDB hangs (stopped process), and recovers when it resumes', async () => {
    const port = await freePort();
    const database = spawn(process.execPath, ['dist/cli/index.js', 'dev-db', '--port', String(port)], { stdio: 'pipe' });
    await once(database.stdout, 'data');
    const gatehouse = await startTestGatehouse({
      mongoUri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
      dbName: 'hang',
      yaml: `limits:\n  response_deadline: 3s\n${CLIENTS_YAML}`,
      env: { WEB_SECRET: SECRETS.web },
    });
    try {
      const config = await discover(gatehouse, 'web');
      const pending = await authorizationRequest(config);
      // SIGSTOP keeps the sockets open and silent, as a partitioned or frozen server does.
      database.kill('SIGSTOP');
      const timed = async (request: () => Promise<Response>) => {
        const started = Date.now();
        const response = await request();
        return { status: response.status, ms: Date.now() - started, body: await response.text() };
      };
      const token = await timed(() => postToken(gatehouse.url, UNKNOWN_CODE));
      const authorize = await timed(() => fetch(pending.url.href, { redirect: 'manual', headers: { accept: 'application/json' } }));
      for (const answer of [token, authorize]) {
        expect([answer.status, JSON.parse(answer.body).error]).toEqual([503, 'server_error']);
        // Before this deadline, /token took about 19 s and /auth 5 s: each query waited out driver timeouts in turn.
        expect(answer.ms).toBeLessThan(6000);
      }
      database.kill('SIGCONT');
      const deadline = Date.now() + 20_000;
      while ((await fetch(`${gatehouse.url}/readyz`)).status !== 200 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await fetch(pending.url.href, { redirect: 'manual' })).status).toBe(303);
    } finally {
      database.kill('SIGCONT');
      await gatehouse.close();
      database.kill();
    }
  }, 60_000);

  it('during an election: an interrupted revocation is retried to completion, and one that keeps failing is a 503, not a 500', async () => {
    const database = await WireServer.start();
    const gatehouse = await startTestGatehouse({
      mongoUri: database.uri(),
      dbName: 'election',
      yaml: CLIENTS_YAML,
      env: { WEB_SECRET: SECRETS.web },
    });
    const admin = await MongoClient.connect(database.uri());
    await addUser(new AccountStore(admin.db('election')), 'eli', 'eli-password-1');
    const failDeletes = (mode: unknown) =>
      admin.db('admin').command({
        configureFailPoint: 'failCommand',
        mode,
        // What a stepping-down primary answers to a deleteMany, which the driver does not retry.
        data: { failCommands: ['delete'], errorCode: 11602, errorLabels: ['RetryableWriteError'] },
      });
    try {
      const config = await discover(gatehouse, 'web');
      const signedIn = async () => {
        const request = await authorizationRequest(config, { prompt: 'consent' });
        const tokens = await exchange(config, await signIn(newBrowser(), request, 'eli', 'eli-password-1'), request);
        const rotated = await client.refreshTokenGrant(config, tokens.refresh_token!);
        return { reused: tokens.refresh_token!, current: rotated.refresh_token!, access: rotated.access_token };
      };
      // Presenting a rotated refresh token again revokes the whole grant: deleteMany on every token collection.
      const once = await signedIn();
      await failDeletes({ times: 1 });
      await expect(client.refreshTokenGrant(config, once.reused)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(client.refreshTokenGrant(config, once.current)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect((await client.tokenIntrospection(config, once.access)).active).toBe(false);

      const always = await signedIn();
      await failDeletes('alwaysOn');
      const refused = await postToken(gatehouse.url, { grant_type: 'refresh_token', refresh_token: always.reused });
      expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([503, 'server_error']);
    } finally {
      await failDeletes('off').catch(() => {});
      await admin.close();
      await gatehouse.close();
      await database.stop();
    }
  }, 60_000);
});
