// Open cursors for find/aggregate/list* results, paged out by batch size and bounded by BSON size.
import { BSON, type Document } from 'mongodb';
import { WireError } from './errors.js';

/** mongod stops a batch near 16MB so the reply fits in a message; leave room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
/** Like mongod's cursorTimeoutMillis: idle cursors are dropped after 10 minutes. */
const CURSOR_IDLE_MS = 10 * 60 * 1000;
const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

export class CursorRegistry {
  private readonly open = new Map<number, OpenCursor>();
  // Random start so ids from a restarted server do not match stale ids a client still holds.
  private nextId = Math.floor(Math.random() * 2 ** 40) + 1;

  /**
   * Builds the `{cursor: {firstBatch, id, ns}}` reply for a fully computed result, keeping a
   * cursor open only if documents remain.
   */
  firstBatch(ns: string, docs: Document[], batchSize: unknown, singleBatch = false): Document {
    this.reap();
    const size = typeof batchSize === 'number' && batchSize >= 0 ? batchSize : DEFAULT_FIRST_BATCH;
    const batch = takeBatch(docs, 0, size);
    let id = 0;
    if (!singleBatch && batch.length < docs.length) {
      id = this.nextId++;
      this.open.set(id, { ns, docs, position: batch.length, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch: batch, id: BSON.Long.fromNumber(id), ns }, ok: 1 };
  }

  getMore(rawId: unknown, collection: unknown, db: string, batchSize: unknown): Document {
    const id = cursorIdNumber(rawId);
    const cursor = this.open.get(id);
    if (!cursor) throw new WireError('CursorNotFound', `cursor id ${id} not found`);
    if (typeof collection === 'string' && cursor.ns !== `${db}.${collection}` && !cursor.ns.startsWith(`${db}.$cmd`)) {
      throw new WireError(
        'Unauthorized',
        `Requested getMore on namespace '${db}.${collection}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    const size = typeof batchSize === 'number' && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER;
    const batch = takeBatch(cursor.docs, cursor.position, size);
    cursor.position += batch.length;
    cursor.lastUsed = Date.now();
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.open.delete(id);
    return { cursor: { nextBatch: batch, id: BSON.Long.fromNumber(exhausted ? 0 : id), ns: cursor.ns }, ok: 1 };
  }

  kill(ids: unknown[]): { killed: BSON.Long[]; notFound: BSON.Long[] } {
    const killed: BSON.Long[] = [];
    const notFound: BSON.Long[] = [];
    for (const raw of ids) {
      const id = cursorIdNumber(raw);
      (this.open.delete(id) ? killed : notFound).push(BSON.Long.fromNumber(id));
    }
    return { killed, notFound };
  }

  clear(): void {
    this.open.clear();
  }

  private reap(): void {
    const cutoff = Date.now() - CURSOR_IDLE_MS;
    for (const [id, cursor] of this.open) if (cursor.lastUsed < cutoff) this.open.delete(id);
  }
}

function cursorIdNumber(raw: unknown): number {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (raw instanceof BSON.Long) return raw.toNumber();
  throw new WireError('TypeMismatch', 'cursor id must be a 64-bit integer');
}

function takeBatch(docs: Document[], start: number, size: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  for (let i = start; i < docs.length && batch.length < size; i++) {
    bytes += BSON.calculateObjectSize(docs[i]);
    // Always return at least one document so a cursor makes progress.
    if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
    batch.push(docs[i]);
  }
  return batch;
}
