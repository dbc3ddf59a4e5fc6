// loadExistingGrant: this browser session's grant, else the account's newest stored grant for the client, so consent is
// remembered per account and client across sessions. First-party clients get what they ask for (prompt=consent still asks).
import type { Db } from 'mongodb';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { latestGrant } from '../storage/model-collections.js';
import { modelInRequestKey, rememberInRequest } from '../storage/request-scope.js';
import { narrow, type AllowedScopes } from '../tokens/scope-policy.js';
import { addMissing } from './grant.js';
import { keepRememberedOfflineAccess } from './offline-access.js';

type Grant = InstanceType<Provider['Grant']>;

export const existingGrants = (db: Db, allowed: AllowedScopes) => async (ctx: KoaContextWithOIDC) => {
  const { oidc } = ctx;
  const client = oidc.client!;
  const session = oidc.session!;
  // Grant.find applies oidc-provider's own checks (expiry); a revoked grant is gone from the store, so never found.
  const find = async (id: string | undefined) => (id ? await oidc.provider.Grant.find(id) : undefined);
  const current = await find(oidc.result?.consent?.grantId || session.grantIdFor(client.clientId));
  if (client.metadata().first_party === true) return firstPartyGrant(ctx, allowed, current);
  // A new session (or one whose grant was revoked) falls back to what the user allowed this client before.
  const grant = current ?? (session.accountId ? await rememberedGrant(ctx, db, session.accountId) : undefined);
  keepRememberedOfflineAccess(ctx, grant);
  return grant;
};

/** The account's latest grant for the client. Its document is handed to Grant.find for this request: one round trip, not two. */
async function rememberedGrant(ctx: KoaContextWithOIDC, db: Db, accountId: string): Promise<Grant | undefined> {
  const { provider, client } = ctx.oidc;
  const latest = await latestGrant(db, accountId, client!.clientId);
  if (!latest) return undefined;
  rememberInRequest(modelInRequestKey('Grant', latest._id), latest);
  return (await provider.Grant.find(latest._id)) ?? undefined;
}

/** A first-party client's users see no consent page: its session grant (or a new one) gets what the request asks. */
async function firstPartyGrant(ctx: KoaContextWithOIDC, allowed: AllowedScopes, existing: Grant | undefined): Promise<Grant> {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
  // Only what the request asks for, narrowed to the scopes the client may use.
  addMissing(grant, {
    missingOIDCScope: narrow(allowed, client.clientId, oidc.requestParamOIDCScopes),
    missingOIDCClaims: [...(oidc.requestParamClaims ?? [])],
    missingResourceScopes: Object.fromEntries(
      Object.entries(oidc.resourceServers ?? {}).map(([indicator, server]) => [indicator, [...server.scopes]]),
    ),
  });
  await grant.save();
  return grant;
}
