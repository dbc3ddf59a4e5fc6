// Example integrator hooks for Gatehouse. Copy to config/hooks.mjs and set `hooks: ./config/hooks.mjs` in gatehouse.yaml.
// Every export is optional. TypeScript users: `import type { HookModule } from 'gatehouse'` types this module.
//
// Rules of the road:
// - Return undefined to let config decide; only return what you want to change.
// - A hook that throws or returns the wrong type is logged (hook name and error, never arguments) and the
//   request fails with an OAuth server_error; Gatehouse keeps running.
// - Reserved claims (iss, sub, aud, exp, iat, nbf, jti, client_id, scope, ...) are dropped from what you return.

/**
 * Lifetime in seconds for an artifact, or undefined. Synchronous. It wins over the client's override, the resource
 * server's lifetime and the global ttl section. kind: AccessToken, AuthorizationCode, IdToken, RefreshToken (the
 * absolute lifetime of the chain), Grant, Session, Interaction, PushedAuthorizationRequest.
 */
export function ttl(kind, { client, token, resource }) {
  // Example: machine-to-machine style clients flagged in metadata get short access tokens.
  if (kind === 'AccessToken' && client?.metadata.client_name === 'Batch Job') return 120;
  return undefined;
}

/**
 * Extra claims for the ID token (use === 'id_token') or userinfo (use === 'userinfo'). Claims are still released only
 * for granted scopes: declare each claim under a scope in gatehouse.yaml (`scopes:`) and, if needed, its
 * destinations (`claims:`).
 */
export async function claims(account, { use, scope, client }) {
  if (!scope.split(' ').includes('org')) return undefined;
  return { org_name: account.claims.org_id ? `Organisation ${account.claims.org_id}` : undefined };
}

/** Extra claims for access tokens: the JWT payload, or the introspection response of an opaque token. */
export async function accessTokenClaims({ client, token, account, resource }) {
  if (!account) return undefined;
  return { tenant: account.claims.tenant ?? 'default' };
}

/**
 * Checks credentials against another user directory, for usernames Gatehouse holds no local password for (so a
 * local user's password never reaches it). Return an account id, or { accountId, claims } to store claims with it,
 * to sign the user in; undefined refuses the sign-in. See examples/legacy-directory/.
 */
// export async function authenticate({ username, password, client }) { ... }
