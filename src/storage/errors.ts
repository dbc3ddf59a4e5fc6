// MongoDB error shapes Gatehouse reacts to.
import { MongoNetworkError } from 'mongodb';
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === 11000;
}

const UNREACHABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
]);
// A connection cut mid-write can surface as the raw socket error rather than a driver error.
const UNREACHABLE_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

/** What a replica set answers while it has no primary: an election, a step-down, a shutdown. */
const NO_PRIMARY_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

function hasLabel(error: unknown, label: string): boolean {
  const { hasErrorLabel } = (error ?? {}) as { hasErrorLabel?: (label: string) => boolean };
  return typeof hasErrorLabel === 'function' && hasErrorLabel.call(error, label);
}

/** A failover interrupted the operation: the driver retries single-document writes, not multi-document ones. */
function isFailover(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return (typeof code === 'number' && NO_PRIMARY_CODES.has(code)) || hasLabel(error, 'RetryableWriteError');
}

/** No server can take the operation now (unreachable, or no primary during an election): a 503, retry later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { name = '', code } = (error ?? {}) as { name?: string; code?: unknown };
  return UNREACHABLE_NAMES.has(name) || (typeof code === 'string' && UNREACHABLE_CODES.has(code)) || isFailover(error);
}

/** A new primary is usually elected within a few seconds; one pause of this long gives the retry a chance. */
const FAILOVER_PAUSE_MS = 500;

/**
 * Runs an idempotent delete, and once more if a failover interrupted it, so a revocation
 * is not left half done; a second failure propagates (a 503).
 */
export async function retryOnFailover<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isFailover(error)) throw error;
    await new Promise((resolve) => setTimeout(resolve, FAILOVER_PAUSE_MS));
    return write();
  }
}

/** Server codes a read is retried after, as the driver retries reads through a cursor (its retryable-reads list). */
const RETRYABLE_READ_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** What the driver's cursors retry once by themselves: a network error, a failover, a node shutting down or recovering. */
function isRetryableRead(error: unknown): boolean {
  if (error instanceof MongoNetworkError) return true;
  const { code, message = '' } = (error ?? {}) as { code?: unknown; message?: string };
  return (typeof code === 'number' && RETRYABLE_READ_CODES.has(code)) || /not master|not primary|node is recovering/i.test(message);
}

/**
 * For a read sent as a plain command (db.command), which the driver does not retry as it retries reads through a
 * cursor: once more, at once, after the errors it would retry. The second attempt selects a server again, which
 * waits for a new primary when there is none.
 */
export function retryReadOnce<T>(read: () => Promise<T>): Promise<T> {
  return read().catch((error: unknown) => {
    if (!isRetryableRead(error)) throw error;
    return read();
  });
}
