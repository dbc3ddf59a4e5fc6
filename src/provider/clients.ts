// Maps config client entries to oidc-provider client metadata (RFC 7591 names pass through unchanged).
import type { ClientMetadata } from 'oidc-provider';
import type { ClientConfig } from '../config/schema.js';

/** Non-standard client metadata Gatehouse understands; oidc-provider keeps them via extraClientMetadata. */
export const EXTRA_CLIENT_METADATA = ['first_party', 'require_pkce'] as const;

export function toClientMetadata(client: ClientConfig): ClientMetadata {
  // A copy: config is frozen, and oidc-provider annotates the metadata and keys it is given.
  return JSON.parse(JSON.stringify(client)) as ClientMetadata;
}
