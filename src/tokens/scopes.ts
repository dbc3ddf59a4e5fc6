// Which claims each scope releases: the OIDC standard scopes plus the custom ones from config.
import type { GatehouseConfig } from '../config/schema.js';

export const STANDARD_SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

export function scopeClaims(config: Pick<GatehouseConfig, 'scopes'>): Record<string, string[]> {
  const custom = Object.fromEntries(Object.entries(config.scopes).map(([scope, { claims }]) => [scope, [...claims]]));
  return { ...STANDARD_SCOPE_CLAIMS, ...custom };
}
