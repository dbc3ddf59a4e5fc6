// The delete command: deletes[] statements with q and limit 0 (all) or 1 (first match).
import type { Document } from 'mongodb';
import { WireError, toWireError } from '../errors.js';
import { isPlainObject } from '../values.js';
import { collectionArg, documentsArg, type CommandHandler } from './context.js';

const deleteCommand: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'delete');
  const statements = documentsArg(body, 'deletes');
  const ordered = body.ordered !== false;
  const collection = ctx.store.collection(ctx.db, name);
  const writeErrors: Document[] = [];
  let n = 0;
  for (const [index, statement] of statements.entries()) {
    try {
      if (!isPlainObject(statement.q)) throw new WireError('TypeMismatch', "delete statement 'q' must be an object");
      if (statement.limit !== 0 && statement.limit !== 1)
        throw new WireError('BadValue', 'The limit field in delete objects must be 0 or 1');
      if (!collection) continue;
      const matches = collection.matchStored(statement.q);
      for (const doc of statement.limit === 1 ? matches.slice(0, 1) : matches) {
        if (collection.remove(doc)) n += 1;
      }
    } catch (err) {
      writeErrors.push(toWireError(err).toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

export const deleteCommands: Record<string, CommandHandler> = { delete: deleteCommand };
