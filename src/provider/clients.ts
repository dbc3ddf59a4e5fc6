// Maps config client entries to oidc-provider client metadata (RFC 7591 names pass through unchanged).
import type { ClientMetadata } from 'oidc-provider';
import { ACCOUNT_CLIENT_ID, type ClientConfig } from '../config/schema.js';

/** Non-standard client metadata Gatehouse understands; oidc-provider keeps them via extraClientMetadata. */
export const EXTRA_CLIENT_METADATA = ['first_party', 'require_pkce', 'require_mfa'] as const;

/** Where the account page receives its authorization code and where sign-out from it returns. */
export function accountPageUrls(issuer: string) {
  return { callback: `${issuer}/account/callback`, signedOut: `${issuer}/account/signed-out` };
}

/**
 * The account page's own client: public (PKCE, no secret, since the code never leaves the process that redeems it),
 * first party (no consent page), openid only.
 */
export function accountClient(issuer: string): ClientMetadata {
  const urls = accountPageUrls(issuer);
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'Your account',
    token_endpoint_auth_method: 'none',
    redirect_uris: [urls.callback],
    post_logout_redirect_uris: [urls.signedOut],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    first_party: true,
  };
}

export function toClientMetadata(client: ClientConfig): ClientMetadata {
  // Lifetimes are applied by Gatehouse's ttl functions, and `scope` by its narrowing policy: oidc-provider would
  // answer invalid_scope where Gatehouse narrows.
  const { access_token_ttl: _at, id_token_ttl: _it, refresh_token_ttl: _rt, scope: _scope, ...metadata } = client;
  // An introspection-only resource server has no grants, so no response types either.
  const grantless = metadata.grant_types.length === 0 ? { response_types: [] } : {};
  // A plain JSON copy: config is frozen, and oidc-provider annotates the metadata and keys it is given.
  return JSON.parse(JSON.stringify({ ...metadata, ...grantless })) as ClientMetadata;
}
