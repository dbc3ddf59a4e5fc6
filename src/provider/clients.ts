// Maps config client entries to oidc-provider client metadata (RFC 7591 names pass through unchanged).
import type { ClientMetadata } from 'oidc-provider';
import type { ClientConfig } from '../config/schema.js';

/** Non-standard client metadata Gatehouse understands; oidc-provider keeps them via extraClientMetadata. */
export const EXTRA_CLIENT_METADATA = ['first_party', 'require_pkce'] as const;

export function toClientMetadata(client: ClientConfig): ClientMetadata {
  // Lifetimes are applied by Gatehouse's ttl functions, and `scope` by its narrowing policy: oidc-provider would
  // answer invalid_scope where Gatehouse narrows.
  const { access_token_ttl: _at, id_token_ttl: _it, refresh_token_ttl: _rt, scope: _scope, ...metadata } = client;
  // An introspection-only resource server has no grants, so no response types either.
  const grantless = metadata.grant_types.length === 0 ? { response_types: [] } : {};
  // A plain JSON copy: config is frozen, and oidc-provider annotates the metadata and keys it is given.
  return JSON.parse(JSON.stringify({ ...metadata, ...grantless })) as ClientMetadata;
}
