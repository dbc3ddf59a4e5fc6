// aggregate (mingo Aggregator, $lookup within the same database), count and distinct.
import type { Document } from 'mongodb';
import { Aggregator } from 'mingo';
import { WireError, toWireError } from '../errors.js';
import { MINGO_OPTIONS, assertSafe, shapeResults } from '../query.js';
import { isPlainObject, valueKey, pathValues } from '../values.js';
import { collectionArg, documentArg, numberArg, type CommandContext, type CommandHandler } from './context.js';

/** Stages that write or depend on server internals; refusing is better than a silent partial answer. */
const REFUSED_STAGES = new Set(['$out', '$merge', '$currentOp', '$listSessions', '$collStats', '$indexStats', '$changeStream', '$search']);

function collectionDocs(ctx: CommandContext, name: string, filter: unknown = {}): Document[] {
  return ctx.store.collection(ctx.db, name)?.find(filter) ?? [];
}

type DirectStage = (ctx: CommandContext, docs: Document[]) => Document[];

/**
 * Stages with one plain meaning, answered without mingo: it builds an aggregator per command (tens of microseconds
 * even for $limit) and resolves a $lookup by copying the whole foreign collection. Anything else returns undefined.
 */
function directStage(stage: Document | undefined): DirectStage | undefined {
  if (!stage || Object.keys(stage).length !== 1) return undefined;
  if (Number.isSafeInteger(stage.$limit) && stage.$limit > 0) return (_ctx, docs) => docs.slice(0, stage.$limit);
  const spec = equalityLookupSpec(stage.$lookup);
  return spec && ((ctx, docs) => docs.map((doc) => ({ ...doc, [spec.as]: equalityLookup(ctx, doc, spec) })));
}

interface LookupSpec {
  from: string;
  localField: string;
  foreignField: string;
  as: string;
  /** Top-level fields kept from each foreign document (a `pipeline: [{$project: {a: 1}}]`); all when undefined. */
  keep?: string[];
  keepId: boolean;
}

/** $lookup's equality form, optionally with a sub-pipeline of one top-level inclusion $project (MongoDB 5.0+). */
function equalityLookupSpec(lookup: unknown): LookupSpec | undefined {
  if (!isPlainObject(lookup)) return undefined;
  const { from, localField, foreignField, as, pipeline, ...other } = lookup;
  if (Object.keys(other).length > 0) return undefined;
  if (![from, localField, foreignField, as].every((value) => typeof value === 'string' && value.length > 0)) return undefined;
  if ((as as string).includes('.') || (as as string).startsWith('$')) return undefined;
  const spec = { from, localField, foreignField, as } as LookupSpec;
  if (pipeline === undefined) return { ...spec, keepId: true };
  const project: unknown =
    Array.isArray(pipeline) && pipeline.length === 1 && isPlainObject(pipeline[0]) ? pipeline[0].$project : undefined;
  if (!isPlainObject(project) || Object.keys(pipeline[0] as Document).length !== 1) return undefined;
  const entries = Object.entries(project);
  const plain = (field: string) => field.length > 0 && !field.includes('.') && !field.startsWith('$');
  const included = (value: unknown) => value === 1 || value === true;
  const excluded = (value: unknown) => value === 0 || value === false;
  if (!entries.every(([field, value]) => plain(field) && (included(value) || (field === '_id' && excluded(value))))) return undefined;
  const keep = entries.filter(([field, value]) => field !== '_id' && included(value)).map(([field]) => field);
  if (keep.length === 0) return undefined;
  return { ...spec, keep, keepId: !entries.some(([field, value]) => field === '_id' && excluded(value)) };
}

/**
 * $lookup's equality form as mongod evaluates it: the local value (each element of an array; null when missing)
 * matches foreign documents whose field equals it or, for an array field, holds it, as `$in` does. Asked of the
 * foreign collection, so a lookup by _id takes its fast path and copies only the matches; a single string key is
 * asked as plain equality, which needs no query compilation.
 */
function equalityLookup(ctx: CommandContext, doc: Document, spec: LookupSpec): Document[] {
  const values = pathValues(doc, spec.localField).flatMap((value) => (Array.isArray(value) ? value : [value]));
  const filter =
    values.length === 1 && typeof values[0] === 'string'
      ? { [spec.foreignField]: values[0] }
      : { [spec.foreignField]: { $in: values.length > 0 ? values : [null] } };
  const found = collectionDocs(ctx, spec.from, filter);
  const keep = spec.keep;
  if (!keep) return found;
  // An inclusion projection of top-level fields: _id first unless excluded, then the kept fields in stored order.
  return found.map((foreign) =>
    Object.fromEntries(Object.entries(foreign).filter(([field]) => (field === '_id' ? spec.keepId : keep.includes(field)))),
  );
}

const aggregate: CommandHandler = (body, ctx) => {
  if (typeof body.aggregate !== 'string') {
    throw new WireError('CommandNotSupported', 'database-level aggregation (aggregate: 1) is not supported by the gatehouse wire server');
  }
  const name = collectionArg(body, 'aggregate');
  if (!Array.isArray(body.pipeline) || !body.pipeline.every(isPlainObject)) {
    throw new WireError('TypeMismatch', "'pipeline' must be an array of objects");
  }
  if (body.explain) throw new WireError('CommandNotSupported', 'explain is not supported by the gatehouse wire server');
  const cursorOptions = documentArg(body, 'cursor');
  if (!cursorOptions)
    throw new WireError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const pipeline = body.pipeline as Document[];
  assertSafe(pipeline);
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0];
    if (REFUSED_STAGES.has(op)) throw new WireError('CommandNotSupported', `${op} is not supported by the gatehouse wire server`);
  }
  // A leading $match runs through the collection (and its _id fast path) so only matches are copied.
  const [first, ...rest] = pipeline;
  const leadingMatch = first && isPlainObject(first.$match) ? first.$match : undefined;
  let results = collectionDocs(ctx, name, leadingMatch ?? {});
  let stages = leadingMatch ? rest : pipeline;
  // Then the stages answered directly (an equality $lookup, $limit), until the first that needs mingo.
  for (let direct = directStage(stages[0]); direct; direct = directStage(stages[0])) {
    results = direct(ctx, results);
    stages = stages.slice(1);
  }
  try {
    if (stages.length > 0)
      results = new Aggregator(stages, {
        ...MINGO_OPTIONS,
        collectionResolver: (other: string) => collectionDocs(ctx, other),
      }).run(results) as Document[];
  } catch (err) {
    throw toWireError(err);
  }
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, results, cursorOptions.batchSize);
};

const count: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'count');
  const collection = ctx.store.collection(ctx.db, name);
  const matched = collection ? collection.matchStored(documentArg(body, 'query') ?? {}) : [];
  const skip = numberArg(body, 'skip') ?? 0;
  const limit = Math.abs(numberArg(body, 'limit') ?? 0);
  return { n: shapeResults(matched, { skip, limit }).length, ok: 1 };
};

const distinct: CommandHandler = (body, ctx) => {
  const name = collectionArg(body, 'distinct');
  if (typeof body.key !== 'string') throw new WireError('TypeMismatch', "'key' must be a string");
  const key = body.key;
  const collection = ctx.store.collection(ctx.db, name);
  const seen = new Map<string, unknown>();
  for (const doc of collection?.find(documentArg(body, 'query') ?? {}) ?? []) {
    for (const value of pathValues(doc, key).flatMap((v) => (Array.isArray(v) ? v : [v]))) {
      const k = valueKey(value);
      if (!seen.has(k)) seen.set(k, value);
    }
  }
  return { values: [...seen.values()], ok: 1 };
};

export const aggregateCommands: Record<string, CommandHandler> = { aggregate, count, distinct };
