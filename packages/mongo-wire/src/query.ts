// Query evaluation on top of mingo: script-operator refusal, filter compilation, sort/skip/limit/projection, upsert seeds.
import type { Document } from 'mongodb';
import { Query } from 'mingo';
import type { Options } from 'mingo/types';
import { WireError, toWireError } from './errors.js';
import { directMatcher, type Matcher } from './direct-filter.js';
import { isPlainObject } from './values.js';

/** mingo enables server-side JavaScript by default; this server never runs client-supplied code. */
export const MINGO_OPTIONS: Partial<Options> = { scriptEnabled: false };

const SCRIPT_OPERATORS = new Set(['$where', '$function', '$accumulator']);

/**
 * Walks a client-supplied filter, update or pipeline and refuses server-side JavaScript and
 * prototype-polluting field names before anything is evaluated.
 */
export function assertSafe(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) assertSafe(item);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (SCRIPT_OPERATORS.has(key)) {
      throw new WireError('BadValue', `${key} is not allowed: the gatehouse wire server does not execute server-side JavaScript`);
    }
    if (isPrototypePath(key)) {
      throw new WireError('BadValue', `field name '${key}' is not allowed`);
    }
    assertSafe(value[key]);
  }
}

const PROTOTYPE_PARTS = new Set(['__proto__', 'prototype', 'constructor']);

/** A field path with a part that reaches an object's prototype; split only when one of those words appears at all. */
function isPrototypePath(key: string): boolean {
  if (!key.includes('proto') && !key.includes('constructor')) return false;
  return key.split('.').some((part) => PROTOTYPE_PARTS.has(part));
}

export type { Matcher };

export function compileFilter(filter: unknown): Matcher {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) throw new WireError('TypeMismatch', 'filter must be an object');
  assertSafe(filter);
  if (Object.keys(filter).length === 0) return () => true;
  const simple = directMatcher(filter);
  if (simple) return simple;
  try {
    const query = new Query(filter, MINGO_OPTIONS);
    return (doc) => query.test(doc);
  } catch (err) {
    throw toWireError(err);
  }
}

/**
 * When the filter pins _id to concrete values ({_id: v} or {_id: {$in: [...]}}) returns those
 * values, so the collection can look documents up by key instead of scanning.
 */
export function idCandidates(filter: unknown): unknown[] | undefined {
  if (!isPlainObject(filter) || !('_id' in filter)) return undefined;
  const id: unknown = filter._id;
  if (id instanceof RegExp) return undefined;
  if (!isPlainObject(id)) return [id];
  const keys = Object.keys(id);
  if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) return [id];
  if (keys.length === 1 && keys[0] === '$eq' && !(id.$eq instanceof RegExp)) return [id.$eq];
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray(id.$in) && !id.$in.some((v) => v instanceof RegExp || isPlainObject(v))) {
    return id.$in as unknown[];
  }
  return undefined;
}

export interface FindShape {
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/** Applies sort, skip, limit then projection to already-matched documents, as mongod orders them. */
export function shapeResults(docs: Document[], shape: FindShape): Document[] {
  const sort = normalizeSort(shape.sort);
  let ordered = docs;
  if (sort.natural === -1) ordered = [...docs].reverse();
  const projection = shape.projection && Object.keys(shape.projection).length > 0 ? shape.projection : undefined;
  if (projection) assertSafe(projection);
  const hasSort = Object.keys(sort.spec).length > 0;
  const skip = shape.skip && shape.skip > 0 ? shape.skip : 0;
  const limit = shape.limit && shape.limit > 0 ? shape.limit : 0;
  if (!hasSort && !projection) {
    return ordered.slice(skip, limit ? skip + limit : undefined);
  }
  try {
    let cursor = new Query<Document>({}, MINGO_OPTIONS).find<Document>(ordered, projection);
    if (hasSort) cursor = cursor.sort(sort.spec);
    if (skip) cursor = cursor.skip(skip);
    if (limit) cursor = cursor.limit(limit);
    return cursor.all();
  } catch (err) {
    throw toWireError(err);
  }
}

function normalizeSort(sort: unknown): { spec: Record<string, 1 | -1>; natural?: 1 | -1 } {
  const spec: Record<string, 1 | -1> = {};
  let natural: 1 | -1 | undefined;
  if (!isPlainObject(sort)) return { spec };
  for (const [field, dir] of Object.entries(sort)) {
    const direction = typeof dir === 'number' ? dir : Number(dir);
    if (direction !== 1 && direction !== -1) {
      throw new WireError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    if (field === '$natural') natural = direction;
    else spec[field] = direction;
  }
  return { spec, natural };
}

/**
 * The fields an upsert copies from its filter: top-level equalities (and $eq, and those inside
 * $and), as mongod seeds a new document before applying the update.
 */
export function upsertSeedFields(filter: unknown, out: Document = {}): Document {
  if (!isPlainObject(filter)) return out;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) upsertSeedFields(clause, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (value instanceof RegExp) continue;
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (keys.length > 0 && keys.every((k) => k.startsWith('$'))) {
        if ('$eq' in value) out[key] = value.$eq;
        continue;
      }
    }
    out[key] = value;
  }
  return out;
}
