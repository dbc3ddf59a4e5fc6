// The oidc-provider adapter contract, run through the real driver against the selected MongoDB server.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { AdapterPayload } from 'oidc-provider';
import { createMongoAdapter } from '../../src/storage/mongo-adapter.js';
import { createModelIndexes, latestGrant, modelCollectionName, GRANT_BOUND_MODELS } from '../../src/storage/model-collections.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
let adapterFor: ReturnType<typeof createMongoAdapter>;

beforeAll(async () => {
  storage = await startTestStorage();
  await createModelIndexes(storage.db);
  adapterFor = createMongoAdapter(storage.db);
});
afterAll(async () => {
  await storage.stop();
});

describe('MongoAdapter', () => {
  it('round-trips payloads with nested objects, arrays and Dates', async () => {
    const adapter = adapterFor('Session');
    const payload = {
      uid: 'uid-roundtrip',
      kind: 'Session',
      accountId: 'acc-1',
      authorizations: { 'client-a': { sid: 's1', grantId: 'g1', persistsLogout: true } },
      amr: ['pwd', 'otp'],
      loginTs: 1700000000,
      seen: new Date('2026-01-02T03:04:05.678Z'),
    } as unknown as AdapterPayload;
    await adapter.upsert('sess-1', payload, 3600);
    expect(await adapter.find('sess-1')).toEqual(payload);
    expect(await adapter.findByUid('uid-roundtrip')).toEqual(payload);

    const changed = { ...payload, accountId: 'acc-2' };
    await adapter.upsert('sess-1', changed, 3600);
    expect(await adapter.find('sess-1')).toEqual(changed);
    expect(await storage.db.collection(modelCollectionName('Session')).countDocuments({ _id: 'sess-1' as never })).toBe(1);
  });

  it('stores expiresAt from expiresIn, and no expiry when expiresIn is undefined', async () => {
    const adapter = adapterFor('Grant');
    const before = Date.now();
    await adapter.upsert('grant-exp', { accountId: 'a', clientId: 'c' }, 60);
    await adapter.upsert('grant-forever', { accountId: 'a', clientId: 'c' }, undefined);
    const raw = storage.db.collection<{ _id: string; expiresAt?: Date }>(modelCollectionName('Grant'));
    const expiring = await raw.findOne({ _id: 'grant-exp' });
    expect(expiring?.expiresAt).toBeInstanceOf(Date);
    expect(expiring!.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiring!.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect((await raw.findOne({ _id: 'grant-forever' }))?.expiresAt).toBeUndefined();
    expect(await adapter.find('grant-forever')).toEqual({ accountId: 'a', clientId: 'c' });
  });

  it('returns undefined for unknown ids, uids and user codes', async () => {
    expect(await adapterFor('AccessToken').find('nope')).toBeUndefined();
    expect(await adapterFor('Session').findByUid('nope')).toBeUndefined();
    expect(await adapterFor('DeviceCode').findByUserCode('nope')).toBeUndefined();
  });

  it('hides an expired document even before the TTL monitor removes it', async () => {
    const adapter = adapterFor('AccessToken');
    await adapter.upsert('at-expired', { grantId: 'gx' }, 1);
    await storage.db
      .collection<{ _id: string }>(modelCollectionName('AccessToken'))
      .updateOne({ _id: 'at-expired' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await adapter.find('at-expired')).toBeUndefined();
  });

  it("latestGrant: an account's newest unexpired grant for a client, looked up by strings only", async () => {
    const grants = adapterFor('Grant');
    await grants.upsert('g-older', { accountId: 'acc-l', clientId: 'c-l', iat: 100 }, 600);
    await grants.upsert('g-newer', { accountId: 'acc-l', clientId: 'c-l', iat: 200 }, 600);
    await grants.upsert('g-expired', { accountId: 'acc-l', clientId: 'c-l', iat: 300 }, 600);
    await grants.upsert('g-other-client', { accountId: 'acc-l', clientId: 'c-other', iat: 400 }, 600);
    await grants.upsert('g-other-account', { accountId: 'acc-other', clientId: 'c-l', iat: 400 }, 600);
    // Expired but not yet swept by the TTL monitor.
    await storage.db
      .collection<{ _id: string }>(modelCollectionName('Grant'))
      .updateOne({ _id: 'g-expired' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await latestGrant(storage.db, 'acc-l', 'c-l'))?._id).toBe('g-newer');
    await grants.upsert('g-forever', { accountId: 'acc-l', clientId: 'c-l', iat: 500 }, undefined);
    expect((await latestGrant(storage.db, 'acc-l', 'c-l'))?._id).toBe('g-forever');
    expect((await latestGrant(storage.db, 'acc-l', 'c-none'))?._id).toBeUndefined();
    expect((await latestGrant(storage.db, { $ne: null } as unknown as string, 'c-l'))?._id).toBeUndefined();
  });

  it('finds by userCode', async () => {
    const adapter = adapterFor('DeviceCode');
    await adapter.upsert('dc-1', { userCode: 'ABCD-EFGH', grantId: 'g-dc' }, 600);
    expect(await adapter.findByUserCode('ABCD-EFGH')).toMatchObject({ userCode: 'ABCD-EFGH' });
  });

  it('consume is atomic: of two concurrent consumes exactly one wins; the loser is invalid_grant and the grant is revoked', async () => {
    const adapter = adapterFor('AuthorizationCode');
    await adapter.upsert('code-1', { grantId: 'g-code', clientId: 'c' }, 60);
    await adapterFor('AccessToken').upsert('at-of-g-code', { grantId: 'g-code' }, 60);
    await adapterFor('Grant').upsert('g-code', { accountId: 'a', clientId: 'c' }, 60);
    const results = await Promise.allSettled([adapter.consume('code-1'), adapter.consume('code-1')]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { error: 'invalid_grant' } });
    expect(await adapterFor('AccessToken').find('at-of-g-code')).toBeUndefined();
    expect(await adapterFor('Grant').find('g-code')).toBeUndefined();
  });

  it('consume marks the document consumed for the next find', async () => {
    const adapter = adapterFor('RefreshToken');
    await adapter.upsert('rt-consume', { grantId: 'g-rt' }, 60);
    expect(await adapter.tryConsume('rt-consume')).toBe(true);
    expect(typeof (await adapter.find('rt-consume'))?.consumed).toBe('number');
    expect(await adapter.tryConsume('rt-consume')).toBe(false);
  });

  it('destroy removes the document', async () => {
    const adapter = adapterFor('RefreshToken');
    await adapter.upsert('rt-destroy', { grantId: 'g-d' }, 60);
    await adapter.destroy('rt-destroy');
    expect(await adapter.find('rt-destroy')).toBeUndefined();
  });

  it('revokeByGrantId, called per model as oidc-provider does, removes every artifact of that grant and nothing else', async () => {
    for (const model of GRANT_BOUND_MODELS) {
      await adapterFor(model).upsert(`${model}-victim`, { grantId: 'grant-revoked', userCode: `${model}-v` }, 600);
      await adapterFor(model).upsert(`${model}-survivor`, { grantId: 'grant-kept', userCode: `${model}-s` }, 600);
    }
    await adapterFor('Session').upsert('session-keep', { uid: 'u-keep', grantId: 'grant-revoked' } as AdapterPayload, 600);

    await adapterFor('AccessToken').revokeByGrantId('grant-revoked');
    expect(await adapterFor('AccessToken').find('AccessToken-victim')).toBeUndefined();
    expect(await adapterFor('RefreshToken').find('RefreshToken-victim')).toBeDefined();
    for (const model of GRANT_BOUND_MODELS) await adapterFor(model).revokeByGrantId('grant-revoked');

    for (const model of GRANT_BOUND_MODELS) {
      expect(await adapterFor(model).find(`${model}-victim`)).toBeUndefined();
      expect(await adapterFor(model).find(`${model}-survivor`)).toMatchObject({ grantId: 'grant-kept' });
    }
    expect(await adapterFor('Session').find('session-keep')).toBeDefined();
  });

  it('creates its indexes idempotently', async () => {
    await createModelIndexes(storage.db);
    const indexes = await storage.db.collection(modelCollectionName('AccessToken')).listIndexes().toArray();
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
        expect.objectContaining({ name: 'grantId', key: { 'payload.grantId': 1 } }),
      ]),
    );
    const grantIndexes = await storage.db.collection(modelCollectionName('Grant')).listIndexes().toArray();
    expect(grantIndexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'accountId_clientId_iat',
          key: { 'payload.accountId': 1, 'payload.clientId': 1, 'payload.iat': -1 },
        }),
      ]),
    );
    const sessionIndexes = await storage.db.collection(modelCollectionName('Session')).listIndexes().toArray();
    expect(sessionIndexes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'uid', unique: true })]));
  });

  it('expired documents disappear from the collection after the TTL sweep', async () => {
    // mongod's TTL monitor runs every 60 s by default; both mongod and the wire server accept this parameter.
    await storage.client.db('admin').command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    const adapter = adapterFor('Interaction');
    await adapter.upsert('int-short', { uid: 'x' } as AdapterPayload, 1);
    await adapter.upsert('int-long', { uid: 'y' } as AdapterPayload, 3600);
    const raw = storage.db.collection<{ _id: string }>(modelCollectionName('Interaction'));
    const deadline = Date.now() + 90_000;
    while ((await raw.countDocuments({ _id: 'int-short' })) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await raw.countDocuments({ _id: 'int-short' })).toBe(0);
    expect(await raw.countDocuments({ _id: 'int-long' })).toBe(1);
  }, 100_000);
});
