// mongod's failCommand fail point: named commands fail with the chosen code and labels, as during an election.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { MongoServerError } from 'mongodb';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const admin = () => h.client.db('admin');

describe('configureFailPoint failCommand', () => {
  it('fails the named command the given number of times with its code and labels, then lets it run', async () => {
    const coll = h.db.collection('fp');
    await coll.insertMany([{ a: 1 }, { a: 2 }]);
    await admin().command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['delete'], errorCode: 11602, errorLabels: ['RetryableWriteError'] },
    });
    const failure = await coll.deleteMany({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MongoServerError);
    expect(failure).toMatchObject({ code: 11602, codeName: 'InterruptedDueToReplStateChange' });
    expect((failure as MongoServerError).hasErrorLabel('RetryableWriteError')).toBe(true);
    expect(await coll.countDocuments()).toBe(2);
    expect((await coll.deleteMany({})).deletedCount).toBe(2);
  });

  it('alwaysOn fails until turned off; unknown fail points and effects are refused', async () => {
    await admin().command({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['find'], errorCode: 10107 } });
    for (let i = 0; i < 2; i++) await expect(h.db.collection('fp').findOne({})).rejects.toMatchObject({ code: 10107 });
    await admin().command({ configureFailPoint: 'failCommand', mode: 'off' });
    expect(await h.db.collection('fp').findOne({})).toBeNull();
    await expect(admin().command({ configureFailPoint: 'somethingElse', mode: 'alwaysOn' })).rejects.toMatchObject({ code: 2 });
    await expect(
      admin().command({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['find'], blockConnection: true } }),
    ).rejects.toMatchObject({ code: 2 });
  });
});
