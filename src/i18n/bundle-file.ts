// Reads a message bundle file (YAML or JSON) and checks it against the English one: every key, nothing else, known placeholders.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { type Messages, placeholders } from './messages.js';

export interface BundleResult {
  messages?: Messages;
  /** One line per problem, as `file:line: key: message (expected …)`. */
  problems: string[];
}

/**
 * `shown` is how messages name the file (relative to the working directory when it is below it). JSON is read by the
 * same YAML parser (JSON is YAML), so both report lines.
 */
export function readBundleFile(file: string, shown: string, reference?: Messages): BundleResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { problems: [`${shown}: ${reason} (expected a JSON or YAML message bundle)`] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      problems: doc.errors.map(
        (error) => `${shown}:${lineCounter.linePos(error.pos[0]).line}: syntax error: ${error.message.split('\n')[0]}`,
      ),
    };
  const value: unknown = doc.toJS();
  const where = (keyPath: string[]) => `${shown}:${lineOf(doc, lineCounter, keyPath)}`;
  if (!isMapping(value)) return { problems: [`${shown}:1: the file must be a mapping of message keys (expected e.g. "login:")`] };
  const problems = reference ? compare(value, reference, [], where) : shapeProblems(value, [], where);
  return problems.length > 0 ? { problems } : { messages: value as Messages, problems };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'list';
  return isMapping(value) ? 'mapping' : typeof value;
}

/** Without a reference (the English bundle itself): strings and mappings only. */
function shapeProblems(value: Record<string, unknown>, at: string[], where: (keyPath: string[]) => string): string[] {
  return Object.entries(value).flatMap(([key, child]) => {
    const keyPath = [...at, key];
    if (isMapping(child)) return shapeProblems(child, keyPath, where);
    if (typeof child === 'string' && child.trim()) return [];
    return [`${where(keyPath)}: ${keyPath.join('.')}: ${typeName(child)} (expected a non-empty text)`];
  });
}

function compare(value: Record<string, unknown>, reference: Messages, at: string[], where: (keyPath: string[]) => string): string[] {
  const problems: string[] = [];
  for (const [key, expected] of Object.entries(reference)) {
    const keyPath = [...at, key];
    const name = keyPath.join('.');
    const actual = value[key];
    if (actual === undefined) {
      problems.push(`${where(keyPath)}: ${name}: missing message (expected every key of the English bundle)`);
    } else if (typeof expected === 'string') {
      if (typeof actual !== 'string' || !actual.trim()) problems.push(`${where(keyPath)}: ${name}: ${typeName(actual)} (expected a text)`);
      else {
        const allowed = placeholders(expected);
        for (const unknown of placeholders(actual).filter((used) => !allowed.includes(used)))
          problems.push(
            `${where(keyPath)}: ${name}: unknown placeholder {${unknown}} ` +
              `(expected only ${allowed.length ? allowed.map((known) => `{${known}}`).join(', ') : 'no placeholders'}, as in English)`,
          );
      }
    } else if (!isMapping(actual)) {
      problems.push(`${where(keyPath)}: ${name}: ${typeName(actual)} (expected a mapping of keys: ${Object.keys(expected).join(', ')})`);
    } else problems.push(...compare(actual, expected, keyPath, where));
  }
  for (const key of Object.keys(value).filter((candidate) => !(candidate in reference)))
    problems.push(`${where([...at, key])}: ${[...at, key].join('.')}: unknown key (expected one of: ${Object.keys(reference).join(', ')})`);
  return problems;
}

function lineOf(doc: Document, lineCounter: LineCounter, keyPath: string[]): number {
  // The line of the deepest key that exists on the path: a missing key is reported on its parent key's line.
  let node: unknown = doc.contents;
  let line = 1;
  for (const part of keyPath) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === part);
    if (!pair) break;
    const range = (pair.key as { range?: [number, number, number] }).range;
    if (range) line = lineCounter.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}
