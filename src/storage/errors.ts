// MongoDB error shapes Gatehouse reacts to.
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

/** The driver could not reach a server (as opposed to the server refusing an operation). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { name = '', code } = (error ?? {}) as { name?: string; code?: unknown };
  return UNREACHABLE_NAMES.has(name) || (typeof code === 'string' && UNREACHABLE_CODES.has(code));
}
