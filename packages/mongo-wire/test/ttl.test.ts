// TTL indexes: the background sweep removes expired documents and leaves unexpired and non-Date ones.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('TTL monitor', () => {
  it('accepts ttlMonitorSleepSecs through setParameter and rejects other parameters', async () => {
    const reply = await h.client.db('admin').admin().command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    expect(reply).toMatchObject({ ok: 1, was: 60 });
    await expect(h.client.db('admin').admin().command({ setParameter: 1, notAParameter: 5 })).rejects.toMatchObject({ ok: 0 });
  });

  it('removes expired documents and keeps unexpired and non-Date ones', async () => {
    const coll = h.db.collection<{ _id: string; expiresAt?: unknown; createdAt?: Date }>('sessions');
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    const past = new Date(Date.now() - 60_000);
    await coll.insertMany([
      { _id: 'expired', expiresAt: past },
      { _id: 'expired-array', expiresAt: [new Date(Date.now() + 3_600_000), past] },
      { _id: 'old-created', createdAt: new Date(Date.now() - 7_200_000) },
      { _id: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { _id: 'recent-created', createdAt: new Date(Date.now() - 60_000) },
      { _id: 'not-a-date', expiresAt: past.toISOString() },
      { _id: 'no-field' },
    ]);
    await h.client.db('admin').admin().command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    await waitFor(async () => (await coll.countDocuments()) === 4, 5000);
    const left = (await coll.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(left).toEqual(['future', 'no-field', 'not-a-date', 'recent-created']);
  }, 10_000);
});
