// Server under test: bare node-oidc-provider (bare-provider.ts), in memory ("memory") or on Gatehouse's MongoDB adapter
// ("mongo"), so the cost of our layer and of storage can be told apart.
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { MongoClient } from 'mongodb';
import { selectStorageServer } from '../../src/storage/storage-server.js';
import { connectDatabase } from '../../src/storage/connect.js';
import { createModelIndexes } from '../../src/storage/model-collections.js';
import { createMongoAdapter } from '../../src/storage/mongo-adapter.js';
import { benchDatabase, storageLabel } from '../fixture.js';
import { countCommands, serveUnderBench } from './child.js';
import { createMapAdapter } from './map-adapter.js';
import { BARE_ACCOUNT_ID, createBareProvider } from './bare-provider.js';

async function storage(kind: string, countCommands: boolean) {
  if (kind === 'memory')
    return {
      description: "in-memory Map adapter (oidc-provider's MemoryAdapter without its 1000-entry cap)",
      adapter: createMapAdapter(),
      client: undefined as MongoClient | undefined,
      close: async () => {},
    };
  const server = await selectStorageServer({ uri: process.env.MONGODB_URI, production: false });
  const { client, db } = await connectDatabase(server.uri, benchDatabase('bare'), { monitorCommands: countCommands });
  await createModelIndexes(db);
  return {
    description: `Gatehouse's adapter on ${storageLabel(server.kind)}`,
    adapter: createMongoAdapter(db),
    client,
    close: async () => {
      await db.dropDatabase().catch(() => {});
      await client.close();
      await server.stop();
    },
  };
}

await serveUnderBench(async () => {
  const port = Number(process.argv[2]);
  // Command monitoring (to count commands) costs CPU per command: only in the round-trip run, never under load.
  const counting = process.argv[4] === 'count-commands';
  const store = await storage(process.argv[3] ?? 'memory', counting);
  const provider = await createBareProvider(`http://127.0.0.1:${port}`, store.adapter);
  const server = createServer(provider.callback());
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    storage: store.description,
    provider: () => provider,
    accountId: BARE_ACCOUNT_ID,
    commands: counting && store.client ? countCommands(store.client) : undefined,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
});
