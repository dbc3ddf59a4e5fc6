// Test harness: a WireServer plus a real MongoClient, and raw-socket helpers for protocol tests.
import { connect, type Socket } from 'node:net';
import { BSON, MongoClient, type Db, type Document, type MongoClientOptions } from 'mongodb';
import { WireServer, type WireServerOptions } from '../src/index.js';

export interface Harness {
  server: WireServer;
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function startHarness(options: WireServerOptions = {}, clientOptions: MongoClientOptions = {}): Promise<Harness> {
  const server = await WireServer.start(options);
  const client = new MongoClient(server.uri(), { serverSelectionTimeoutMS: 3000, ...clientOptions });
  await client.connect();
  return {
    server,
    client,
    db: client.db('test'),
    async close() {
      await client.close();
      await server.stop();
    },
  };
}

/** An OP_MSG frame carrying one body section, as the driver would send it. */
export function opMsg(body: Document, requestId = 1): Buffer {
  const doc = BSON.serialize(body);
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + doc.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, doc]);
}

export function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when the server closes the socket (or rejects after ms). */
export function closedBy(socket: Socket, ms = 2000): Promise<'closed'> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || socket.readableEnded) {
      resolve('closed');
      return;
    }
    const timer = setTimeout(() => reject(new Error('socket was not closed by the server')), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    socket.on('error', () => undefined);
    socket.resume();
  });
}

/** Collects `count` OP_MSG replies from a raw socket and decodes their bodies. */
export function readReplies(socket: Socket, count: number, ms = 2000): Promise<Array<{ responseTo: number; body: Document }>> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const replies: Array<{ responseTo: number; body: Document }> = [];
    const timer = setTimeout(() => reject(new Error(`got ${replies.length} of ${count} replies`)), ms);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0)) {
        const length = buffer.readInt32LE(0);
        replies.push({ responseTo: buffer.readInt32LE(8), body: BSON.deserialize(buffer.subarray(21, length)) });
        buffer = buffer.subarray(length);
      }
      if (replies.length >= count) {
        clearTimeout(timer);
        resolve(replies);
      }
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs}ms`);
}
