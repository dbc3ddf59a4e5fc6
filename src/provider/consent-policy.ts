// oidc-provider's interaction policy with a consent check that asks only for the scopes a client may use.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { narrow, type AllowedScopes } from '../tokens/scope-policy.js';

const { Check, base } = interactionPolicy;

/**
 * oidc-provider's policy, with the consent check for OpenID scopes looking only at allowed scopes. Together with
 * grants that only ever contain allowed scopes, a request for more yields tokens for the allowed part.
 */
export function narrowingPolicy(allowed: AllowedScopes) {
  const policy = base();
  const consent = policy.get('consent')!;
  const index = consent.checks.findIndex((check) => check.reason === 'op_scopes_missing');
  consent.checks.remove('op_scopes_missing');
  const missing = new WeakMap<object, string[]>();
  consent.checks.add(
    new Check(
      'op_scopes_missing',
      'requested scopes not granted',
      // Checks added after a Prompt is built do not inherit its error code.
      'consent_required',
      (ctx: KoaContextWithOIDC) => {
        const { oidc } = ctx;
        const encountered = new Set(oidc.grant!.getOIDCScopeEncountered().split(' '));
        const lacking = narrow(allowed, oidc.client!.clientId, oidc.requestParamOIDCScopes).filter((scope) => !encountered.has(scope));
        if (lacking.length === 0) return Check.NO_NEED_TO_PROMPT;
        missing.set(oidc, lacking);
        return Check.REQUEST_PROMPT;
      },
      (ctx: KoaContextWithOIDC) => ({ missingOIDCScope: missing.get(ctx.oidc) }),
    ),
    index,
  );
  return policy;
}
