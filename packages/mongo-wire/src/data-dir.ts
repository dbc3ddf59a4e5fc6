// Keeps a WireStore in a folder: loads it at start, saves a snapshot shortly after each change and at stop; one process per folder.
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import { BSON, type Document } from 'mongodb';
import { acquireLock, releaseLock } from './lock-file.js';
import { WireStore } from './store.js';

/** The snapshot: a header document, then per collection a section document followed by its documents, all BSON. */
export const SNAPSHOT_FILE = 'data.bson';
const FORMAT = 'mongo-wire-snapshot';
const VERSION = 1;

export interface DataDirOptions {
  /** How long after a change the snapshot is written; changes within the window share one write. */
  saveDelayMs: number;
  /** A failed write is retried on the next change and at stop; this hears about it. */
  onSaveError: (error: Error) => void;
}

export class DataDir {
  private timer: NodeJS.Timeout | undefined;
  /** Writes run one after another; this is the last one queued. */
  private queue: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    readonly dir: string,
    readonly store: WireStore,
    private readonly options: DataDirOptions,
  ) {}

  /** Locks the folder (creating it) and loads its snapshot; throws DataDirLockedError when another process holds it. */
  static open(dir: string, options: DataDirOptions): DataDir {
    const absolute = path.resolve(dir);
    mkdirSync(absolute, { recursive: true });
    acquireLock(absolute);
    try {
      const dataDir = new DataDir(absolute, loadSnapshot(path.join(absolute, SNAPSHOT_FILE)), options);
      dataDir.store.watch(() => dataDir.changed());
      return dataDir;
    } catch (error) {
      releaseLock(absolute);
      throw error;
    }
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => {});
    }, this.options.saveDelayMs);
    // The server's listener keeps a process alive; a pending save must not do so on its own.
    this.timer.unref();
  }

  /** Writes what changed (after any write in progress) and resolves once it is on disk. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.queue.then(() => this.save());
    this.queue = next.catch(() => {});
    return next;
  }

  /** Final save, then the folder is free for another process. Later changes are no longer saved. */
  async close(): Promise<void> {
    this.store.watch(undefined);
    try {
      await this.flush();
    } finally {
      releaseLock(this.dir);
    }
  }

  private async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    // Serialised synchronously, so the snapshot is one consistent point in time however long the write takes.
    const bytes = serializeStore(this.store);
    try {
      await writeAtomically(path.join(this.dir, SNAPSHOT_FILE), bytes);
    } catch (error) {
      this.dirty = true;
      this.options.onSaveError(error as Error);
      throw error;
    }
  }
}

export function serializeStore(store: WireStore): Buffer {
  const chunks: Uint8Array[] = [BSON.serialize({ format: FORMAT, version: VERSION })];
  for (const collection of store.allCollections()) {
    // The _id index always exists; every other index is recreated before the documents go back in.
    const indexes = collection.listIndexes().filter((spec) => spec.name !== '_id_');
    chunks.push(BSON.serialize({ db: collection.db, collection: collection.name, indexes, count: collection.count }));
    for (const doc of collection.storedDocuments()) chunks.push(BSON.serialize(doc));
  }
  return Buffer.concat(chunks);
}

/** A new store holding the snapshot in `file`; an empty one when the file does not exist yet. */
export function loadSnapshot(file: string): WireStore {
  const store = new WireStore();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
    throw error;
  }
  const reader = new SnapshotReader(bytes, file);
  const header = reader.next();
  if (header.format !== FORMAT || header.version !== VERSION)
    throw new Error(
      `${file} is not a mongo-wire snapshot of version ${VERSION} (format ${String(header.format)}, version ${header.version})`,
    );
  while (!reader.done) {
    const section = reader.next();
    const { collection } = store.ensureCollection(String(section.db), String(section.collection));
    for (const spec of section.indexes as Document[]) collection.createIndex(spec);
    for (let i = 0; i < Number(section.count); i += 1) collection.insert(reader.next());
  }
  return store;
}

class SnapshotReader {
  private offset = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
  ) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  next(): Document {
    const size = this.offset + 4 <= this.bytes.length ? this.bytes.readInt32LE(this.offset) : 0;
    // A truncated or damaged file must stop the start: starting empty would overwrite the data at the next save.
    if (size < 5 || this.offset + size > this.bytes.length)
      throw new Error(`${this.file} is damaged at byte ${this.offset}: move it away to start with an empty database`);
    const doc = BSON.deserialize(this.bytes.subarray(this.offset, this.offset + size));
    this.offset += size;
    return doc;
  }
}

/** Write-temp-then-rename: a reader (or a crash) sees the old snapshot or the new one, never half of one. */
async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
