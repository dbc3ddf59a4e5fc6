// Maps config client entries to oidc-provider client metadata (RFC 7591 names pass through unchanged).
import type { ClientMetadata } from 'oidc-provider';
import type { ClientConfig } from '../config/schema.js';

/** Non-standard client metadata Gatehouse understands; oidc-provider keeps them via extraClientMetadata. */
export const EXTRA_CLIENT_METADATA = ['first_party', 'require_pkce'] as const;

export function toClientMetadata(client: ClientConfig): ClientMetadata {
  const { jwks, ...rest } = client;
  return { ...rest, ...(jwks ? { jwks: jwks as unknown as ClientMetadata['jwks'] } : {}) } as ClientMetadata;
}
