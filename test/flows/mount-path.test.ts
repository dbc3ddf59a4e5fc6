// Gatehouse mounted under a sub-path: discovery, pages and the whole sign-in live under it.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { addUser, authorizationRequest, exchange, newBrowser, signIn, startFlowEnv, SECRETS, type FlowEnv } from '../helpers/oidc-flow.js';

let env: FlowEnv;
beforeAll(async () => {
  env = await startFlowEnv('mount_path: /oidc\n');
  await addUser(env.accounts, 'mona', 'mona-password-1', { email: 'mona@example.com' });
});
afterAll(async () => {
  await env.stop();
});

describe('mount_path: /oidc', () => {
  it('serves discovery, login and tokens under /oidc with the issuer naming it', async () => {
    const issuer = `${env.gatehouse.url}/oidc`;
    const config = await client.discovery(new URL(issuer), 'web', undefined, client.ClientSecretBasic(SECRETS.web), {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata()).toMatchObject({ issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` });
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const tokens = await exchange(config, await signIn(newBrowser(), request, 'mona', 'mona-password-1'), request);
    expect(tokens.claims()).toMatchObject({ iss: issuer, email: 'mona@example.com' });
    expect((await fetch(`${env.gatehouse.url}/.well-known/openid-configuration`)).status).toBe(404);
  });
});
