// The `mfa` prompt: after login and before consent, a session without a second factor meets a client, config or request
// that requires one, and is asked for it (step-up) or taken through enrolment.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_VALUES, acrFor, requestedAcrUnmet } from '../factors/authentication-context.js';

const { Check, Prompt } = interactionPolicy;

export interface MfaPolicyOptions {
  /** mfa.required: every sign-in needs a second factor. */
  required: boolean;
}

/** The acr values a request names: acr_values, and the claims parameter's id_token acr (value or values). */
function requestedAcr(ctx: KoaContextWithOIDC): string[] {
  const { oidc } = ctx;
  const fromParam = typeof oidc.params?.acr_values === 'string' ? oidc.params.acr_values.split(' ').filter(Boolean) : [];
  const claim = (oidc.claims as { id_token?: { acr?: { value?: unknown; values?: unknown } } } | undefined)?.id_token?.acr;
  const fromClaims = [claim?.value, ...(Array.isArray(claim?.values) ? claim.values : [])].filter((value) => typeof value === 'string');
  return [...fromParam, ...(fromClaims as string[])];
}

/** Why a session needs a second factor for this request, or undefined when it does not. */
export function mfaReason(ctx: KoaContextWithOIDC, options: MfaPolicyOptions): string | undefined {
  const { oidc } = ctx;
  if (!oidc.session?.accountId) return undefined;
  const amr = oidc.session.amr ?? ['pwd'];
  if (amr.includes('mfa')) return undefined;
  if (options.required) return 'config';
  if (oidc.client?.metadata().require_mfa === true) return 'client';
  if (requestedAcrUnmet(requestedAcr(ctx), oidc.session.acr ?? acrFor(amr))) return 'acr_values';
  return undefined;
}

/**
 * oidc-provider's base policy with the `mfa` prompt between login and consent. The login prompt's essential-acr checks
 * are dropped: a password could never satisfy them, so they would ask for the password again and again; the mfa prompt
 * treats an essential acr like acr_values instead.
 */
export function addMfaPrompt(policy: interactionPolicy.DefaultPolicy, options: MfaPolicyOptions): interactionPolicy.DefaultPolicy {
  const login = policy.get('login')!;
  login.checks.remove('essential_acr');
  login.checks.remove('essential_acrs');
  const reasons = new WeakMap<object, string>();
  const mfa = new Prompt(
    { name: 'mfa', requestable: false },
    (ctx: KoaContextWithOIDC) => ({ mfa: reasons.get(ctx.oidc) }),
    new Check('mfa_required', 'a second factor is required', 'interaction_required', (ctx: KoaContextWithOIDC) => {
      const reason = mfaReason(ctx, options);
      if (!reason) return Check.NO_NEED_TO_PROMPT;
      reasons.set(ctx.oidc, reason);
      return Check.REQUEST_PROMPT;
    }),
  );
  policy.add(mfa, policy.findIndex((prompt) => prompt.name === 'login') + 1);
  return policy;
}

export const SUPPORTED_ACR_VALUES = [...ACR_VALUES];
