// The acr values Gatehouse supports, the amr values (RFC 8176) each way of signing in yields, and how requests compare.

/** One factor: a password. */
export const ACR_PASSWORD = 'urn:gatehouse:acr:password';
/** Multi-factor: a password and a second factor, or a passkey with user verification (the device and its PIN or biometric). */
export const ACR_MFA = 'urn:gatehouse:acr:mfa';
/** Weakest first; discovery's acr_values_supported. */
export const ACR_VALUES = [ACR_PASSWORD, ACR_MFA] as const;

const LEVEL: Record<string, number> = { [ACR_PASSWORD]: 1, [ACR_MFA]: 2 };

/** What a passkey assertion or registration says about itself. */
export interface PasskeyUse {
  /** simplewebauthn's credentialDeviceType: a device-bound key is hardware; a synced one lives in software. */
  deviceType: 'singleDevice' | 'multiDevice';
  userVerified: boolean;
}

/** hwk for a device-bound passkey, swk for a synced one; `user` when the authenticator verified the user (PIN or biometric). */
export function passkeyAmr(use: PasskeyUse): string[] {
  return [use.deviceType === 'singleDevice' ? 'hwk' : 'swk', ...(use.userVerified ? ['user'] : [])];
}

/** A passkey alone with user verification is two factors in one: something you have and something you know or are. */
export function passwordlessAmr(use: PasskeyUse): string[] {
  return [...passkeyAmr(use), 'mfa'];
}

/** The first factor's methods plus the second factor's, and `mfa`. */
export function withSecondFactor(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first.filter((method) => method !== 'mfa'), ...second, 'mfa'])];
}

export function acrFor(amr: readonly string[]): string {
  return amr.includes('mfa') ? ACR_MFA : ACR_PASSWORD;
}

/**
 * acr_values (and the claims parameter's acr) are voluntary and ordered by preference. A session meets them when it is
 * at least as strong as one of the values Gatehouse knows; values it does not know are ignored, so a request naming only
 * unknown values asks for nothing. Returns true when the session is weaker than every known value requested.
 */
export function requestedAcrUnmet(requested: readonly string[], sessionAcr: string | undefined): boolean {
  const known = requested.filter((value) => value in LEVEL);
  if (known.length === 0) return false;
  const level = LEVEL[sessionAcr ?? ACR_PASSWORD] ?? 1;
  return known.every((value) => LEVEL[value]! > level);
}
