// loadExistingGrant that grants first-party clients what they ask for, so their users never see a consent page.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { narrow, type AllowedScopes } from './scope-policy.js';

export const firstPartyGrants = (allowed: AllowedScopes) => async (ctx: KoaContextWithOIDC) => {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (client.metadata().first_party !== true) return existing;

  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
  // Only what the request asks for, narrowed to the scopes the client may use.
  grant.addOIDCScope(narrow(allowed, client.clientId, oidc.requestParamOIDCScopes).join(' '));
  const claims = oidc.requestParamClaims;
  if (claims?.size) grant.addOIDCClaims([...claims]);
  for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers ?? {}))
    grant.addResourceScope(indicator, resourceServer.scope);
  await grant.save();
  return grant;
};
