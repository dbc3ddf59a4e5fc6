// aggregate (mingo Aggregator, $lookup within the same database), count and distinct.
import type { Document } from 'mongodb';
import { Aggregator } from 'mingo';
import { WireError, toWireError } from '../errors.js';
import { MINGO_OPTIONS, assertSafe, shapeResults } from '../query.js';
import { cloneDocument, cloneValue, isPlainObject, valueKey, pathValues } from '../values.js';
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
  if (!stage || !hasOneKey(stage)) return undefined;
  if (Number.isSafeInteger(stage.$limit) && stage.$limit > 0) return (_ctx, docs) => docs.slice(0, stage.$limit);
  const spec = equalityLookupSpec(stage.$lookup);
  if (!spec) return undefined;
  return (ctx, docs) => {
    // The documents are this command's own copies (of a leading $match or an earlier stage), so they are filled in place.
    for (const doc of docs) doc[spec.as] = equalityLookup(ctx, doc, spec);
    return docs;
  };
}

function hasOneKey(value: Document): boolean {
  let n = 0;
  for (const key in value) if (Object.hasOwn(value, key) && ++n > 1) return false;
  return n === 1;
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

const LOOKUP_FIELDS = new Set(['from', 'localField', 'foreignField', 'as', 'pipeline']);
const plainField = (field: string) => field.length > 0 && field !== '__proto__' && !field.includes('.') && !field.startsWith('$');
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * $lookup's equality form, optionally with a sub-pipeline of one top-level inclusion $project (MongoDB 5.0+). Read
 * with plain loops: it runs on every joined read, and object spreads and entry arrays cost more than the lookup.
 */
function equalityLookupSpec(lookup: unknown): LookupSpec | undefined {
  if (!isPlainObject(lookup)) return undefined;
  for (const key of Object.keys(lookup)) if (!LOOKUP_FIELDS.has(key)) return undefined;
  const { from, localField, foreignField, as, pipeline } = lookup;
  if (!nonEmptyString(from) || !nonEmptyString(localField) || !nonEmptyString(foreignField) || !nonEmptyString(as)) return undefined;
  // Also keeps `as` from being "__proto__", which the in-place fill would turn into a prototype change.
  if (!plainField(as)) return undefined;
  if (pipeline === undefined) return { from, localField, foreignField, as, keepId: true };
  if (!Array.isArray(pipeline) || pipeline.length !== 1 || !isPlainObject(pipeline[0]) || !hasOneKey(pipeline[0])) return undefined;
  const project: unknown = pipeline[0].$project;
  if (!isPlainObject(project)) return undefined;
  const keep: string[] = [];
  let keepId = true;
  for (const field of Object.keys(project)) {
    const value: unknown = project[field];
    if (!plainField(field)) return undefined;
    if (value === 1 || value === true) {
      if (field !== '_id') keep.push(field);
    } else if (field === '_id' && (value === 0 || value === false)) keepId = false;
    else return undefined;
  }
  if (keep.length === 0) return undefined;
  return { from, localField, foreignField, as, keep, keepId };
}

/**
 * $lookup's equality form as mongod evaluates it: the local value (each element of an array; null when missing)
 * matches foreign documents whose field equals it or, for an array field, holds it, as `$in` does. A single string
 * looked up by _id is taken straight from the foreign collection's key map (the joined reads of a token's grant and
 * account); anything else is asked of the collection as a filter. Only the kept fields are copied.
 */
function equalityLookup(ctx: CommandContext, doc: Document, spec: LookupSpec): Document[] {
  const values = pathValues(doc, spec.localField).flatMap((value) => (Array.isArray(value) ? value : [value]));
  const foreign = ctx.store.collection(ctx.db, spec.from);
  if (!foreign) return [];
  const single = values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
  if (single !== undefined && spec.foreignField === '_id') {
    const stored = foreign.storedById(single);
    return stored ? [copyKept(stored, spec)] : [];
  }
  const filter =
    single !== undefined ? { [spec.foreignField]: single } : { [spec.foreignField]: { $in: values.length > 0 ? values : [null] } };
  return foreign.matchStored(filter).map((stored) => copyKept(stored, spec));
}

/** A copy of a stored foreign document, or of its kept fields: _id first unless excluded, then the rest in stored order. */
function copyKept(stored: Document, spec: LookupSpec): Document {
  const keep = spec.keep;
  if (!keep) return cloneDocument(stored);
  const out: Document = {};
  for (const field of Object.keys(stored)) {
    if (field === '_id' ? spec.keepId : keep.includes(field)) out[field] = cloneValue(stored[field]);
  }
  return out;
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
