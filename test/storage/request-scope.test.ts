// Reads folded into one round trip: a model's find that also fetches the document its payload points at, and a document
// our own query read, served once to the adapter within the same request and never to another.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { AdapterPayload } from 'oidc-provider';
import { createMongoAdapter, type Join } from '../../src/storage/mongo-adapter.js';
import { createModelIndexes, latestGrantId, modelCollectionName } from '../../src/storage/model-collections.js';
import { recallInRequest, runInRequestScope } from '../../src/storage/request-scope.js';
import { connectDatabase, type Database } from '../../src/storage/connect.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
/** Gatehouse's own kind of client (command monitoring on), to count what the adapter sends. */
let monitored: Database;
const OWNER: Join = { from: 'owners', field: 'owner.id', fields: ['_id', 'name'], key: 'owner' };
let adapterFor: ReturnType<typeof createMongoAdapter>;
const commands: string[] = [];

beforeAll(async () => {
  storage = await startTestStorage();
  monitored = await connectDatabase(storage.uri, storage.dbName);
  await createModelIndexes(monitored.db);
  adapterFor = createMongoAdapter(monitored.db, { AccessToken: OWNER });
  await storage.db.collection('owners').insertOne({ _id: 'o-1' as never, name: 'Olga', secret: 'not fetched' });
  monitored.client.on('commandStarted', (event) => commands.push(event.commandName));
});
afterAll(async () => {
  await monitored.client.close();
  await storage.stop();
});

const token = (owner: string) => ({ kind: 'AccessToken', owner: { id: owner }, accountId: owner }) as unknown as AdapterPayload;

describe('request scope', () => {
  it('fetches the joined document with the model in one command, only the listed fields, for this request only', async () => {
    const adapter = adapterFor('AccessToken');
    await adapter.upsert('at-1', token('o-1'), 60);
    await adapter.upsert('at-2', token('o-missing'), 60);
    commands.length = 0;
    const seen = await runInRequestScope(async () => {
      const payload = await adapter.find('at-1');
      const missing = await adapter.find('at-2');
      return { payload, missing, owner: recallInRequest('owner:o-1'), absent: recallInRequest('owner:o-missing') };
    });
    expect(commands).toEqual(['aggregate', 'aggregate']);
    expect(seen.payload).toEqual(token('o-1'));
    expect(seen.owner).toEqual({ value: { _id: 'o-1', name: 'Olga' } });
    // Read and found absent is an answer too (null), distinct from never read (undefined).
    expect(seen.absent).toEqual({ value: null });
    expect(seen.missing).toEqual(token('o-missing'));
    expect(recallInRequest('owner:o-1')).toBeUndefined();
    await runInRequestScope(async () => expect(recallInRequest('owner:o-1')).toBeUndefined());
  });

  it('hides an expired model on the joined path as on the plain one, and finds plainly outside a request', async () => {
    const adapter = adapterFor('AccessToken');
    await adapter.upsert('at-old', token('o-1'), 60);
    await storage.db
      .collection(modelCollectionName('AccessToken'))
      .updateOne({ _id: 'at-old' as never }, { $set: { expiresAt: new Date(0) } });
    expect(await runInRequestScope(() => adapter.find('at-old'))).toBeUndefined();
    commands.length = 0;
    expect(await adapter.find('at-1')).toEqual(token('o-1'));
    expect(commands).toEqual(['find']);
  });

  it("serves the grant latestGrantId read to the adapter's next find in the same request, once, and forgets it on a write", async () => {
    const grants = adapterFor('Grant');
    const grant = { kind: 'Grant', accountId: 'acc-s', clientId: 'c-s', iat: 1 } as unknown as AdapterPayload;
    await grants.upsert('g-s', grant, 60);
    commands.length = 0;
    await runInRequestScope(async () => {
      expect(await latestGrantId(monitored.db, 'acc-s', 'c-s')).toBe('g-s');
      expect(await grants.find('g-s')).toEqual(grant);
      expect(commands).toEqual(['find']);
      expect(await grants.find('g-s')).toEqual(grant);
      expect(commands).toEqual(['find', 'find']);

      await latestGrantId(monitored.db, 'acc-s', 'c-s');
      const changed = { ...grant, iat: 2 } as AdapterPayload;
      await grants.upsert('g-s', changed, 60);
      expect(await grants.find('g-s')).toEqual(changed);
    });
  });
});
