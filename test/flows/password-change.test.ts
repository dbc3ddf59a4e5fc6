// `gatehouse user passwd` ends what the old password opened (issue 11 finding 6), unless --keep-sessions says otherwise.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import {
  addUser,
  authorizationRequest,
  discover,
  exchange,
  expectCallback,
  newBrowser,
  signIn,
  startFlowEnv,
  type FlowEnv,
} from '../helpers/oidc-flow.js';
import { writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';

let env: FlowEnv;
let config: client.Configuration;
let cliEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = await startFlowEnv();
  config = await discover(env.gatehouse, 'web');
  cliEnv = {
    MONGODB_URI: env.storage.uri,
    GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${env.storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168\n`),
  };
});
afterAll(async () => {
  await env.stop();
});

/** Someone who knows the password signs in: a browser session, and tokens with a refresh token. */
async function signedIn(username: string, password: string) {
  const browser = newBrowser();
  const request = await authorizationRequest(config, { prompt: 'consent' });
  const tokens = await exchange(config, await signIn(browser, request, username, password), request);
  return { browser, tokens };
}

describe('gatehouse user passwd', () => {
  it('revokes the sessions, grants and tokens the old password opened', async () => {
    await addUser(env.accounts, 'hana', 'hana-old-password');
    const attacker = await signedIn('hana', 'hana-old-password');

    const changed = await runProcess('dist/cli/index.js', ['user', 'passwd', 'hana'], cliEnv, 'hana-new-password\n');
    expect([changed.code, changed.stderr]).toEqual([0, '']);
    expect(changed.stdout).toMatch(/^password changed for "hana"; revoked [1-9]\d* session\(s\), grant\(s\) and token\(s\)\n$/);

    await expect(client.refreshTokenGrant(config, attacker.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const userinfo = await fetch(config.serverMetadata().userinfo_endpoint!, {
      headers: { authorization: `Bearer ${attacker.tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
    // The browser session is gone too: the attacker's browser is asked to sign in again, and the old password fails.
    const again = await authorizationRequest(config);
    const login = await attacker.browser.navigate(again.url.href);
    expect(login.page?.html).toMatch(/<h1>Sign in<\/h1>/);
    const refused = await attacker.browser.submit(login.page!, '/login', { username: 'hana', password: 'hana-old-password' });
    expect(refused.page?.html).toContain('The username or password is incorrect.');
  });

  it('--keep-sessions changes the password and leaves what was issued', async () => {
    await addUser(env.accounts, 'ines', 'ines-old-password');
    const user = await signedIn('ines', 'ines-old-password');

    const changed = await runProcess('dist/cli/index.js', ['user', 'passwd', 'ines', '--keep-sessions'], cliEnv, 'ines-new-password\n');
    expect([changed.code, changed.stdout]).toEqual([
      0,
      'password changed for "ines"; sessions, grants and tokens kept (--keep-sessions)\n',
    ]);

    expect((await client.refreshTokenGrant(config, user.tokens.refresh_token!)).access_token).toEqual(expect.any(String));
    const again = await authorizationRequest(config);
    expectCallback(await user.browser.navigate(again.url.href));
  });
});
