// The update command: q/u/upsert/multi/arrayFilters statements with n, nModified, upserted and writeErrors.
import type { Document } from 'mongodb';
import { WireError, toWireError } from '../errors.js';
import { applyUpdate, buildUpsert, sameDocument } from '../update.js';
import { isPlainObject } from '../values.js';
import { collectionArg, documentsArg, type CommandContext, type CommandHandler } from './context.js';

interface StatementResult {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}

/** The collection is looked up lazily: like mongod, only an upsert that inserts creates it. */
function runStatement(ctx: CommandContext, name: string, statement: Document): StatementResult {
  const filter = statement.q;
  if (!isPlainObject(filter)) throw new WireError('TypeMismatch', "update statement 'q' must be an object");
  const arrayFilters = Array.isArray(statement.arrayFilters) ? (statement.arrayFilters as Document[]) : undefined;
  const input = { filter, update: statement.u, arrayFilters };
  const collection = ctx.store.collection(ctx.db, name);
  const matches = collection ? collection.matchStored(filter) : [];
  const targets = statement.multi === true ? matches : matches.slice(0, 1);
  if (!collection || targets.length === 0) {
    if (statement.upsert !== true) return { matched: 0, modified: 0 };
    const doc = buildUpsert(input);
    return { matched: 0, modified: 0, upsertedId: ctx.store.ensureCollection(ctx.db, name).collection.insert(doc) };
  }
  // Compute every new version first so a multi-update that fails part-way (e.g. on _id) changes nothing.
  const changes = targets.map((current) => ({ current, next: applyUpdate(current, input) }));
  let modified = 0;
  for (const { current, next } of changes) {
    if (sameDocument(current, next)) continue;
    collection.replace(current, next);
    modified += 1;
  }
  return { matched: targets.length, modified };
}

const update: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'update');
  const statements = documentsArg(body, 'updates');
  const ordered = body.ordered !== false;
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (const [index, statement] of statements.entries()) {
    try {
      const result = runStatement(ctx, name, statement);
      n += result.matched;
      nModified += result.modified;
      if (result.upsertedId !== undefined) {
        n += 1;
        upserted.push({ index, _id: result.upsertedId });
      }
    } catch (err) {
      writeErrors.push(toWireError(err).toWriteError(index));
      if (ordered) break;
    }
  }
  const reply: Document = { n, nModified, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
};

export const updateCommands: Record<string, CommandHandler> = { update };
