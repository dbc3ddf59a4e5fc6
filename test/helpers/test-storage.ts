// Gives each test file its own database on the server the storage selection picks (MONGODB_URI → mongod → wire server).
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { selectStorageServer, type StorageServer } from '../../src/storage/storage-server.js';

export interface TestStorage {
  server: StorageServer;
  client: MongoClient;
  db: Db;
  dbName: string;
  /** The URI Gatehouse under test should use (points at the same server; the database is set in config). */
  uri: string;
  stop(): Promise<void>;
}

export async function startTestStorage(): Promise<TestStorage> {
  const server = await selectStorageServer({ uri: process.env.MONGODB_URI, production: false });
  const dbName = `gatehouse_test_${randomBytes(4).toString('hex')}`;
  const client = new MongoClient(server.uri, { ignoreUndefined: true, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(dbName);
  return {
    server,
    client,
    db,
    dbName,
    uri: server.uri,
    async stop() {
      await db.dropDatabase().catch(() => {});
      await client.close();
      await server.stop();
    },
  };
}
