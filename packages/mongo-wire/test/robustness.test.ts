// Protocol robustness: malformed frames close only their socket, fragmentation, many clients, restarts.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { BSON, MongoClient } from 'mongodb';
import { WireServer, WireStore } from '../src/index.js';
import { closedBy, opMsg, rawSocket, readReplies, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function stillServes(): Promise<void> {
  const coll = h.db.collection('alive');
  const { insertedId } = await coll.insertOne({ at: new Date() });
  expect(await coll.findOne({ _id: insertedId })).not.toBeNull();
}

describe('malformed messages', () => {
  it('closes a socket whose length field is below the header size', async () => {
    const socket = await rawSocket(h.server.port);
    const frame = Buffer.alloc(16);
    frame.writeInt32LE(5, 0);
    socket.write(frame);
    await expect(closedBy(socket)).resolves.toBe('closed');
    await stillServes();
  });

  it('closes a socket announcing a 100MB message without waiting for it', async () => {
    const socket = await rawSocket(h.server.port);
    const frame = Buffer.alloc(16);
    frame.writeInt32LE(100 * 1024 * 1024, 0);
    frame.writeInt32LE(2013, 12);
    socket.write(frame);
    await expect(closedBy(socket)).resolves.toBe('closed');
    await stillServes();
  });

  it('closes a socket that sends an unknown opcode or an unparseable body', async () => {
    const unknownOp = opMsg({ ping: 1, $db: 'admin' });
    unknownOp.writeInt32LE(9999, 12);
    const badBody = opMsg({ ping: 1, $db: 'admin' });
    badBody.writeInt32LE(1_000_000, 21); // BSON length pointing past the frame
    for (const frame of [unknownOp, badBody]) {
      const socket = await rawSocket(h.server.port);
      socket.write(frame);
      await expect(closedBy(socket)).resolves.toBe('closed');
    }
    await stillServes();
  });
});

describe('framing', () => {
  it('reassembles a message sent one byte at a time', async () => {
    const socket = await rawSocket(h.server.port);
    socket.setNoDelay(true);
    const replies = readReplies(socket, 1);
    const frame = opMsg({ ping: 1, $db: 'admin' }, 42);
    for (const byte of frame) {
      socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    const [reply] = await replies;
    expect(reply).toEqual({ responseTo: 42, body: { ok: 1 } });
    socket.destroy();
  });

  it('answers several messages delivered in one chunk, in order', async () => {
    const socket = await rawSocket(h.server.port);
    const replies = readReplies(socket, 3);
    socket.write(
      Buffer.concat([opMsg({ ping: 1, $db: 'admin' }, 1), opMsg({ buildInfo: 1, $db: 'admin' }, 2), opMsg({ nope: 1, $db: 'admin' }, 3)]),
    );
    const got = await replies;
    expect(got.map((r) => r.responseTo)).toEqual([1, 2, 3]);
    expect(got[1].body.version).toBe('7.0.0-gatehouse-wire');
    expect(got[2].body).toMatchObject({ ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: "no such command: 'nope'" });
    socket.destroy();
  });

  it('skips a trailing checksum when checksumPresent is set', async () => {
    const socket = await rawSocket(h.server.port);
    const replies = readReplies(socket, 1);
    const plain = opMsg({ ping: 1, $db: 'admin' }, 7);
    const withChecksum = Buffer.concat([plain, Buffer.alloc(4)]);
    withChecksum.writeInt32LE(withChecksum.length, 0);
    withChecksum.writeUInt32LE(1, 16);
    socket.write(withChecksum);
    expect(await replies).toEqual([{ responseTo: 7, body: { ok: 1 } }]);
    socket.destroy();
  });

  it('merges kind-1 document sequences into the body and stays silent on moreToCome', async () => {
    const socket = await rawSocket(h.server.port);
    const replies = readReplies(socket, 1);
    const docs = [BSON.serialize({ _id: 'seq-1' }), BSON.serialize({ _id: 'seq-2' })];
    const ident = Buffer.from('documents\0');
    const sectionSize = Buffer.alloc(4);
    sectionSize.writeInt32LE(4 + ident.length + docs[0].length + docs[1].length);
    const insert = opMsg({ insert: 'sequenced', $db: 'test' }, 8);
    const frame = Buffer.concat([insert, Buffer.from([1]), sectionSize, ident, ...docs]);
    frame.writeInt32LE(frame.length, 0);
    frame.writeUInt32LE(2, 16); // moreToCome: an unacknowledged write
    socket.write(Buffer.concat([frame, opMsg({ ping: 1, $db: 'admin' }, 9)]));
    expect((await replies).map((r) => r.responseTo)).toEqual([9]);
    expect(await h.db.collection('sequenced').countDocuments()).toBe(2);
    socket.destroy();
  });
});

describe('concurrency', () => {
  it('serves 50 concurrent clients each inserting and reading back', async () => {
    const clients = Array.from({ length: 50 }, () => new MongoClient(h.server.uri('test'), { serverSelectionTimeoutMS: 3000 }));
    try {
      const found = await Promise.all(
        clients.map(async (client, i) => {
          const coll = client.db().collection('crowd');
          await coll.insertOne({ client: i });
          return (await coll.findOne({ client: i }))?.client as number | undefined;
        }),
      );
      expect(found).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(await h.db.collection('crowd').countDocuments()).toBe(50);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});

describe('lifecycle', () => {
  it('keeps data across stop() and a restart on the same port with the same store', async () => {
    const store = new WireStore();
    const first = await WireServer.start({ store });
    const port = first.port;
    const client1 = new MongoClient(first.uri('persist'), { serverSelectionTimeoutMS: 3000 });
    await client1.db().collection<{ _id: string; v: string }>('kept').insertOne({ _id: 'k', v: 'survives' });
    await first.stop();
    await client1.close();

    const second = await WireServer.start({ store, port });
    const client2 = new MongoClient(second.uri('persist'), { serverSelectionTimeoutMS: 3000 });
    try {
      expect(second.port).toBe(port);
      expect(await client2.db().collection('kept').findOne({})).toEqual({ _id: 'k', v: 'survives' });
    } finally {
      await client2.close();
      await second.stop();
    }
  });

  it('stop() closes open connections', async () => {
    const server = await WireServer.start();
    const socket = await rawSocket(server.port);
    const closed = closedBy(socket);
    await server.stop();
    await expect(closed).resolves.toBe('closed');
  });
});
