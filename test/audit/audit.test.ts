// The audit trail: events from sign-in, consent, revocation, refresh reuse and the CLI, read back with `audit tail`.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';
import {
  addUser,
  authorizationRequest,
  discover,
  exchange,
  expectCallback,
  expectPage,
  newBrowser,
  startFlowEnv,
  type FlowEnv,
} from '../helpers/oidc-flow.js';

let env: FlowEnv;
let cliEnv: NodeJS.ProcessEnv;
const types = async (filter: Record<string, unknown> = {}) =>
  (await env.storage.db.collection('audit').find(filter).sort({ at: 1 }).toArray()).map((event) => event.type as string);

beforeAll(async () => {
  env = await startFlowEnv('audit:\n  retention: 30d\n');
  await addUser(env.accounts, 'sam', 'sam-password-1');
  cliEnv = {
    MONGODB_URI: env.storage.uri,
    GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${env.storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168\n`),
  };
});
afterAll(async () => {
  await env.stop();
});

describe('audit events', () => {
  it('records config loading, with a retention TTL index', async () => {
    expect(await types()).toContain('config.loaded');
    const indexes = await env.storage.db.collection('audit').listIndexes().toArray();
    expect(indexes).toContainEqual(expect.objectContaining({ name: 'at_ttl', expireAfterSeconds: 30 * 86400 }));
  });

  it('records login failure and success, consent granted and denied, revocation and refresh-token reuse', async () => {
    const config = await discover(env.gatehouse, 'web');
    const browser = newBrowser();
    const request = await authorizationRequest(config, { prompt: 'consent' });
    const login = expectPage(await browser.navigate(request.url.href), /Sign in/);
    const retry = expectPage(await browser.submit(login, '/login', { username: 'sam', password: 'nope' }), /Sign in/);
    const consent = expectPage(await browser.submit(retry, '/login', { username: 'sam', password: 'sam-password-1' }), /Allow access/);
    const tokens = await exchange(config, expectCallback(await browser.submit(consent, '/confirm')), request);

    const rotated = await client.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(rotated.refresh_token).toBeTruthy();

    const again = await authorizationRequest(config);
    const reconsent = expectPage(await browser.navigate(again.url.href), /Allow access/);
    const second = await exchange(config, expectCallback(await browser.submit(reconsent, '/confirm')), again);
    await client.tokenRevocation(config, second.access_token);

    const denyRequest = await authorizationRequest(config, { prompt: 'consent' });
    const denyPage = expectPage(await browser.navigate(denyRequest.url.href), /Allow access/);
    expect(expectCallback(await browser.submit(denyPage, '/abort')).searchParams.get('error')).toBe('access_denied');

    const recorded = await types({ client: 'web' });
    expect(recorded).toEqual(
      expect.arrayContaining([
        'login.failure',
        'login.success',
        'consent.granted',
        'token.revoked',
        'refresh_token.reuse_detected',
        'consent.denied',
      ]),
    );
    const failure = await env.storage.db.collection('audit').findOne({ type: 'login.failure', user: 'sam' });
    expect(failure).toMatchObject({ client: 'web', ip: expect.any(String), requestId: expect.any(String) });
    expect(JSON.stringify(await env.storage.db.collection('audit').find().toArray())).not.toMatch(/sam-password-1|nope/);
  });

  it('records CLI user and key changes, and `audit tail` filters by user and time', async () => {
    expect((await runProcess('dist/cli/index.js', ['user', 'add', 'tess'], cliEnv, 'tess-password-1\n')).code).toBe(0);
    expect((await runProcess('dist/cli/index.js', ['user', 'disable', 'tess'], cliEnv)).code).toBe(0);
    expect((await runProcess('dist/cli/index.js', ['keys', 'rotate'], cliEnv)).code).toBe(0);
    expect(await types()).toEqual(expect.arrayContaining(['user.created', 'user.disabled', 'keys.rotated']));

    const tail = await runProcess('dist/cli/index.js', ['audit', 'tail', '--user', 'tess', '--since', '1h'], cliEnv);
    expect(tail.code).toBe(0);
    const lines = tail.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('\t')[1])).toEqual(['user.created', 'user.disabled']);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\tuser\.created\tuser=tess /);

    const byClient = await runProcess('dist/cli/index.js', ['audit', 'tail', '--client', 'web'], cliEnv);
    expect(byClient.stdout).toMatch(/\tlogin\.success\tuser=sam client=web ip=/);
    expect(byClient.stdout).not.toMatch(/user\.created/);
  });

  it('`audit tail` lists events of the same millisecond in the order they were recorded (a tie-breaker, as mongod needs)', async () => {
    const at = new Date();
    await env.storage.db.collection('audit').insertMany([
      { at, type: 'user.updated', user: 'tie', detail: { step: 'first' } },
      { at, type: 'user.updated', user: 'tie', detail: { step: 'second' } },
    ]);
    const tail = await runProcess('dist/cli/index.js', ['audit', 'tail', '--user', 'tie'], cliEnv);
    expect(
      tail.stdout
        .trim()
        .split('\n')
        .map((line) => /"step":"(\w+)"/.exec(line)?.[1]),
    ).toEqual(['first', 'second']);
  });
});
