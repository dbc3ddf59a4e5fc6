// Refresh tokens only for requests that ask for offline_access, even when remembered consent spares prompt=consent.
import type { KoaContextWithOIDC } from 'oidc-provider';

type Grant = { getOIDCScope(): string };

/**
 * An extra authorization parameter holding whether the request as sent asked for offline_access. oidc-provider drops
 * offline_access from requests without prompt=consent (OIDC Core §11) before anything else sees them, so the request
 * as sent is recorded here; as an authorization parameter it travels with the interaction and with pushed requests.
 */
export const OFFLINE_ACCESS_ASKED = 'gatehouse_offline_access_asked';

/** extraParams validator: records the request as sent (query, form post, or the body of a pushed request). */
export function recordOfflineAccessAsked(ctx: KoaContextWithOIDC): void {
  const { oidc } = ctx;
  // A pushed request was recorded when it was pushed; the /auth request that uses it carries only request_uri.
  if (oidc.route === 'authorization' && oidc.entities.PushedAuthorizationRequest) return;
  const sent = (oidc.body as { scope?: unknown } | undefined)?.scope ?? ctx.query.scope;
  // Whatever a client sent under this name itself is overwritten: only the scope it asked for counts.
  oidc.params![OFFLINE_ACCESS_ASKED] = typeof sent === 'string' && sent.split(' ').includes('offline_access') ? 'yes' : undefined;
}

/**
 * A request that asked for offline_access from a client the user has already allowed it keeps the scope without
 * prompt=consent: the remembered consent is the "other condition" OIDC Core §11 accepts. A request that did not ask
 * gets no refresh token, whatever the grant holds.
 */
export function keepRememberedOfflineAccess(ctx: KoaContextWithOIDC, grant: Grant | undefined): void {
  const { oidc } = ctx;
  const scopes = new Set(
    String(oidc.params?.scope ?? '')
      .split(' ')
      .filter(Boolean),
  );
  if (oidc.params?.[OFFLINE_ACCESS_ASKED] !== 'yes' || scopes.has('offline_access')) return;
  if (!oidc.client?.grantTypeAllowed('refresh_token') || !grant?.getOIDCScope().split(' ').includes('offline_access')) return;
  oidc.params!.scope = [...scopes, 'offline_access'].join(' ');
}
