// The `mfa` prompt: after login and before consent, a session without a second factor meets a client, config or request
// that requires one, and is asked for it (step-up) or taken through enrolment.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_VALUES, acrFor, requestedAcrUnmet } from '../factors/authentication-context.js';

const { Check, Prompt } = interactionPolicy;

export interface MfaPolicyOptions {
  /** mfa.required: every sign-in needs a second factor. */
  required: boolean;
}

/** The acr values a request names (acr_values; the claims parameter is off in Gatehouse, so it names none). */
function requestedAcr(ctx: KoaContextWithOIDC): string[] {
  const values = ctx.oidc.params?.acr_values;
  return typeof values === 'string' ? values.split(' ').filter(Boolean) : [];
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

/** oidc-provider's base policy with the `mfa` prompt between login and consent. */
export function addMfaPrompt(policy: interactionPolicy.DefaultPolicy, options: MfaPolicyOptions): interactionPolicy.DefaultPolicy {
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
