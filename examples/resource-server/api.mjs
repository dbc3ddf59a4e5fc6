// A tiny API protected by Gatehouse: /orders takes JWT access tokens (JWKS), /opaque/orders checks opaque ones by introspection.
import Koa from 'koa';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { pathToFileURL } from 'node:url';

/** Gatehouse's discovery document, asked again with growing pauses until Gatehouse answers: an API may start first. */
export async function discover(issuer, { log = console.error, firstDelayMs = 500, maxDelayMs = 10_000 } = {}) {
  for (let delay = firstDelayMs; ; delay = Math.min(delay * 2, maxDelayMs)) {
    let reason;
    try {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return await response.json();
      reason = `HTTP ${response.status}`;
    } catch (error) {
      reason = error.cause?.code ?? error.message;
    }
    log(`Gatehouse at ${issuer} is not answering yet (${reason}); retrying in ${delay / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * issuer: Gatehouse's issuer; audience: this API's resource indicator; introspection: this API's own client credentials.
 * metadata: the discovery document (a promise), when the caller has it already.
 */
export function createApi({ issuer, audience, opaqueAudience, clientId, clientSecret, metadata = discover(issuer) }) {
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

// `node examples/resource-server/api.mjs`: defaults match examples/resource-server/gatehouse.yaml (see the README there).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const {
    ISSUER = 'http://localhost:3000',
    API_AUDIENCE = 'https://orders.example.com',
    API_OPAQUE_AUDIENCE = 'https://orders-legacy.example.com',
    API_CLIENT_ID = 'orders-api',
    ORDERS_API_SECRET,
    HOST = '127.0.0.1',
    PORT = '4000',
  } = process.env;
  if (!ORDERS_API_SECRET) console.error('ORDERS_API_SECRET is not set: /opaque/orders cannot introspect tokens');
  const metadata = await discover(ISSUER);
  const server = createApi({
    issuer: ISSUER,
    audience: API_AUDIENCE,
    opaqueAudience: API_OPAQUE_AUDIENCE,
    clientId: API_CLIENT_ID,
    clientSecret: ORDERS_API_SECRET,
    metadata: Promise.resolve(metadata),
  }).listen(Number(PORT), HOST, () => {
    const url = `http://${HOST.includes(':') ? `[${HOST}]` : HOST}:${server.address().port}`;
    console.log(`orders API listening on ${url} (GET /orders: JWT access tokens; GET /opaque/orders: opaque ones) for ${ISSUER}`);
  });
}
