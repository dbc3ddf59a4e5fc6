// Namespace commands: create, drop, dropDatabase, listCollections.
import type { Document } from 'mongodb';
import { compileFilter } from '../query.js';
import { collectionArg, documentArg, type CommandHandler } from './context.js';

const create: CommandHandler = (body, ctx) => {
  ctx.store.createCollection(ctx.db, collectionArg(body, 'create'));
  return { ok: 1 };
};

/** mongod 7 answers ok even when the collection does not exist. */
const drop: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'drop');
  const existing = ctx.store.collection(ctx.db, name);
  ctx.store.dropCollection(ctx.db, name);
  return { nIndexesWas: existing ? existing.listIndexes().length : 0, ns: `${ctx.db}.${name}`, ok: 1 };
};

const dropDatabase: CommandHandler = (_body, ctx) => {
  ctx.store.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

const listCollections: CommandHandler = (body, ctx) => {
  const matches = compileFilter(documentArg(body, 'filter'));
  const entries: Document[] = ctx.store.collectionNames(ctx.db).map((name) =>
    body.nameOnly
      ? { name, type: 'collection' }
      : {
          name,
          type: 'collection',
          options: {},
          info: { readOnly: false },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const cursorOptions = documentArg(body, 'cursor');
  return ctx.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, entries.filter(matches), cursorOptions?.batchSize);
};

export const collectionCommands: Record<string, CommandHandler> = { create, drop, dropDatabase, listCollections };
