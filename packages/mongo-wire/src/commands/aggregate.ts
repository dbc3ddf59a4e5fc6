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
  const input = collectionDocs(ctx, name, leadingMatch ?? {});
  const stages = leadingMatch ? rest : pipeline;
  let results: Document[];
  try {
    results =
      stages.length === 0
        ? input
        : (new Aggregator(stages, {
            ...MINGO_OPTIONS,
            collectionResolver: (other: string) => collectionDocs(ctx, other),
          }).run(input) as Document[]);
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
