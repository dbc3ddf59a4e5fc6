// Typed MongoDB server errors, so every failure reaches the driver as {ok:0, errmsg, code, codeName}.
import type { Document } from 'mongodb';

/** The subset of mongod error codes this server produces; names match mongod so drivers and logs agree. */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  InvalidLength: 16,
  NamespaceNotFound: 26,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexNotFound: 27,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  UnsupportedOpQueryCommand: 352,
  CannotIndexParallelArrays: 171,
  DuplicateKey: 11000,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

export class WireError extends Error {
  readonly code: number;
  /** Extra fields mongod attaches to some errors (keyPattern/keyValue on duplicates). */
  readonly extra: Document;

  constructor(
    readonly codeName: ErrorCodeName,
    message: string,
    extra: Document = {},
  ) {
    super(message);
    this.name = 'WireError';
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/** Errors thrown by mingo or our own code that are not WireErrors become BadValue, like a rejected query in mongod. */
export function toWireError(err: unknown): WireError {
  if (err instanceof WireError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new WireError('BadValue', message);
}

/** Raised on a malformed frame: the connection is closed instead of answered. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
