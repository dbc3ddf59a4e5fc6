// The insert command: ordered/unordered batches, generated ObjectIds, per-document write errors.
import type { Document } from 'mongodb';
import { toWireError } from '../errors.js';
import { collectionArg, documentsArg, type CommandHandler } from './context.js';

const insert: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'insert');
  const documents = documentsArg(body, 'documents');
  const ordered = body.ordered !== false;
  const { collection } = ctx.store.ensureCollection(ctx.db, name);
  const writeErrors: Document[] = [];
  let n = 0;
  for (const [index, doc] of documents.entries()) {
    try {
      collection.insert(doc);
      n += 1;
    } catch (err) {
      writeErrors.push(toWireError(err).toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

export const insertCommands: Record<string, CommandHandler> = { insert };
