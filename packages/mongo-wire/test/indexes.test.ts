// Index behaviour through the real driver: unique and compound unique enforcement, idempotence, conflicts, listing.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('unique indexes', () => {
  it('rejects a duplicate _id with code 11000 and a mongod-style message', async () => {
    const coll = h.db.collection<{ _id: string }>('ids');
    await coll.insertOne({ _id: 'dup' });
    await expect(coll.insertOne({ _id: 'dup' })).rejects.toMatchObject({
      code: 11000,
      message: 'E11000 duplicate key error collection: test.ids index: _id_ dup key: { _id: "dup" }',
    });
  });

  it('rejects a duplicate on a unique index via insertOne and via an upserting updateOne', async () => {
    const coll = h.db.collection('users');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    await coll.insertOne({ email: 'a@example.com' });
    await expect(coll.insertOne({ email: 'a@example.com' })).rejects.toMatchObject({ code: 11000, keyValue: { email: 'a@example.com' } });
    await coll.insertOne({ email: 'b@example.com', name: 'b' });
    await expect(coll.updateOne({ name: 'nobody' }, { $set: { email: 'b@example.com' } }, { upsert: true })).rejects.toMatchObject({
      code: 11000,
    });
    await expect(coll.updateOne({ name: 'b' }, { $set: { email: 'a@example.com' } })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments()).toBe(2);
    expect((await coll.findOne({ name: 'b' }))?.email).toBe('b@example.com');
  });

  it('treats a missing field as null, so only one document may lack it', async () => {
    const coll = h.db.collection('nulls');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ other: 1 });
    await expect(coll.insertOne({ other: 2 })).rejects.toMatchObject({ code: 11000 });
  });

  it('frees a value once its document is deleted or changed', async () => {
    const coll = h.db.collection('users');
    await coll.deleteOne({ email: 'a@example.com' });
    await expect(coll.insertOne({ email: 'a@example.com' })).resolves.toMatchObject({ acknowledged: true });
    await coll.updateOne({ email: 'a@example.com' }, { $set: { email: 'c@example.com' } });
    await expect(coll.insertOne({ email: 'a@example.com' })).resolves.toMatchObject({ acknowledged: true });
  });

  it('enforces a compound unique index on the combination only', async () => {
    const coll = h.db.collection('compound');
    await coll.createIndex({ tenant: 1, user: 1 }, { unique: true });
    await coll.insertMany([
      { tenant: 't1', user: 'u1' },
      { tenant: 't1', user: 'u2' },
      { tenant: 't2', user: 'u1' },
    ]);
    await expect(coll.insertOne({ tenant: 't1', user: 'u1' })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments()).toBe(3);
  });

  it('reports an unordered insertMany duplicate without dropping the valid documents', async () => {
    const coll = h.db.collection('unordered');
    await coll.createIndex({ k: 1 }, { unique: true });
    await expect(coll.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }], { ordered: false })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments()).toBe(2);
  });

  it('refuses to create a unique index over existing duplicates', async () => {
    const coll = h.db.collection('predup');
    await coll.insertMany([{ k: 'same' }, { k: 'same' }]);
    await expect(coll.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });
});

describe('index management', () => {
  it('createIndex is idempotent for the same spec', async () => {
    const coll = h.db.collection('idem');
    expect(await coll.createIndex({ 'payload.grantId': 1 })).toBe('payload.grantId_1');
    expect(await coll.createIndex({ 'payload.grantId': 1 })).toBe('payload.grantId_1');
    expect(await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 })).toBe('expiresAt_1');
    expect(await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 })).toBe('expiresAt_1');
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'payload.grantId_1', 'expiresAt_1']);
  });

  it('rejects conflicting options under the same name with IndexOptionsConflict (85)', async () => {
    const coll = h.db.collection('idem');
    await expect(coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 60 })).rejects.toMatchObject({ code: 85 });
    await expect(coll.createIndex({ 'payload.grantId': 1 }, { unique: true })).rejects.toMatchObject({ code: 85 });
  });

  it('refuses TTL indexes mongod refuses: over 2147483647 seconds, or compound (CannotCreateIndex, 67)', async () => {
    const coll = h.db.collection('ttl_limits');
    await expect(coll.createIndex({ at: 1 }, { expireAfterSeconds: 2_147_483_648 })).rejects.toMatchObject({ code: 67 });
    await expect(coll.createIndex({ at: 1, user: 1 }, { expireAfterSeconds: 60 })).rejects.toMatchObject({ code: 67 });
    expect(await coll.createIndex({ at: 1 }, { expireAfterSeconds: 2_147_483_647 })).toBe('at_1');
  });

  it('listIndexes reports key, name, unique and expireAfterSeconds', async () => {
    const coll = h.db.collection('listed');
    await coll.createIndex({ a: 1, b: -1 }, { unique: true, name: 'a_b' });
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 30 });
    const indexes = await coll.listIndexes().toArray();
    expect(indexes).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1, b: -1 }, name: 'a_b', unique: true },
      { v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 30 },
    ]);
    expect(await coll.indexExists('a_b')).toBe(true);
  });

  it('listIndexes on a missing collection fails with NamespaceNotFound (26)', async () => {
    await expect(h.db.command({ listIndexes: 'nope', cursor: {} })).rejects.toMatchObject({ code: 26 });
  });
});
