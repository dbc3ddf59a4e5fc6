// Documents read earlier in the same request, for reuse later in it: a saved round trip, never a cache across requests.
import Provider from 'oidc-provider';

/**
 * Keyed by the request's Koa context, which oidc-provider already tracks for every request it routes (its
 * AsyncLocalStorage, read through the public `Provider.ctx`): no second async-context store to pay for on every
 * promise. Adapter calls and findAccount run inside those requests; elsewhere (the CLI, the login pages) nothing is kept.
 */
const scopes = new WeakMap<object, Map<string, unknown>>();

function scope(create: boolean): Map<string, unknown> | undefined {
  const ctx = Provider.ctx;
  if (!ctx) return undefined;
  let kept = scopes.get(ctx);
  if (!kept && create) {
    kept = new Map();
    scopes.set(ctx, kept);
  }
  return kept;
}

/** Where the request scope keeps a model's document that one of our own queries already read. */
export function modelInRequestKey(model: string, id: string): string {
  return `oidc:${model}:${id}`;
}

/** The name of the oidc-provider route serving this request ("token", "userinfo", …), read without building its context. */
export function currentRoute(): string | undefined {
  return (Provider.ctx as { _matchedRouteName?: string } | undefined)?._matchedRouteName;
}

/** Keeps a document read in this request (null: read, and absent); outside a request it is not kept. */
export function rememberInRequest(key: string, value: unknown): void {
  scope(true)?.set(key, value);
}

/** What this request already read under `key`, or undefined when it has not read it (`{ value: null }`: read, absent). */
export function recallInRequest<T>(key: string): { value: T | null } | undefined {
  const kept = scope(false);
  return kept?.has(key) ? { value: kept.get(key) as T | null } : undefined;
}

/** Like recallInRequest, but only once: the next read under `key` goes to the database again. */
export function takeFromRequest<T>(key: string): { value: T | null } | undefined {
  const known = recallInRequest<T>(key);
  if (known) scope(false)!.delete(key);
  return known;
}

/** Drops what this request read under `key` (it was just written). */
export function forgetInRequest(key: string): void {
  scope(false)?.delete(key);
}
