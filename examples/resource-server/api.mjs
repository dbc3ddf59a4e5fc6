// A tiny API protected by Gatehouse: /orders takes JWT access tokens (JWKS), /opaque/orders checks opaque ones by introspection.
import Koa from 'koa';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/** issuer: Gatehouse's issuer; audience: this API's resource indicator; introspection: this API's own client credentials. */
export function createApi({ issuer, audience, opaqueAudience, clientId, clientSecret }) {
  const metadata = fetch(`${issuer}/.well-known/openid-configuration`).then((response) => response.json());
  let jwks;
  const deny = (ctx, status, error, description) => {
    ctx.status = status;
    ctx.set('WWW-Authenticate', `Bearer error="${error}", error_description="${description}"`);
    ctx.body = { error, error_description: description };
  };

  async function fromJwt(token) {
    jwks ??= createRemoteJWKSet(new URL((await metadata).jwks_uri));
    const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
    return payload;
  }

  async function fromIntrospection(token) {
    const response = await fetch((await metadata).introspection_endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }),
    });
    const result = await response.json();
    if (!result.active || result.aud !== opaqueAudience) throw new Error('inactive or not for this API');
    return result;
  }

  const app = new Koa();
  app.use(async (ctx) => {
    const verify = { '/orders': fromJwt, '/opaque/orders': fromIntrospection }[ctx.path];
    if (!verify || ctx.method !== 'GET') return deny(ctx, 404, 'not_found', 'no such route');
    const token = /^Bearer (\S+)$/.exec(ctx.get('authorization') ?? '')?.[1];
    if (!token) return deny(ctx, 401, 'invalid_token', 'missing bearer token');
    let claims;
    try {
      claims = await verify(token);
    } catch {
      return deny(ctx, 401, 'invalid_token', 'token is invalid, expired or for another API');
    }
    if (
      !String(claims.scope ?? '')
        .split(' ')
        .includes('read:orders')
    )
      return deny(ctx, 403, 'insufficient_scope', 'read:orders is required');
    ctx.body = { orders: [{ id: 1, item: 'tea' }], for: claims.sub, client: claims.client_id };
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ISSUER, API_AUDIENCE, API_OPAQUE_AUDIENCE, API_CLIENT_ID, API_CLIENT_SECRET, PORT = '4000' } = process.env;
  createApi({
    issuer: ISSUER,
    audience: API_AUDIENCE,
    opaqueAudience: API_OPAQUE_AUDIENCE,
    clientId: API_CLIENT_ID,
    clientSecret: API_CLIENT_SECRET,
  }).listen(Number(PORT));
}
