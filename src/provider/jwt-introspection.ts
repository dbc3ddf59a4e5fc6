// Introspection of Gatehouse's own JWT access tokens (RFC 7662), which oidc-provider refuses as unsupported_token_type.
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

type Allowed = (
  ctx: KoaContextWithOIDC,
  caller: { clientId: string },
  token: { clientId?: string; aud?: string | string[] },
) => boolean | Promise<boolean>;
type FindAccount = NonNullable<Configuration['findAccount']>;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The public halves of the signing keys: what /jwks publishes and what a token's signature is checked against. */
function publicKeys(jwks: { keys: JWK[] }): { keys: JWK[] } {
  return {
    keys: jwks.keys.map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.includes(name))) as JWK),
  };
}

/**
 * RFC 7662 defines no error for a token type the server does not introspect, and gateways configured to introspect
 * break on oidc-provider's 400. So the answer is rewritten: `active: true` with the token's claims for a caller the
 * introspection policy allows, when the signature verifies against Gatehouse's keys, the token is unexpired and its
 * account enabled; `active: false` otherwise. A revoked grant cannot recall such a token before it expires.
 */
export function jwtIntrospection(issuer: string, jwks: { keys: JWK[] }, allowed: Allowed, findAccount: FindAccount) {
  const keys = createLocalJWKSet(publicKeys(jwks));
  const verify = async (token: string): Promise<JWTPayload | undefined> =>
    (await jwtVerify(token, keys, { issuer, typ: 'at+jwt' }).catch(() => undefined))?.payload;

  /** Runs after oidc-provider answered an introspection request. */
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const refused = ctx.body as { error?: string } | undefined;
    if (ctx.oidc?.route !== 'introspection' || ctx.status !== 400 || refused?.error !== 'unsupported_token_type' || !ctx.oidc.client)
      return;
    const payload = await verify(String(ctx.oidc.params?.token ?? ''));
    const clientId = typeof payload?.client_id === 'string' ? payload.client_id : undefined;
    const active =
      payload?.sub !== undefined &&
      (await allowed(ctx, ctx.oidc.client, { clientId, aud: payload.aud })) &&
      (await findAccount(ctx, payload.sub)) !== undefined;
    ctx.status = 200;
    ctx.body = active
      ? {
          active: true,
          sub: payload.sub,
          scope: payload.scope,
          client_id: clientId,
          aud: payload.aud,
          exp: payload.exp,
          iat: payload.iat,
          iss: payload.iss,
          token_type: 'Bearer',
        }
      : { active: false };
  };
}
