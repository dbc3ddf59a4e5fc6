// The development data folder keeps the server that first wrote it, so its data never silently disappears behind another.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { selectStorageServer } from '../../src/storage/storage-server.js';

const root = mkdtempSync(path.join(tmpdir(), 'gatehouse-folder-'));
const saved = { ...process.env };
beforeAll(() => {
  // No mongod for these tests, wherever they run: nothing cached in an empty download folder, and no download.
  delete process.env.MONGOMS_SYSTEM_BINARY;
  process.env.MONGOMS_DOWNLOAD_DIR = path.join(root, 'no-binaries');
  process.env.MONGOMS_RUNTIME_DOWNLOAD = 'false';
});
afterAll(() => {
  process.env = saved;
  rmSync(root, { recursive: true, force: true });
});

describe('the development data folder', () => {
  it('starts the wire server on a new folder and again on its own data, which is there after a restart', async () => {
    const dataDir = path.join(root, 'fresh');
    const first = await selectStorageServer({ production: false, dataDir });
    expect([first.kind, first.persistent, first.description]).toEqual([
      'wire-server',
      true,
      expect.stringContaining(path.join(dataDir, 'wire')),
    ]);
    const client = await MongoClient.connect(first.uri);
    await client
      .db('gatehouse')
      .collection('accounts')
      .insertOne({ _id: 'bob' } as never);
    await client.close();
    await first.stop();

    const second = await selectStorageServer({ production: false, dataDir });
    try {
      const again = await MongoClient.connect(second.uri);
      expect(await again.db('gatehouse').collection('accounts').findOne({})).toEqual({ _id: 'bob' });
      await again.close();
    } finally {
      await second.stop();
    }
  });

  it('refuses a folder holding an embedded mongod data when no mongod is available, rather than hiding it', async () => {
    const dataDir = path.join(root, 'mongod-data');
    mkdirSync(path.join(dataDir, 'mongod'), { recursive: true });
    writeFileSync(path.join(dataDir, 'mongod', 'WiredTiger'), 'mongod was here');
    await expect(selectStorageServer({ production: false, dataDir })).rejects.toThrow(
      `the development data in ${path.join(dataDir, 'mongod')} needs a mongod binary, and none is available`,
    );
  });

  it('without a folder the database is throwaway: the next one is empty', async () => {
    const first = await selectStorageServer({ production: false });
    expect(first.persistent).toBe(false);
    const client = await MongoClient.connect(first.uri);
    await client
      .db('gatehouse')
      .collection('accounts')
      .insertOne({ _id: 'gone' } as never);
    await client.close();
    await first.stop();
    const second = await selectStorageServer({ production: false });
    const again = await MongoClient.connect(second.uri);
    expect(await again.db('gatehouse').collection('accounts').countDocuments()).toBe(0);
    await again.close();
    await second.stop();
  });
});
