// findAndModify: one atomic find-then-update/remove, returning the old or new document.
import type { Document } from 'mongodb';
import { WireError } from '../errors.js';
import { shapeResults } from '../query.js';
import { applyUpdate, buildUpsert, sameDocument } from '../update.js';
import { cloneDocument } from '../values.js';
import { collectionArg, documentArg, type CommandHandler } from './context.js';

const findAndModify: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, Object.keys(body)[0]);
  const query = documentArg(body, 'query') ?? {};
  const sort = documentArg(body, 'sort');
  const fields = documentArg(body, 'fields');
  const remove = body.remove === true;
  const update: unknown = body.update;
  if (remove && update !== undefined) throw new WireError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && update === undefined) throw new WireError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && (body.upsert === true || body.new === true)) {
    throw new WireError('FailedToParse', 'Cannot specify both upsert=true and remove=true, or new=true and remove=true');
  }

  const present = (doc: Document | undefined): Document | null =>
    doc ? cloneDocument(shapeResults([doc], { projection: fields })[0]) : null;

  const collection = ctx.store.collection(ctx.db, name);
  const matches = collection ? collection.matchStored(query) : [];
  const target = sort ? shapeResults(matches, { sort, limit: 1 })[0] : matches[0];

  if (remove) {
    if (collection && target) collection.remove(target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: present(target), ok: 1 };
  }
  const input = { filter: query, update, arrayFilters: Array.isArray(body.arrayFilters) ? (body.arrayFilters as Document[]) : undefined };
  if (collection && target) {
    const next = applyUpdate(target, input);
    if (!sameDocument(target, next)) collection.replace(target, next);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: present(body.new === true ? next : target), ok: 1 };
  }
  if (body.upsert === true) {
    const doc = buildUpsert(input);
    // Like mongod, only an upsert that inserts creates the collection.
    const upserted = ctx.store.ensureCollection(ctx.db, name).collection.insert(doc);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted }, value: body.new === true ? present(doc) : null, ok: 1 };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
};

export const findAndModifyCommands: Record<string, CommandHandler> = { findAndModify, findandmodify: findAndModify };
