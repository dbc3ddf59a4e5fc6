// BSON value helpers: deep clone, canonical keys for equality lookups, dotted-path reads, mongod-style printing.
import { BSON, type Document } from 'mongodb';

type BsonTagged = { _bsontype?: string };

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function bsonType(value: object): string | undefined {
  return (value as BsonTagged)._bsontype;
}

/**
 * Copies a value so the store never shares a mutable object with a caller. BSON value classes other
 * than Binary (ObjectId, Long, Decimal128, Timestamp...) are immutable, so they are shared.
 */
export function cloneValue<T>(value: T): T {
  return cloneUnknown(value) as T;
}

function cloneUnknown(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneUnknown);
  if (value instanceof Date) return new Date(value.getTime());
  if (isPlainObject(value)) return cloneDocument(value);
  if (value instanceof BSON.Binary) return new BSON.Binary(Uint8Array.from(value.value()), value.sub_type);
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  return value;
}

export function cloneDocument(doc: Document): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    // Assigning "__proto__" would change the prototype instead of creating a field.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: cloneValue(doc[key]), enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = cloneValue(doc[key]);
    }
  }
  return out;
}

/**
 * A string equal for values mongod treats as equal (1, 1.0 and Long(1) collide; field order matters
 * in embedded documents). Used for the _id map and unique index entries.
 */
export function valueKey(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'n:0' : `n:${value}`;
    case 'bigint':
      return `n:${value.toString()}`;
    case 'string':
      return `s:${JSON.stringify(value)}`;
    case 'boolean':
      return `b:${value}`;
    case 'object':
      break;
    default:
      return `?:${String(value)}`;
  }
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${valueKey(value[k])}`)
      .join(',')}}`;
  }
  switch (bsonType(value)) {
    case 'ObjectId':
      return `o:${(value as BSON.ObjectId).toHexString()}`;
    case 'Long': {
      const long = value as BSON.Long;
      const n = long.toNumber();
      return Number.isSafeInteger(n) ? `n:${n}` : `n:${long.toString()}`;
    }
    case 'Int32':
    case 'Double':
      return `n:${(value as BSON.Int32 | BSON.Double).valueOf()}`;
    case 'Decimal128':
      return `n:${Number((value as BSON.Decimal128).toString())}`;
    case 'Binary':
      return `x:${(value as BSON.Binary).sub_type}:${(value as BSON.Binary).toString('base64')}`;
    case 'MinKey':
      return 'min';
    case 'MaxKey':
      return 'max';
    default:
      return `${bsonType(value) ?? 'object'}:${JSON.stringify(value)}`;
  }
}

/**
 * Every value reachable at a dotted path, descending through arrays the way mongod's index keys do.
 * A missing path yields no values.
 */
export function pathValues(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (value !== undefined) out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(parts[i]) ? Number(parts[i]) : -1;
    if (index >= 0 && index < value.length) collect(value[index], parts, i + 1, out);
    else for (const item of value) collect(item, parts, i, out);
    return;
  }
  if (isPlainObject(value) && Object.hasOwn(value, parts[i])) {
    collect(value[parts[i]], parts, i + 1, out);
  }
}

/** Prints a value the way mongod's E11000 messages do, e.g. `{ _id: ObjectId('...') }`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${k}: ${formatValue(value[k])}`).join(', ')} }`;
  }
  if (bsonType(value) === 'ObjectId') return `ObjectId('${(value as BSON.ObjectId).toHexString()}')`;
  return String(value);
}

/** Returns a copy of doc with _id as its first field, as mongod stores it. */
export function withIdFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id' || !('_id' in doc)) return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
