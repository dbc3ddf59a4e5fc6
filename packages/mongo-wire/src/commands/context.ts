// What every command handler receives, and small argument readers shared by the handlers.
import type { Document } from 'mongodb';
import { WireError } from '../errors.js';
import type { CursorRegistry } from '../cursors.js';
import type { FailPoints } from '../fail-points.js';
import type { WireStore } from '../store.js';
import { isPlainObject } from '../values.js';

/** Server-wide knobs a command can read or change at runtime. */
export interface ServerSettings {
  readonly maxMessageBytes: number;
  ttlMonitorSleepSecs: number;
  /** mongod's failCommand test fail point, set with configureFailPoint. */
  readonly failPoints: FailPoints;
}

export interface CommandContext {
  store: WireStore;
  cursors: CursorRegistry;
  settings: ServerSettings;
  /** The $db the command was sent to. */
  db: string;
  connectionId: number;
}

/**
 * Handlers are synchronous on purpose: with no await between reading and writing, each command is
 * atomic on the event loop (two findAndModify calls can never interleave).
 */
export type CommandHandler = (body: Document, ctx: CommandContext) => Document;

/** The collection name a command names as the value of its first key. */
export function collectionArg(body: Document, command: string): string {
  const name = body[command];
  if (typeof name !== 'string' || name === '') {
    throw new WireError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function documentArg(body: Document, field: string): Document | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new WireError('TypeMismatch', `'${field}' must be an object`);
  return value;
}

export function documentsArg(body: Document, field: string): Document[] {
  const value = body[field];
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new WireError('TypeMismatch', `'${field}' must be an array of objects`);
  }
  return value;
}

export function numberArg(body: Document, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new WireError('TypeMismatch', `'${field}' must be a number`);
  return value;
}
