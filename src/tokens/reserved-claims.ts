// Claims that identify, bind or time-limit a token: neither config nor hooks may set them.
export const RESERVED_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
  'sid',
  'cnf',
  'client_id',
  'scope',
  'typ',
  'token_type',
  'active',
  'iiat',
  'kid',
  'sid_hash',
  'updated_at_internal',
]);

export function withoutReserved(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !RESERVED_CLAIMS.has(name)));
}
