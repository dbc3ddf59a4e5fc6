// One collection: documents keyed by canonical _id, unique-index bookkeeping, and TTL expiry.
import { BSON, type Document } from 'mongodb';
import { WireError } from './errors.js';
import { ID_INDEX, IndexKeyer, normalizeIndexSpec, sameKey, sameOptions, type IndexSpec } from './indexes.js';
import { compileFilter, idCandidates, shapeResults, type FindShape } from './query.js';
import { cloneDocument, formatValue, pathValues, valueKey, withIdFirst } from './values.js';

interface IndexState {
  spec: IndexSpec;
  keyer: IndexKeyer;
  /** Only unique indexes keep entries: entry key → canonical _id of the owning document. */
  entries?: Map<string, string>;
}

/**
 * Every write validates completely before it mutates anything, and nothing here awaits, so a write
 * is atomic with respect to every other command on the event loop.
 */
export class WireCollection {
  private readonly docs = new Map<string, Document>();
  private readonly indexes = new Map<string, IndexState>();

  constructor(
    readonly db: string,
    readonly name: string,
    /** Told after every mutation, so the store's persistence knows when to save. */
    private readonly changed: () => void = () => {},
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get count(): number {
    return this.docs.size;
  }

  /**
   * Stored documents matching filter, in natural (insertion) order. These are the stored objects
   * themselves: callers must treat them as read-only and clone anything they hand out.
   */
  matchStored(filter: unknown): Document[] {
    const matches = compileFilter(filter);
    const ids = idCandidates(filter);
    if (ids) {
      const seen = new Set<string>();
      const out: Document[] = [];
      for (const id of ids) {
        const key = valueKey(id);
        const doc = seen.has(key) ? undefined : this.docs.get(key);
        seen.add(key);
        if (doc && matches(doc)) out.push(doc);
      }
      return ids.length > 1 ? this.inNaturalOrder(out) : out;
    }
    const out: Document[] = [];
    for (const doc of this.docs.values()) if (matches(doc)) out.push(doc);
    return out;
  }

  private inNaturalOrder(docs: Document[]): Document[] {
    const order = new Map<Document, number>();
    let i = 0;
    for (const doc of this.docs.values()) order.set(doc, i++);
    return docs.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }

  /** Copies of the matching documents after sort/skip/limit/projection. */
  find(filter: unknown, shape: FindShape = {}): Document[] {
    return shapeResults(this.matchStored(filter), shape).map(cloneDocument);
  }

  /** The stored document with this _id, without compiling a filter; read-only, like matchStored's. */
  storedById(id: unknown): Document | undefined {
    return this.docs.get(valueKey(id));
  }

  findById(id: unknown): Document | undefined {
    const doc = this.storedById(id);
    return doc ? cloneDocument(doc) : undefined;
  }

  /** Stores a copy of doc (adding an ObjectId _id when missing) and returns the stored copy's _id. */
  insert(doc: Document): unknown {
    const stored = withIdFirst(cloneDocument(doc));
    const toStore = '_id' in stored ? stored : { _id: new BSON.ObjectId(), ...stored };
    assertValidId(toStore._id);
    const idKey = valueKey(toStore._id);
    if (this.docs.has(idKey)) throw this.duplicate(ID_INDEX, { _id: toStore._id });
    const additions = this.uniqueAdditions(toStore, idKey);
    this.docs.set(idKey, toStore);
    for (const [entries, key] of additions) entries.set(key, idKey);
    this.changed();
    return toStore._id;
  }

  /** Replaces the stored document `current` with a copy of `next`; the _id must not change. */
  replace(current: Document, next: Document): void {
    const idKey = valueKey(current._id);
    if (this.docs.get(idKey) !== current) throw new WireError('InternalError', 'replace of a document that is not stored');
    const stored = withIdFirst(cloneDocument(next));
    if (valueKey(stored._id) !== idKey) {
      throw new WireError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    const additions = this.uniqueAdditions(stored, idKey);
    this.removeEntries(current, idKey);
    this.docs.set(idKey, stored);
    for (const [entries, key] of additions) entries.set(key, idKey);
    this.changed();
  }

  remove(current: Document): boolean {
    const idKey = valueKey(current._id);
    if (this.docs.get(idKey) !== current) return false;
    this.removeEntries(current, idKey);
    this.docs.delete(idKey);
    this.changed();
    return true;
  }

  /** Entries doc would add to unique indexes; throws the duplicate-key error if another document owns one. */
  private uniqueAdditions(doc: Document, idKey: string): Array<[Map<string, string>, string]> {
    const additions: Array<[Map<string, string>, string]> = [];
    for (const state of this.indexes.values()) {
      const keys = state.keyer.keys(doc); // also rejects parallel arrays for non-unique indexes
      if (!state.entries) continue;
      for (const key of keys) {
        const owner = state.entries.get(key);
        if (owner !== undefined && owner !== idKey) throw this.duplicate(state.spec, state.keyer.keyValue(doc));
        additions.push([state.entries, key]);
      }
    }
    return additions;
  }

  private removeEntries(doc: Document, idKey: string): void {
    for (const state of this.indexes.values()) {
      if (!state.entries) continue;
      for (const key of state.keyer.keys(doc)) {
        if (state.entries.get(key) === idKey) state.entries.delete(key);
      }
    }
  }

  private duplicate(spec: IndexSpec, keyValue: Document): WireError {
    return new WireError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.ns} index: ${spec.name} dup key: ${formatValue(keyValue)}`,
      { keyPattern: spec.key, keyValue },
    );
  }

  listIndexes(): IndexSpec[] {
    return [ID_INDEX, ...[...this.indexes.values()].map((s) => s.spec)].map((spec) => cloneDocument(spec) as IndexSpec);
  }

  /** Creates the index; returns false when an identical one exists. Conflicts throw like mongod. */
  createIndex(raw: unknown): boolean {
    const spec = normalizeIndexSpec(raw);
    if (spec.name === ID_INDEX.name || valueKey(spec.key) === valueKey(ID_INDEX.key)) {
      if (spec.name === ID_INDEX.name && sameKey(spec, ID_INDEX)) return false;
      throw new WireError('IndexOptionsConflict', `Index already exists with a different name or key: ${ID_INDEX.name}`);
    }
    for (const { spec: existing } of this.indexes.values()) {
      if (existing.name === spec.name) {
        if (!sameKey(existing, spec)) {
          throw new WireError(
            'IndexKeySpecsConflict',
            `An existing index has the same name as the requested index but different key specs. Requested ` +
              `index: ${formatValue(spec)}, existing index: ${formatValue(existing)}`,
          );
        }
        if (sameOptions(existing, spec)) return false;
        throw new WireError(
          'IndexOptionsConflict',
          `An existing index has the same name as the requested index but different options. Requested ` +
            `index: ${formatValue(spec)}, existing index: ${formatValue(existing)}`,
        );
      }
      if (sameKey(existing, spec)) {
        throw new WireError('IndexOptionsConflict', `Index already exists with a different name: ${existing.name}`);
      }
    }
    const state: IndexState = { spec, keyer: new IndexKeyer(spec) };
    if (spec.unique) {
      const entries = new Map<string, string>();
      for (const [idKey, doc] of this.docs) {
        for (const key of state.keyer.keys(doc)) {
          if (entries.has(key)) throw this.duplicate(spec, state.keyer.keyValue(doc));
          entries.set(key, idKey);
        }
      }
      state.entries = entries;
    } else {
      for (const doc of this.docs.values()) state.keyer.keys(doc);
    }
    this.indexes.set(spec.name, state);
    this.changed();
    return true;
  }

  dropIndex(name: string): void {
    if (name === ID_INDEX.name) throw new WireError('InvalidOptions', 'cannot drop _id index');
    if (!this.indexes.delete(name)) throw new WireError('IndexNotFound', `index not found with name [${name}]`);
    this.changed();
  }

  dropAllIndexes(): void {
    if (this.indexes.size === 0) return;
    this.indexes.clear();
    this.changed();
  }

  /** Every stored document in natural order, for a snapshot; read-only like matchStored's results. */
  storedDocuments(): IterableIterator<Document> {
    return this.docs.values();
  }

  /**
   * Deletes documents whose TTL-indexed field holds a Date at or before now - expireAfterSeconds
   * (the earliest Date when it is an array). Non-Date values never expire, as in mongod.
   */
  expire(now: number): number {
    let removed = 0;
    for (const { spec } of this.indexes.values()) {
      const fields = Object.keys(spec.key);
      if (typeof spec.expireAfterSeconds !== 'number' || fields.length !== 1) continue;
      const cutoff = now - spec.expireAfterSeconds * 1000;
      for (const doc of [...this.docs.values()]) {
        const dates = pathValues(doc, fields[0])
          .flatMap((v) => (Array.isArray(v) ? v : [v]))
          .filter((v): v is Date => v instanceof Date);
        if (dates.length === 0) continue;
        const earliest = Math.min(...dates.map((d) => d.getTime()));
        if (earliest <= cutoff && this.remove(doc)) removed += 1;
      }
    }
    return removed;
  }
}

function assertValidId(id: unknown): void {
  if (Array.isArray(id)) throw new WireError('BadValue', "can't use an array for _id");
  if (id instanceof RegExp) throw new WireError('BadValue', "can't use a regex for _id");
  if (id === undefined) throw new WireError('BadValue', "can't use undefined for _id");
}
