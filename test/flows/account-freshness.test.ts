// The account read with a token (in the same round trip) is as fresh as a separate read: a change made by another
// instance or the CLI applies to the very next request, on code exchange, refresh and userinfo; so does a grant gone.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { addUser, authorizationRequest, discover, exchange, newBrowser, signIn, startFlowEnv, type FlowEnv } from '../helpers/oidc-flow.js';

let env: FlowEnv;
let config: client.Configuration;

beforeAll(async () => {
  env = await startFlowEnv();
  config = await discover(env.gatehouse, 'web');
});
afterAll(async () => {
  await env.stop();
});

async function tokensFor(username: string) {
  const request = await authorizationRequest(config, { prompt: 'consent' });
  return exchange(config, await signIn(newBrowser(), request, username, `${username}-password-1`), request);
}

/** Written straight to the store, as another instance or `gatehouse user disable` would, with no token revoked. */
const setDisabled = (username: string, disabled: boolean) => env.accounts.update(username, { disabled });

describe('account freshness on the protocol paths', () => {
  it('userinfo shows claims changed elsewhere at once, and refuses a disabled account until it is enabled again', async () => {
    const { _id: sub } = await addUser(env.accounts, 'hana', 'hana-password-1', { name: 'Hana One' });
    const tokens = await tokensFor('hana');
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toMatchObject({ name: 'Hana One' });
    await env.accounts.update('hana', { claims: { name: 'Hana Two' } });
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toMatchObject({ name: 'Hana Two' });

    await setDisabled('hana', true);
    const refused = await fetch(config.serverMetadata().userinfo_endpoint!, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(refused.status).toBe(401);
    await setDisabled('hana', false);
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toMatchObject({ name: 'Hana Two' });
  });

  it('refresh refuses a disabled account, and issues ID tokens with claims changed elsewhere', async () => {
    await addUser(env.accounts, 'ines', 'ines-password-1', { name: 'Ines One' });
    const tokens = await tokensFor('ines');
    await env.accounts.update('ines', { claims: { name: 'Ines Two' } });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ name: 'Ines Two' });

    await setDisabled('ines', true);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('code exchange refuses a code once its account is disabled', async () => {
    await addUser(env.accounts, 'jon', 'jon-password-1');
    const request = await authorizationRequest(config, { prompt: 'consent' });
    const callback = await signIn(newBrowser(), request, 'jon', 'jon-password-1');
    await setDisabled('jon', true);
    await expect(exchange(config, callback, request)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

/** Gone from the store as an expired grant goes, or as another instance's revocation leaves it for a moment: tokens kept. */
const dropGrants = async (sub: string) => {
  const { deletedCount } = await env.storage.db.collection('oidc_Grant').deleteMany({ 'payload.accountId': sub });
  expect(deletedCount).toBeGreaterThan(0);
};

describe('grant freshness on the protocol paths (the grant is read with the token, in the same round trip)', () => {
  it('userinfo, introspection and refresh refuse tokens whose grant is gone', async () => {
    const { _id: sub } = await addUser(env.accounts, 'kai', 'kai-password-1');
    const tokens = await tokensFor('kai');
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toMatchObject({ sub });
    expect(await client.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, sub });

    await dropGrants(sub);
    const refused = await fetch(config.serverMetadata().userinfo_endpoint!, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(refused.status).toBe(401);
    expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('code exchange refuses a code whose grant is gone', async () => {
    const { _id: sub } = await addUser(env.accounts, 'lea', 'lea-password-1');
    const request = await authorizationRequest(config, { prompt: 'consent' });
    const callback = await signIn(newBrowser(), request, 'lea', 'lea-password-1');
    await dropGrants(sub);
    await expect(exchange(config, callback, request)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
