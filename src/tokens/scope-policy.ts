// Narrows requests to the scopes each client may ask for: disallowed scopes are dropped, never an error.
import type { ClientConfig } from '../config/schema.js';

/** client_id → the scopes its config entry allows. Clients not in config (the demo) are not narrowed here. */
export type AllowedScopes = ReadonlyMap<string, ReadonlySet<string>>;

export function allowedScopes(clients: readonly ClientConfig[]): AllowedScopes {
  return new Map(clients.map((client) => [client.client_id, new Set(client.scope.split(' '))]));
}

export function narrow(allowed: AllowedScopes, clientId: string, scopes: Iterable<string>): string[] {
  const allowList = allowed.get(clientId);
  return [...scopes].filter((scope) => !allowList || allowList.has(scope));
}
