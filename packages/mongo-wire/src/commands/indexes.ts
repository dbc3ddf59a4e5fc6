// Index commands: createIndexes (idempotent, mongod conflict codes), listIndexes, dropIndexes.
import { WireError } from '../errors.js';
import { collectionArg, documentArg, documentsArg, type CommandHandler } from './context.js';

const createIndexes: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'createIndexes');
  const specs = documentsArg(body, 'indexes');
  if (specs.length === 0) throw new WireError('BadValue', 'Must specify at least one index to create');
  const { collection, created } = ctx.store.ensureCollection(ctx.db, name);
  const numIndexesBefore = collection.listIndexes().length;
  let added = 0;
  for (const spec of specs) if (collection.createIndex(spec)) added += 1;
  const reply = { createdCollectionAutomatically: created, numIndexesBefore, numIndexesAfter: numIndexesBefore + added, ok: 1 };
  return added === 0 ? { ...reply, note: 'all indexes already exist' } : reply;
};

const listIndexes: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'listIndexes');
  const collection = ctx.store.collection(ctx.db, name);
  if (!collection) throw new WireError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  return ctx.cursors.firstBatch(collection.ns, collection.listIndexes(), documentArg(body, 'cursor')?.batchSize);
};

const dropIndexes: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'dropIndexes');
  const collection = ctx.store.collection(ctx.db, name);
  if (!collection) throw new WireError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = collection.listIndexes().length;
  const target: unknown = body.index;
  if (target === '*') collection.dropAllIndexes();
  else if (typeof target === 'string') collection.dropIndex(target);
  else if (Array.isArray(target)) for (const indexName of target) collection.dropIndex(String(indexName));
  else throw new WireError('BadValue', "dropIndexes 'index' must be a name, an array of names or '*'");
  return { nIndexesWas, ok: 1 };
};

export const indexCommands: Record<string, CommandHandler> = { createIndexes, listIndexes, dropIndexes };
