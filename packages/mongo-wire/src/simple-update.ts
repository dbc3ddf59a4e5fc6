// A fast path for the updates nearly every write sends ($set and $unset of plain field paths): mingo copies its
// whole operator table on every update, which dominated the wire server's cost per write.
import type { Document } from 'mongodb';
import { WireError } from './errors.js';
import { cloneDocument, isPlainObject } from './values.js';

/** Numbers the driver leaves wrapped (a Long past 2^53, a Decimal128): $inc of those is mingo's arithmetic. */
const NUMERIC_BSON_TYPES = new Set(['Long', 'Decimal128', 'Double', 'Int32']);

const PLAIN_SEGMENT = /^(?!\d+$)[^$.]+$/;

function plainPath(path: string): string[] | undefined {
  const segments = path.split('.');
  return segments.every((segment) => PLAIN_SEGMENT.test(segment)) ? segments : undefined;
}

/** mongod refuses an update where one path is another or lies inside it. */
function assertNoConflict(paths: string[]): void {
  const sorted = [...paths].sort();
  sorted.forEach((path, index) => {
    const previous = sorted[index - 1];
    if (previous !== undefined && (path === previous || path.startsWith(`${previous}.`)))
      throw new WireError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${previous}'`);
  });
}

type Change = { kind: '$set' | '$unset' | '$inc'; segments: string[]; value?: unknown };

/** The operator's fields as changes, or undefined when a field is not a plain path or the operand is not a document. */
function changesOf(kind: Change['kind'], operand: unknown): Change[] | undefined {
  if (operand === undefined) return [];
  if (!isPlainObject(operand)) return undefined;
  const changes: Change[] = [];
  for (const [path, value] of Object.entries(operand)) {
    const segments = plainPath(path);
    // $inc by anything but a JS number (a Long, a Decimal128, a string to refuse) is mingo's to apply or refuse.
    if (!segments || (kind === '$inc' && typeof value !== 'number')) return undefined;
    changes.push({ kind, segments, value });
  }
  return changes;
}

/**
 * Applies `{$set, $unset, $inc}` to `doc` in place and returns true, or returns false (leaving `doc` untouched) when
 * the update needs mingo: other operators, positional or numeric path segments, a path through an array, an $inc of a
 * field that is not a number. Throws, as mongod does, for conflicting paths and for a $set through a value that is not
 * a document; `doc` is then untouched.
 */
export function applySimpleUpdate(doc: Document, modifier: Document): boolean {
  const changes: Change[] = [];
  for (const operator of Object.keys(modifier)) {
    if (operator !== '$set' && operator !== '$unset' && operator !== '$inc') return false;
    const found = changesOf(operator, modifier[operator]);
    if (!found) return false;
    changes.push(...found);
  }
  assertNoConflict(changes.map((change) => change.segments.join('.')));
  // Check every path first, so a refusal leaves the document as it was.
  for (const { kind, segments } of changes) {
    let node: unknown = doc;
    for (let depth = 0; depth < segments.length - 1; depth++) {
      node = (node as Document)[segments[depth]!];
      if (node === undefined) break;
      if (Array.isArray(node)) return false;
      if (!isPlainObject(node)) {
        if (kind === '$unset') break; // $unset through a non-document removes nothing, as in mongod.
        throw new WireError(
          'PathNotViable',
          `Cannot create field '${segments[depth + 1]}' in element {${segments[depth]}: ${JSON.stringify(node)}}`,
        );
      }
    }
    if (kind === '$inc' && isPlainObject(node)) {
      const current: unknown = node[segments.at(-1)!];
      if (current === undefined || typeof current === 'number') continue;
      if (!NUMERIC_BSON_TYPES.has((current as { _bsontype?: string } | null)?._bsontype ?? '')) {
        throw new WireError(
          'TypeMismatch',
          `Cannot apply $inc to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${segments.at(-1)}' of non-numeric type`,
        );
      }
      return false;
    }
  }
  for (const { kind, segments, value } of changes) {
    const field = segments.at(-1)!;
    if (kind === '$unset') {
      let node: unknown = doc;
      for (const segment of segments.slice(0, -1)) node = isPlainObject(node) ? node[segment] : undefined;
      if (isPlainObject(node)) delete node[field];
      continue;
    }
    let node = doc;
    for (const segment of segments.slice(0, -1)) {
      node[segment] ??= {};
      node = node[segment] as Document;
    }
    node[field] = kind === '$inc' ? ((node[field] as number | undefined) ?? 0) + (value as number) : cloneDocument({ value }).value;
  }
  return true;
}
