// Index specifications: validation, mongod default names, option comparison and index-key extraction.
import type { Document } from 'mongodb';
import { WireError } from './errors.js';
import { compileFilter, type Matcher } from './query.js';
import { isPlainObject, pathValues, valueKey } from './values.js';

export interface IndexSpec {
  v: number;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
  /** Options we accept and report back but do not act on (collation, weights, ...). */
  [option: string]: unknown;
}

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Options that decide whether two specs describe the same index; "background" and "v" do not. */
/** The largest expireAfterSeconds mongod accepts (INT32_MAX). */
const MAX_TTL_SECONDS = 2_147_483_647;

const COMPARED_OPTIONS = ['unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression', 'collation'] as const;
const IGNORED_OPTIONS = new Set(['v', 'key', 'name', 'background', 'ns']);

export function defaultIndexName(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}

export function normalizeIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw new WireError('TypeMismatch', 'index specification must be an object');
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw new WireError('BadValue', "Index specification must have a non-empty 'key' object");
  }
  for (const [field, dir] of Object.entries(key)) {
    if (field === '' || (typeof dir !== 'number' && typeof dir !== 'string')) {
      throw new WireError('BadValue', `bad index key pattern ${JSON.stringify(key)}`);
    }
  }
  const name = raw.name === undefined ? defaultIndexName(key) : raw.name;
  if (typeof name !== 'string' || name === '') throw new WireError('BadValue', "index 'name' must be a non-empty string");
  const spec: IndexSpec = { v: 2, key: key as Record<string, number | string>, name };
  for (const [option, value] of Object.entries(raw)) {
    if (IGNORED_OPTIONS.has(option)) continue;
    // mongod only records unique/sparse when true, so {unique:false} equals no option at all.
    if ((option === 'unique' || option === 'sparse') && !value) continue;
    spec[option] = value;
  }
  if (spec.unique !== undefined) spec.unique = true;
  if (spec.sparse !== undefined) spec.sparse = true;
  if (spec.expireAfterSeconds !== undefined) {
    const secs = spec.expireAfterSeconds;
    if (typeof secs !== 'number' || !Number.isFinite(secs) || secs < 0) {
      throw new WireError('InvalidOptions', "TTL index 'expireAfterSeconds' option must be a non-negative number");
    }
    // mongod keeps the value as a 32-bit int and refuses more, and TTL applies to single-field indexes only.
    if (secs > MAX_TTL_SECONDS)
      throw new WireError(
        'CannotCreateIndex',
        `TTL index 'expireAfterSeconds' option must be within an acceptable range, try a value less than ${MAX_TTL_SECONDS}`,
      );
    if (Object.keys(key).length > 1)
      throw new WireError('CannotCreateIndex', 'TTL indexes are single-field indexes, compound indexes do not support TTL');
  }
  if (spec.partialFilterExpression !== undefined && !isPlainObject(spec.partialFilterExpression)) {
    throw new WireError('TypeMismatch', 'partialFilterExpression must be an object');
  }
  return spec;
}

export function sameKey(a: IndexSpec, b: IndexSpec): boolean {
  return valueKey(a.key) === valueKey(b.key);
}

export function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return COMPARED_OPTIONS.every((option) => valueKey(a[option]) === valueKey(b[option]));
}

/** Computes the unique-index entries one document contributes, honouring sparse and partial filters. */
export class IndexKeyer {
  private readonly fields: string[];
  private readonly partial?: Matcher;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
  }

  /** Distinct entry strings for doc; empty when the document is not indexed at all. */
  keys(doc: Document): string[] {
    if (this.partial && !this.partial(doc)) return [];
    let anyPresent = false;
    let arrayField: string | undefined;
    const perField = this.fields.map((field) => {
      const raw = pathValues(doc, field);
      if (raw.length > 0) anyPresent = true;
      // A missing field is indexed as null, which is why two documents without it collide.
      if (raw.length === 0) return ['null'];
      const expanded = raw.flatMap((v) => (Array.isArray(v) ? (v.length > 0 ? v : [undefined]) : [v]));
      if (expanded.length > 1 || raw.some(Array.isArray)) {
        if (arrayField !== undefined) {
          throw new WireError('CannotIndexParallelArrays', `cannot index parallel arrays [${field}] [${arrayField}]`);
        }
        arrayField = field;
      }
      return expanded.map((v) => (v === undefined ? 'undefined' : valueKey(v)));
    });
    if (this.spec.sparse && !anyPresent) return [];
    let combos: string[][] = [[]];
    for (const options of perField) combos = combos.flatMap((prefix) => options.map((o) => [...prefix, o]));
    return [...new Set(combos.map((parts) => JSON.stringify(parts)))];
  }

  /** The {field: value} pair mongod reports in keyValue for a duplicate. */
  keyValue(doc: Document): Document {
    const out: Document = {};
    for (const field of this.fields) {
      const values = pathValues(doc, field);
      out[field] = values.length === 0 ? null : values[0];
    }
    return out;
  }
}
