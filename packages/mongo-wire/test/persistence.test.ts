// dataDir: data survives a restart in a folder, is saved soon after each change, and the folder belongs to one process.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterEach } from '@jest/globals';
import { BSON, MongoClient } from 'mongodb';
import { DataDirLockedError, WireServer, WireStore } from '../src/index.js';
import { waitFor } from './harness.js';

const dirs: string[] = [];
const servers: WireServer[] = [];
const clients: MongoClient[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mongo-wire-data-'));
  dirs.push(dir);
  return dir;
}

async function open(dataDir: string, saveDelayMs?: number) {
  const server = await WireServer.start({ dataDir, saveDelayMs });
  servers.push(server);
  const client = new MongoClient(server.uri(), { serverSelectionTimeoutMS: 3000 });
  clients.push(client);
  return { server, db: client.db('app') };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dataDir', () => {
  it('keeps documents with their BSON types, indexes and drops across a stop and a fresh start', async () => {
    const dir = tempDir();
    const doc = {
      _id: new BSON.ObjectId(),
      at: new Date('2026-01-02T03:04:05.678Z'),
      bytes: new BSON.Binary(Buffer.from([0, 1, 2, 255])),
      big: BSON.Long.fromString('9007199254740993'),
      price: BSON.Decimal128.fromString('19.99'),
      nested: { list: [1, 'two', { three: 3 }], empty: {} },
      nothing: null,
    };
    const first = await open(dir);
    await first.db.collection('things').insertOne(doc);
    await first.db.collection('users').createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    await first.db.collection('users').insertOne({ _id: 'u1', email: 'a@example.com' } as never);
    await first.db.collection('sessions').createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await first.db.collection('gone').insertOne({ _id: 'x' } as never);
    await first.db.collection('gone').drop();
    await first.db.collection('things').insertOne({ _id: 'deleted' } as never);
    await first.db.collection('things').deleteOne({ _id: 'deleted' } as never);
    await first.server.stop();

    const second = await open(dir);
    expect(await second.db.collection('things').find().toArray()).toEqual([doc]);
    expect((await second.db.collection('users').indexes()).map((index) => [index.name, index.unique])).toEqual([
      ['_id_', undefined],
      ['email_unique', true],
    ]);
    // The unique index is live again, not merely listed.
    await expect(second.db.collection('users').insertOne({ _id: 'u2', email: 'a@example.com' } as never)).rejects.toMatchObject({
      code: 11000,
    });
    expect(await second.db.collection('sessions').indexes()).toContainEqual(expect.objectContaining({ expireAfterSeconds: 0 }));
    expect((await second.db.listCollections().toArray()).map((c) => c.name).sort()).toEqual(['sessions', 'things', 'users']);
  });

  it('saves shortly after a change, without waiting for stop, and leaves no temporary file', async () => {
    const dir = tempDir();
    const { db } = await open(dir, 50);
    await db.collection('events').insertOne({ _id: 'e1', kind: 'created' } as never);
    const snapshot = path.join(dir, 'data.bson');
    await waitFor(async () => existsSync(snapshot) && statSync(snapshot).size > 100, 3000, 20);
    // What a crash right now would leave behind: a copy of the folder without the live server's lock.
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true, filter: (source) => !source.endsWith('.lock') });
    expect(readdirSync(copy).sort()).toEqual(['data.bson']);
    const reopened = await open(copy);
    expect(await reopened.db.collection('events').findOne({ _id: 'e1' } as never)).toEqual({ _id: 'e1', kind: 'created' });
  });

  it('flush() writes pending changes at once', async () => {
    const dir = tempDir();
    const { server, db } = await open(dir, 60_000);
    await db.collection('later').insertOne({ _id: 'now' } as never);
    expect(existsSync(path.join(dir, 'data.bson'))).toBe(false);
    await server.flush();
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true, filter: (source) => !source.endsWith('.lock') });
    const reopened = await open(copy);
    expect(await reopened.db.collection('later').countDocuments()).toBe(1);
  });

  it('refuses a folder another server holds, naming the holder, and frees it at stop', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const refused = WireServer.start({ dataDir: dir });
    await expect(refused).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(refused).rejects.toMatchObject({ pid: process.pid, message: expect.stringContaining(dir) });
    await first.server.stop();
    expect(readdirSync(dir)).not.toContain('mongo-wire.lock');
    const second = await open(dir);
    expect(second.server.dataPath).toBe(dir);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = tempDir();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(path.join(dir, 'mongo-wire.lock'), `${gone}\n`);
    const { db } = await open(dir);
    await db.collection('c').insertOne({ _id: 1 } as never);
    expect(await db.collection('c').countDocuments()).toBe(1);
  });

  it('refuses to start on a damaged snapshot instead of starting empty and overwriting it', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.db.collection('precious').insertMany([{ a: 1 }, { a: 2 }]);
    await first.server.stop();
    const file = path.join(dir, 'data.bson');
    const whole = statSync(file).size;
    writeFileSync(file, Buffer.alloc(whole - 7, 1));
    await expect(WireServer.start({ dataDir: dir })).rejects.toThrow(/data\.bson is damaged at byte \d+: move it away/);
    // The failed start released the folder and left the file as it was.
    expect(readdirSync(dir)).toEqual(['data.bson']);
  });

  it('saves what the TTL monitor removes', async () => {
    const dir = tempDir();
    const { server, db } = await open(dir, 20);
    const coll = db.collection<{ _id: string; expiresAt: Date }>('short');
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await coll.insertMany([
      { _id: 'old', expiresAt: new Date(Date.now() - 1000) },
      { _id: 'new', expiresAt: new Date(Date.now() + 3_600_000) },
    ]);
    await db.admin().command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    await waitFor(async () => (await coll.countDocuments()) === 1, 5000);
    await server.stop();
    const reopened = await open(dir);
    expect(await reopened.db.collection('short').find().toArray()).toEqual([{ _id: 'new', expiresAt: expect.any(Date) }]);
  }, 10_000);

  it('takes either a store or a dataDir', async () => {
    await expect(WireServer.start({ store: new WireStore(), dataDir: tempDir() })).rejects.toThrow(TypeError);
  });
});
