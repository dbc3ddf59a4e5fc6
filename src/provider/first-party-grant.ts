// loadExistingGrant that grants first-party clients what they ask for, so their users are not shown a consent page
// (unless the client itself sends prompt=consent, which OpenID Connect says must be honoured).
import type { KoaContextWithOIDC } from 'oidc-provider';
import { narrow, type AllowedScopes } from './scope-policy.js';
import { addMissing } from '../interactions/grant.js';

export const firstPartyGrants = (allowed: AllowedScopes) => async (ctx: KoaContextWithOIDC) => {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (client.metadata().first_party !== true) return existing;

  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
  // Only what the request asks for, narrowed to the scopes the client may use.
  addMissing(grant, {
    missingOIDCScope: narrow(allowed, client.clientId, oidc.requestParamOIDCScopes),
    missingOIDCClaims: [...(oidc.requestParamClaims ?? [])],
    missingResourceScopes: Object.fromEntries(Object.entries(oidc.resourceServers ?? {}).map(([indicator, server]) => [indicator, [...server.scopes]])),
  });
  await grant.save();
  return grant;
};
