// Filters answered without mingo: field equality, null, date ranges, and $and/$or of those; anything else goes to mingo.
import type { Document } from 'mongodb';
import { isPlainObject, pathValues, valueKey } from './values.js';

export type Matcher = (doc: Document) => boolean;

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

/**
 * Building a mingo Query copies mingo's whole operator table, which dominated the cost of the hot lookups:
 * `{_id: x}`, `{'payload.grantId': x}`, and the login throttle's `{key, $or: [{expire: {$gt: now}}, {expire: {$eq: null}}]}`.
 * Returns undefined for any filter outside the shapes matched here, with mongod's rules: an array field matches when any
 * element does, null matches a missing field, and a date compares with dates only.
 */
export function directMatcher(filter: Document): Matcher | undefined {
  const tests: Matcher[] = [];
  for (const key of Object.keys(filter)) {
    const value: unknown = filter[key];
    const test = key === '$or' || key === '$and' ? logicalTest(key, value) : key.startsWith('$') ? undefined : fieldTest(key, value);
    if (!test) return undefined;
    tests.push(test);
  }
  if (tests.length === 1) return tests[0];
  return (doc) => tests.every((test) => test(doc));
}

function logicalTest(operator: '$or' | '$and', clauses: unknown): Matcher | undefined {
  // An empty or malformed list is an error in mongod: mingo reports it.
  if (!Array.isArray(clauses) || clauses.length === 0) return undefined;
  const tests: Matcher[] = [];
  for (const clause of clauses) {
    if (!isPlainObject(clause)) return undefined;
    const test = Object.keys(clause).length === 0 ? () => true : directMatcher(clause);
    if (!test) return undefined;
    tests.push(test);
  }
  return operator === '$or' ? (doc) => tests.some((test) => test(doc)) : (doc) => tests.every((test) => test(doc));
}

function fieldTest(path: string, condition: unknown): Matcher | undefined {
  if (condition === null) return nullTest(path);
  if (isScalar(condition)) return equalityTest(path, condition);
  if (!isPlainObject(condition)) return undefined;
  const operators = Object.keys(condition);
  if (operators.length === 0 || !operators.every((operator) => operator.startsWith('$'))) return undefined;
  const tests: Matcher[] = [];
  for (const operator of operators) {
    const operand: unknown = condition[operator];
    let test: Matcher | undefined;
    if (operator === '$eq') test = operand === null ? nullTest(path) : isScalar(operand) ? equalityTest(path, operand) : undefined;
    else if (RANGE_OPERATORS.has(operator) && operand instanceof Date && !Number.isNaN(operand.getTime()))
      test = dateRangeTest(path, operator, operand.getTime());
    if (!test) return undefined;
    tests.push(test);
  }
  if (tests.length === 1) return tests[0];
  // Without $elemMatch, each condition may be met by a different element of an array: mongod's rule too.
  return (doc) => tests.every((test) => test(doc));
}

/** Whether a value at the path, or an element of an array there, passes `test`: mongod's rule for plain conditions. */
function anyValue(doc: Document, path: string, test: (value: unknown) => boolean): boolean {
  return pathValues(doc, path).some((value) => test(value) || (Array.isArray(value) && value.some(test)));
}

/** Field = value, where an array field matches when it holds the value. */
function equalityTest(path: string, value: unknown): Matcher {
  const expected = valueKey(value);
  const equal = (candidate: unknown) => valueKey(candidate) === expected;
  return (doc) => anyValue(doc, path, equal);
}

/** Field is null or missing (or an array holding null); dotted paths through arrays have subtler rules: mingo's. */
function nullTest(path: string): Matcher | undefined {
  if (path.includes('.')) return undefined;
  return (doc) => {
    const value: unknown = Object.hasOwn(doc, path) ? doc[path] : undefined;
    return value === null || value === undefined || (Array.isArray(value) && value.includes(null));
  };
}

function dateRangeTest(path: string, operator: string, bound: number): Matcher {
  const holds = (time: number) =>
    operator === '$gt' ? time > bound : operator === '$gte' ? time >= bound : operator === '$lt' ? time < bound : time <= bound;
  const matches = (value: unknown) => value instanceof Date && holds(value.getTime());
  return (doc) => anyValue(doc, path, matches);
}

/** Values whose equality is exactly canonical-key equality; null, regexes, arrays and documents go to mingo. */
function isScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return !Number.isNaN(value);
    case 'object':
      return value instanceof Date || (value !== null && (value as { _bsontype?: string })._bsontype === 'ObjectId');
    default:
      return false;
  }
}
