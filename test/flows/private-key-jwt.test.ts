// private_key_jwt: a client that authenticates at the token endpoint with a signed assertion instead of a secret.
// Gatehouse runs as its own process here: inside jest's VM realm, node:crypto cannot import the client's JWKS.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { freePort, writeConfigFile } from '../helpers/harness.js';
import { startProcess, type RunningProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import { addUser, authorizationRequest, exchange, newBrowser, signIn, CALLBACK } from '../helpers/oidc-flow.js';

let storage: TestStorage;
let server: RunningProcess;
let gatehouse: { url: string };
let privateKey: CryptoKey;

beforeAll(async () => {
  storage = await startTestStorage();
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'rp-key-1', alg: 'ES256', use: 'sig' };
  const port = await freePort();
  gatehouse = { url: `http://localhost:${port}` };
  const file = writeConfigFile(`port: ${port}
mongodb:
  database: ${storage.dbName}
demo: false
password_hashing:
  argon2_memory_kib: 7168
clients:
  - client_id: signer
    token_endpoint_auth_method: private_key_jwt
    jwks: { keys: [${JSON.stringify(jwk)}] }
    redirect_uris: [${CALLBACK}]
`);
  server = startProcess('dist/main.js', [], { GATEHOUSE_CONFIG: file, MONGODB_URI: storage.uri });
  await server.waitFor(/Gatehouse is serving/);
  await addUser(new AccountStore(storage.db), 'kim', 'kim-password-1');
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await storage.stop();
});

describe('private_key_jwt client authentication', () => {
  it('exchanges a code with a signed client assertion, and is refused with a key it did not register', async () => {
    const options = { execute: [client.allowInsecureRequests] };
    const config = await client.discovery(
      new URL(gatehouse.url),
      'signer',
      undefined,
      client.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }),
      options,
    );
    const request = await authorizationRequest(config, { scope: 'openid' });
    const callback = await signIn(newBrowser(), request, 'kim', 'kim-password-1');
    expect((await exchange(config, callback, request)).claims()).toMatchObject({ aud: 'signer' });

    const stranger = (await generateKeyPair('ES256')).privateKey;
    const forged = await client.discovery(
      new URL(gatehouse.url),
      'signer',
      undefined,
      client.PrivateKeyJwt({ key: stranger, kid: 'rp-key-1' }),
      options,
    );
    const second = await authorizationRequest(forged, { scope: 'openid' });
    // kim's consent to signer is remembered: the new browser session goes from login straight back to the client.
    const secondCallback = await signIn(newBrowser(), second, 'kim', 'kim-password-1', false);
    await expect(exchange(forged, secondCallback, second)).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
