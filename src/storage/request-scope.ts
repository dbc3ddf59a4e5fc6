// Documents read earlier in the same request, for reuse later in it: a saved round trip, never a cache across requests.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<Map<string, unknown>>();

/** Runs one request's handling with its own, empty scope (the host wraps every request in one). */
export function runInRequestScope<T>(handle: () => T): T {
  return scope.run(new Map(), handle);
}

export function inRequestScope(): boolean {
  return scope.getStore() !== undefined;
}

/** Keeps a document read in this request (null: read, and absent); outside a request it is not kept. */
export function rememberInRequest(key: string, value: unknown): void {
  scope.getStore()?.set(key, value);
}

/** What this request already read under `key`, or undefined when it has not read it (`{ value: null }`: read, absent). */
export function recallInRequest<T>(key: string): { value: T | null } | undefined {
  const store = scope.getStore();
  return store?.has(key) ? { value: store.get(key) as T | null } : undefined;
}

/** Like recallInRequest, but only once: the next read under `key` goes to the database again. */
export function takeFromRequest<T>(key: string): { value: T | null } | undefined {
  const known = recallInRequest<T>(key);
  if (known) scope.getStore()!.delete(key);
  return known;
}

/** Drops what this request read under `key` (it was just written). */
export function forgetInRequest(key: string): void {
  scope.getStore()?.delete(key);
}
