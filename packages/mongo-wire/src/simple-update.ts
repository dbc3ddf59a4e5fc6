// A fast path for the updates nearly every write sends ($set and $unset of plain field paths): mingo copies its
// whole operator table on every update, which dominated the wire server's cost per write.
import type { Document } from 'mongodb';
import { WireError } from './errors.js';
import { cloneDocument, isPlainObject } from './values.js';

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

/**
 * Applies `{$set, $unset}` to `doc` in place and returns true, or returns false (leaving `doc` untouched) when the
 * update needs mingo: other operators, positional or numeric path segments, or a path through an array. Throws, as
 * mongod does, for conflicting paths and for a $set through a value that is not a document; `doc` is then untouched.
 */
export function applySimpleUpdate(doc: Document, modifier: Document): boolean {
  const operators = Object.keys(modifier);
  if (operators.some((op) => op !== '$set' && op !== '$unset')) return false;
  const sets = isPlainObject(modifier.$set) ? Object.entries(modifier.$set as Document) : modifier.$set === undefined ? [] : undefined;
  const unsets = isPlainObject(modifier.$unset) ? Object.keys(modifier.$unset as Document) : modifier.$unset === undefined ? [] : undefined;
  if (!sets || !unsets) return false;
  const paths = [...sets.map(([path]) => path), ...unsets];
  const split = paths.map(plainPath);
  if (split.some((segments) => !segments)) return false;
  assertNoConflict(paths);
  // Check every path first, so a refusal leaves the document as it was.
  for (const [index, segments] of split.entries()) {
    let node: unknown = doc;
    for (let depth = 0; depth < segments!.length - 1; depth++) {
      node = (node as Document)[segments![depth]!];
      if (node === undefined) break;
      if (Array.isArray(node)) return false;
      if (!isPlainObject(node)) {
        if (index >= sets.length) break; // $unset through a non-document removes nothing, as in mongod.
        throw new WireError(
          'PathNotViable',
          `Cannot create field '${segments![depth + 1]}' in element {${segments![depth]}: ${JSON.stringify(node)}}`,
        );
      }
    }
  }
  sets.forEach(([, value], index) => {
    const segments = split[index]!;
    let node = doc;
    for (const segment of segments.slice(0, -1)) {
      node[segment] ??= {};
      node = node[segment] as Document;
    }
    node[segments.at(-1)!] = cloneDocument({ value }).value;
  });
  unsets.forEach((_, index) => {
    const segments = split[sets.length + index]!;
    let node: Document | undefined = doc;
    for (const segment of segments.slice(0, -1)) node = node?.[segment] as Document | undefined;
    if (node) delete node[segments.at(-1)!];
  });
  return true;
}
