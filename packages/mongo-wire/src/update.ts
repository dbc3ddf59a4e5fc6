// Update documents: operator, replacement and pipeline updates via mingo, plus mongod's upsert rules.
import { BSON, type Document } from 'mongodb';
import { updateOne } from 'mingo';
import type { Modifier, PipelineStage } from 'mingo/updater';
import { WireError, toWireError } from './errors.js';
import { MINGO_OPTIONS, assertSafe, upsertSeedFields } from './query.js';
import { cloneDocument, isPlainObject, valueKey, withIdFirst } from './values.js';
import { applySimpleUpdate } from './simple-update.js';

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$bit',
  '$setOnInsert',
]);
const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

type UpdateKind = 'operator' | 'replacement' | 'pipeline';

export interface UpdateInput {
  /** The statement's filter; mingo needs it to resolve the positional `$` operator. */
  filter: Document;
  update: unknown;
  arrayFilters?: Document[];
}

function classify(update: unknown): UpdateKind {
  if (Array.isArray(update)) {
    for (const stage of update) {
      const op = isPlainObject(stage) ? Object.keys(stage) : [];
      if (op.length !== 1 || !PIPELINE_STAGES.has(op[0])) {
        throw new WireError(
          'FailedToParse',
          `Invalid pipeline update stage ${JSON.stringify(op)}: allowed stages are ${[...PIPELINE_STAGES].join(', ')}`,
        );
      }
    }
    return 'pipeline';
  }
  if (!isPlainObject(update)) throw new WireError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(update);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length === 0) return 'replacement';
  if (operators.length !== keys.length) {
    throw new WireError('FailedToParse', 'Update document cannot mix update operators and replacement fields');
  }
  for (const op of operators) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw new WireError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
  }
  return 'operator';
}

/**
 * mingo refuses any update path naming _id, even `$set: {_id: sameValue}` which mongod allows and
 * upsert seeding needs; pointing its idKey elsewhere disables that guard and applyUpdate checks _id itself.
 */
const UPDATE_OPTIONS = { ...MINGO_OPTIONS, idKey: '\u0000gatehouse-unused-id' };

function runMingo(doc: Document, filter: Document, modifier: Modifier<Document> | PipelineStage[], arrayFilters?: Document[]): Document {
  if (!Array.isArray(modifier) && !arrayFilters && applySimpleUpdate(doc, modifier as Document)) return doc;
  const docs = [doc];
  try {
    updateOne(docs, filter, modifier, { arrayFilters, cloneMode: 'deep' }, UPDATE_OPTIONS);
  } catch (err) {
    throw toWireError(err);
  }
  // Pipeline updates replace the array element instead of mutating it.
  return docs[0];
}

function withoutSetOnInsert(update: Document): { modifier: Document; setOnInsert?: Document } {
  const { $setOnInsert, ...modifier } = update;
  return { modifier, setOnInsert: isPlainObject($setOnInsert) ? $setOnInsert : undefined };
}

/** The new version of `stored` after the update; `stored` itself is never mutated. */
export function applyUpdate(stored: Document, input: UpdateInput): Document {
  assertSafe(input.update);
  const kind = classify(input.update);
  if (kind === 'replacement') {
    const replacement = cloneDocument(input.update as Document);
    return '_id' in replacement ? withIdFirst(replacement) : { _id: stored._id, ...replacement };
  }
  const working = cloneDocument(stored);
  let next: Document;
  if (kind === 'pipeline') {
    next = runMingo(working, {}, input.update as PipelineStage[]);
  } else {
    const { modifier } = withoutSetOnInsert(input.update as Document);
    next = Object.keys(modifier).length > 0 ? runMingo(working, input.filter, modifier, input.arrayFilters) : working;
  }
  if (valueKey(next._id) !== valueKey(stored._id) || !('_id' in next)) {
    throw new WireError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return withIdFirst(next);
}

/**
 * The document an upsert inserts: seeded from the filter's equality fields (only _id for a
 * replacement), then the update, then $setOnInsert. _id is generated when nothing supplied one.
 */
export function buildUpsert(input: UpdateInput): Document {
  assertSafe(input.update);
  const kind = classify(input.update);
  const seed = upsertSeedFields(input.filter);
  let doc: Document;
  if (kind === 'replacement') {
    doc = cloneDocument(input.update as Document);
    if (!('_id' in doc) && '_id' in seed) doc = { _id: cloneDocument({ v: seed._id }).v, ...doc };
  } else {
    doc = Object.keys(seed).length > 0 ? runMingo({}, {}, { $set: cloneDocument(seed) }) : {};
    if (kind === 'pipeline') {
      doc = runMingo(doc, {}, input.update as PipelineStage[]);
    } else {
      const { modifier, setOnInsert } = withoutSetOnInsert(input.update as Document);
      if (Object.keys(modifier).length > 0) doc = runMingo(doc, {}, modifier, input.arrayFilters);
      if (setOnInsert && Object.keys(setOnInsert).length > 0) doc = runMingo(doc, {}, { $set: setOnInsert });
    }
    if ('_id' in seed && valueKey(doc._id) !== valueKey(seed._id)) {
      throw new WireError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
  }
  return '_id' in doc ? withIdFirst(doc) : { _id: new BSON.ObjectId(), ...doc };
}

/** True when the update changed nothing, so nModified stays as mongod would report it. */
export function sameDocument(a: Document, b: Document): boolean {
  return valueKey(a) === valueKey(b);
}
