// The data a WireServer serves: databases → collections. Outlives any one server so a restart keeps data.
import { WireError } from './errors.js';
import { WireCollection } from './collection.js';

export class WireStore {
  private readonly databases = new Map<string, Map<string, WireCollection>>();
  private listener: (() => void) | undefined;

  /** Calls `listener` after every change to the data (documents, indexes, collections): what persistence saves on. */
  watch(listener: (() => void) | undefined): void {
    this.listener = listener;
  }

  private changed(): void {
    this.listener?.();
  }

  collection(db: string, name: string): WireCollection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** Returns the collection, creating it implicitly as mongod does on first write. */
  ensureCollection(db: string, name: string): { collection: WireCollection; created: boolean } {
    const existing = this.collection(db, name);
    if (existing) return { collection: existing, created: false };
    assertValidNamespace(db, name);
    let collections = this.databases.get(db);
    if (!collections) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    const collection = new WireCollection(db, name, () => this.changed());
    collections.set(name, collection);
    this.changed();
    return { collection, created: true };
  }

  createCollection(db: string, name: string): WireCollection {
    const { collection, created } = this.ensureCollection(db, name);
    if (!created) throw new WireError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    return collection;
  }

  dropCollection(db: string, name: string): boolean {
    const collections = this.databases.get(db);
    if (!collections?.delete(name)) return false;
    // A database exists only while it holds a collection, as in mongod.
    if (collections.size === 0) this.databases.delete(db);
    this.changed();
    return true;
  }

  dropDatabase(db: string): void {
    if (this.databases.delete(db)) this.changed();
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collectionNames(db: string): string[] {
    return [...(this.databases.get(db)?.keys() ?? [])];
  }

  *allCollections(): IterableIterator<WireCollection> {
    for (const collections of this.databases.values()) yield* collections.values();
  }
}

function assertValidNamespace(db: string, name: string): void {
  if (db === '' || /[/\\. "$\0]/.test(db)) throw new WireError('InvalidNamespace', `Invalid database name: '${db}'`);
  if (name === '' || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new WireError('InvalidNamespace', `Invalid collection name: '${name}'`);
  }
}
