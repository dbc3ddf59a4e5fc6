// Logs of a full sign-in, refresh, introspection, failed logins and CLI runs contain no password, secret, token, code or key.
import { PassThrough } from 'node:stream';
import { describe, it, expect } from '@jest/globals';
import * as client from 'openid-client';
import { startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestStorage } from '../helpers/test-storage.js';
import { AccountStore } from '../../src/accounts/account-store.js';
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

describe('logs', () => {
  it('never contain secrets', async () => {
    const storage = await startTestStorage();
    const sink = new PassThrough();
    let logs = '';
    sink.on('data', (chunk) => (logs += chunk));
    const gatehouse = await startTestGatehouse({
      mongoUri: storage.uri,
      dbName: storage.dbName,
      yaml: CLIENTS_YAML,
      env: { WEB_SECRET: SECRETS.web },
      logTo: sink,
    });
    const secrets: string[] = [SECRETS.web, SECRETS.first, SECRETS.legacy, 'yara-password-1', 'wrong-password-typed'];
    try {
      await addUser(new AccountStore(storage.db), 'yara', 'yara-password-1');
      const config = await discover(gatehouse, 'web');
      const browser = newBrowser();
      const failed = expectPage(await browser.navigate((await authorizationRequest(config)).url.href), /Sign in/);
      await browser.submit(failed, '/login', { username: 'yara', password: 'wrong-password-typed' });

      const request = await authorizationRequest(config, { prompt: 'consent' });
      const callback = await signIn(newBrowser(), request, 'yara', 'yara-password-1');
      const tokens = await exchange(config, callback, request);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      await client.tokenIntrospection(config, refreshed.access_token);
      await client.fetchUserInfo(config, refreshed.access_token, tokens.claims()!.sub);
      secrets.push(
        callback.searchParams.get('code')!,
        request.verifier,
        tokens.access_token,
        tokens.refresh_token!,
        tokens.id_token!,
        refreshed.access_token,
        refreshed.refresh_token!,
      );

      const cli = await runProcess(
        'dist/cli/index.js',
        ['user', 'add', 'zed'],
        {
          MONGODB_URI: storage.uri,
          GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168\n`),
        },
        'zed-cli-password-1\n',
      );
      expect(cli.code).toBe(0);
      logs += cli.stdout + cli.stderr;
      secrets.push('zed-cli-password-1');

      for (const key of await storage.db.collection<{ privateJwk?: { d: string } }>('keys').find().toArray())
        secrets.push(key.privateJwk!.d);
      const cookieKeys = (await storage.db.collection<{ _id: string; keys: string[] }>('secrets').findOne({ _id: 'cookie-keys' }))!.keys;
      secrets.push(...cookieKeys);
    } finally {
      await gatehouse.close();
      await storage.stop();
    }
    expect(logs).toMatch(/"msg":"request"/); // the capture worked: there are access log lines
    expect(logs.split('\n').length).toBeGreaterThan(10);
    for (const secret of secrets) expect([secret.slice(0, 12), logs.includes(secret)]).toEqual([secret.slice(0, 12), false]);
  });
});
