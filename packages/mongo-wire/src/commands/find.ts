// Cursor commands: find, getMore, killCursors.
import { WireError } from '../errors.js';
import { collectionArg, documentArg, numberArg, type CommandHandler } from './context.js';

const find: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'find');
  if (body.tailable) throw new WireError('BadValue', 'tailable cursors are not supported by the gatehouse wire server');
  const rawLimit = numberArg(body, 'limit') ?? 0;
  const skip = numberArg(body, 'skip') ?? 0;
  if (skip < 0) throw new WireError('BadValue', 'Skip value must be non-negative');
  // A negative limit is the legacy spelling of "limit and close the cursor".
  const singleBatch = body.singleBatch === true || rawLimit < 0;
  const limit = Math.abs(rawLimit);
  const filter = documentArg(body, 'filter') ?? {};
  const collection = ctx.store.collection(ctx.db, name);
  const docs = collection
    ? collection.find(filter, { sort: documentArg(body, 'sort'), projection: documentArg(body, 'projection'), skip, limit })
    : [];
  const batchSize = numberArg(body, 'batchSize');
  if (batchSize !== undefined && batchSize < 0) throw new WireError('BadValue', 'BatchSize value must be non-negative');
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, docs, batchSize, singleBatch);
};

const getMore: CommandHandler = (body, ctx) => ctx.cursors.getMore(body.getMore, body.collection, ctx.db, numberArg(body, 'batchSize'));

const killCursors: CommandHandler = (body, ctx) => {
  collectionArg(body, 'killCursors');
  const ids = Array.isArray(body.cursors) ? (body.cursors as unknown[]) : [];
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

export const findCommands: Record<string, CommandHandler> = { find, getMore, killCursors };
