// loadExistingGrant that grants first-party clients what they ask for, so their users never see a consent page.
import type { KoaContextWithOIDC } from 'oidc-provider';

export async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (client.metadata().first_party !== true) return existing;

  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
  // Only what the request asks for, already narrowed by oidc-provider to the client's allowed scopes.
  grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
  const claims = oidc.requestParamClaims;
  if (claims?.size) grant.addOIDCClaims([...claims]);
  for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers ?? {}))
    grant.addResourceScope(indicator, resourceServer.scope);
  await grant.save();
  return grant;
}
