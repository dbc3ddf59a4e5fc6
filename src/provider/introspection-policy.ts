// Who may learn that a token is active (RFC 7662 §4): the client it was issued to, and the API it was issued for.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { TokenPolicy } from '../tokens/token-policy.js';

type Caller = { clientId: string };
type Introspected = { clientId?: string; aud?: string | string[] };

/**
 * oidc-provider's default lets any authenticated client introspect any token. Here a caller that is neither the token's
 * client nor one of `introspection_clients` of a resource in the token's audience gets `{"active": false}`.
 */
export function introspectionAllowed(policy: TokenPolicy) {
  const introspectors = new Map(
    [...policy.resources.values()].map((resource) => [resource.indicator, new Set(resource.introspection_clients)]),
  );
  return (_ctx: KoaContextWithOIDC, caller: Caller, token: Introspected): boolean => {
    if (token.clientId === caller.clientId) return true;
    const audiences = token.aud === undefined ? [] : [token.aud].flat();
    return audiences.some((audience) => introspectors.get(audience)?.has(caller.clientId));
  };
}
