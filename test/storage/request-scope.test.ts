// Reads folded into one round trip, inside a request oidc-provider routes: a model's find that also fetches the document
// its payload points at, and a document our own query read, served once to the adapter in the same request only.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Provider, { type AdapterPayload } from 'oidc-provider';
import { createMongoAdapter, grantJoin, type Join } from '../../src/storage/mongo-adapter.js';
import { createModelIndexes, latestGrant, modelCollectionName } from '../../src/storage/model-collections.js';
import { currentRoute, modelInRequestKey, recallInRequest, rememberInRequest } from '../../src/storage/request-scope.js';
import { connectDatabase, type Database } from '../../src/storage/connect.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

const OWNER: Join = { from: 'owners', field: 'accountId', fields: ['_id', 'name'], key: (id) => `owner:${id}`, routes: ['userinfo'] };
let storage: TestStorage;
/** Gatehouse's own kind of client (command monitoring on), to count what the adapter sends. */
let monitored: Database;
let adapterFor: ReturnType<typeof createMongoAdapter>;
let provider: Provider;
let server: Server;
let url: string;
const commands: string[] = [];
/** Runs inside oidc-provider's findAccount, that is inside a request it routes (userinfo here). */
let probe: () => Promise<unknown> = async () => undefined;
let probed: unknown;

beforeAll(async () => {
  storage = await startTestStorage();
  monitored = await connectDatabase(storage.uri, storage.dbName, { monitorCommands: true });
  await createModelIndexes(monitored.db);
  adapterFor = createMongoAdapter(monitored.db, { AccessToken: [OWNER] });
  await storage.db.collection('owners').insertOne({ _id: 'o-1' as never, name: 'Olga', secret: 'not kept' });
  monitored.client.on('commandStarted', (event) => commands.push(event.commandName));
  provider = new Provider('http://127.0.0.1', {
    adapter: adapterFor,
    clients: [{ client_id: 'c', client_secret: 'c-secret-0123456789abcdef0123456789', redirect_uris: ['http://127.0.0.1:9/cb'] }],
    findAccount: async (_ctx, sub) => {
      probed = await probe();
      return { accountId: sub, claims: async () => ({ sub }) };
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: () => '/interaction' },
  });
  server = createServer(provider.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await monitored.client.close();
  await storage.stop();
});

/** A userinfo request with a fresh access token for `accountId`: its find is the joined one, then findAccount probes. */
async function inRequest(accountId: string, run: () => Promise<unknown>): Promise<unknown> {
  const client = await provider.Client.find('c');
  const token = await new provider.AccessToken({ accountId, client, grantId: 'g-none', scope: 'openid' } as never).save();
  probe = run;
  probed = undefined;
  commands.length = 0;
  await (await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
  return probed;
}

describe('request scope', () => {
  it('fetches the joined document with the model in one command, keeps only the listed fields, for this request only', async () => {
    const seen = await inRequest('o-1', async () => ({ owner: recallInRequest('owner:o-1'), commands: [...commands] }));
    expect(seen).toEqual({ owner: { value: { _id: 'o-1', name: 'Olga' } }, commands: ['aggregate'] });
    // Read and found absent is an answer too (null), distinct from never read (undefined).
    expect(await inRequest('o-missing', async () => recallInRequest('owner:o-missing'))).toEqual({ value: null });
    expect(await inRequest('o-missing', async () => recallInRequest('owner:o-1'))).toBeUndefined();
    expect([currentRoute(), recallInRequest('owner:o-1')]).toEqual([undefined, undefined]);
  });

  it('brings several documents in one command: the whole grant, served to the Grant model once, and the listed fields', async () => {
    const joined = createMongoAdapter(monitored.db, { AccessToken: [grantJoin(['userinfo']), OWNER] });
    const grant = { kind: 'Grant', accountId: 'o-1', clientId: 'c', openid: { scope: 'openid' } } as unknown as AdapterPayload;
    await joined('Grant').upsert('g-j', grant, 60);
    const token = (grantId: string) => ({ kind: 'AccessToken', accountId: 'o-1', grantId }) as unknown as AdapterPayload;
    await joined('AccessToken').upsert('at-j', token('g-j'), 60);
    await joined('AccessToken').upsert('at-gone', token('g-gone'), 60);
    // Expired but not yet swept by the TTL monitor: absent to the Grant model, joined or not.
    await joined('Grant').upsert('g-old', grant, 60);
    await storage.db.collection(modelCollectionName('Grant')).updateOne({ _id: 'g-old' as never }, { $set: { expiresAt: new Date(0) } });
    await joined('AccessToken').upsert('at-old-grant', token('g-old'), 60);
    const seen = await inRequest('o-1', async () => {
      commands.length = 0;
      const steps: unknown[] = [await joined('AccessToken').find('at-j'), await joined('Grant').find('g-j'), [...commands]];
      // Once only: a second read of the grant in the same request goes to the database.
      steps.push(await joined('Grant').find('g-j'), [...commands], recallInRequest('owner:o-1'));
      commands.length = 0;
      // A grant the token names but the store no longer holds is an answer too: absent, without a second command.
      steps.push(await joined('AccessToken').find('at-gone'), await joined('Grant').find('g-gone'), [...commands]);
      steps.push(await joined('AccessToken').find('at-old-grant'), await joined('Grant').find('g-old'));
      return steps;
    });
    expect(seen).toEqual([
      token('g-j'),
      grant,
      ['aggregate'],
      grant,
      ['aggregate', 'find'],
      { value: { _id: 'o-1', name: 'Olga' } },
      token('g-gone'),
      undefined,
      ['aggregate'],
      token('g-old'),
      undefined,
    ]);
  });

  it('joins only on the routes listed: on another route the same model is read with a plain find', async () => {
    const tokenOnly = createMongoAdapter(monitored.db, { AccessToken: [{ ...OWNER, routes: ['token'] }] })('AccessToken');
    await tokenOnly.upsert('at-plain', { kind: 'AccessToken', accountId: 'o-1' } as unknown as AdapterPayload, 60);
    const seen = await inRequest('o-1', async () => {
      commands.length = 0;
      await tokenOnly.find('at-plain');
      return { route: currentRoute(), commands: [...commands], owner: recallInRequest('owner:o-1') };
    });
    // The userinfo request's own token read (joined) came before; this one is plain and keeps nothing new.
    expect(seen).toEqual({ route: 'userinfo', commands: ['find'], owner: { value: { _id: 'o-1', name: 'Olga' } } });
  });

  it('hides an expired model on the joined path as on the plain one, and finds plainly outside a request', async () => {
    const adapter = adapterFor('AccessToken');
    const payload = { kind: 'AccessToken', accountId: 'o-1' } as unknown as AdapterPayload;
    await adapter.upsert('at-old', payload, 60);
    await storage.db
      .collection(modelCollectionName('AccessToken'))
      .updateOne({ _id: 'at-old' as never }, { $set: { expiresAt: new Date(0) } });
    expect(await inRequest('o-1', () => adapter.find('at-old'))).toBeUndefined();
    await adapter.upsert('at-1', payload, 60);
    commands.length = 0;
    expect(await adapter.find('at-1')).toEqual(payload);
    expect(commands).toEqual(['find']);
  });

  it("serves a grant our own query read (an account's latest) to the adapter's next find in the request, once; a write forgets it", async () => {
    const grants = adapterFor('Grant');
    const grant = { kind: 'Grant', accountId: 'acc-s', clientId: 'c-s', iat: 1 } as unknown as AdapterPayload;
    const changed = { ...grant, iat: 2 } as AdapterPayload;
    await grants.upsert('g-s', grant, 60);
    const keep = async () => {
      const latest = (await latestGrant(monitored.db, 'acc-s', 'c-s'))!;
      rememberInRequest(modelInRequestKey('Grant', latest._id), latest);
    };
    const seen = await inRequest('o-1', async () => {
      const steps: unknown[] = [];
      commands.length = 0;
      await keep();
      steps.push(await grants.find('g-s'), [...commands]);
      steps.push(await grants.find('g-s'), [...commands]);
      await keep();
      await grants.upsert('g-s', changed, 60);
      steps.push(await grants.find('g-s'));
      return steps;
    });
    expect(seen).toEqual([grant, ['find'], grant, ['find', 'find'], changed]);
  });
});
