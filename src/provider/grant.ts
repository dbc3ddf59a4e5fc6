// Builds or tops up the Grant that records what a user allowed a client, from what the request still lacks.
import type Provider from 'oidc-provider';

type Grant = InstanceType<Provider['Grant']>;

export interface MissingGrant {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export function addMissing(grant: Grant, missing: MissingGrant): void {
  if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
}

export async function loadOrCreateGrant(
  provider: Provider,
  grantId: string | undefined,
  accountId: string,
  clientId: string,
): Promise<Grant> {
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  return existing ?? new provider.Grant({ accountId, clientId });
}
