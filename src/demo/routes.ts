// Development only: /demo, a tiny relying party that signs in with code + PKCE and shows what it received.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Context } from 'koa';
import type { Render } from '../views/render.js';
import { DEMO_CLIENT_ID, demoHome, demoRedirectUri } from './seed.js';

interface DemoSession {
  pending?: { verifier: string; state: string; nonce: string };
  tokens?: oauth.TokenEndpointResponse;
  idTokenClaims?: Record<string, unknown>;
  userinfo?: Record<string, unknown>;
  /** Shown once on the next page: a success is a status, a failure an alert. */
  message?: { text: string; failed: boolean };
}

const COOKIE = 'gatehouse.demo';
/** Set after a successful sign-in and kept across sign-out: it is about this browser, not the demo session. */
const RETURNING = 'gatehouse.demo.returning';
const YEAR_MS = 365 * 24 * 3600 * 1000;
const MAX_SESSIONS = 1000;
const client: oauth.Client = { client_id: DEMO_CLIENT_ID };
// The demo talks to its own issuer, which is plain http on localhost in development.
const http = { [oauth.allowInsecureRequests]: true } as const;

export function createDemoRouter(issuer: string, render: Render): Router {
  const router = new Router({ prefix: '/demo' });
  // Demo state lives in this process only; it is a development toy, not a session store.
  const sessions = new Map<string, DemoSession>();
  const issuerUrl = new URL(issuer);
  let server: Promise<oauth.AuthorizationServer> | undefined;
  const as = () => {
    server ??= oauth.discoveryRequest(issuerUrl, http).then((response) => oauth.processDiscoveryResponse(issuerUrl, response));
    // A failed discovery is retried on the next request rather than cached.
    server.catch(() => (server = undefined));
    return server;
  };
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

  function sessionId(ctx: Context): string {
    let id = ctx.cookies.get(COOKIE);
    if (!id || !sessions.has(id)) {
      // Development toy: bounded, oldest first out, so cookieless requests cannot grow it without limit.
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      id = randomBytes(18).toString('base64url');
      sessions.set(id, {});
      ctx.cookies.set(COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/demo' });
    }
    return id;
  }
  const session = (ctx: Context): DemoSession => sessions.get(sessionId(ctx))!;

  router.get('/', async (ctx) => {
    const state = session(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = render('demo.njk', {
      signedIn: Boolean(state.tokens),
      idTokenClaims: JSON.stringify(state.idTokenClaims ?? {}, null, 2),
      userinfo: JSON.stringify(state.userinfo ?? {}, null, 2),
      tokens: state.tokens
        ? { scope: state.tokens.scope, expires_in: state.tokens.expires_in, has_refresh_token: Boolean(state.tokens.refresh_token) }
        : undefined,
      message: state.message,
    });
    state.message = undefined;
  });

  router.get('/start', async (ctx) => {
    const state = session(ctx);
    const pending = {
      verifier: oauth.generateRandomCodeVerifier(),
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
    };
    state.pending = pending;
    const url = new URL((await as()).authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: DEMO_CLIENT_ID,
      redirect_uri: demoRedirectUri(issuer),
      response_type: 'code',
      scope: 'openid profile email offline_access',
      code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      // OIDC Core grants offline_access (a refresh token) only when consent is asked for explicitly, so a first sign-in
      // asks for it. Gatehouse remembers that consent, and issues refresh tokens on it, so a returning browser need not.
      ...(ctx.cookies.get(RETURNING) ? {} : { prompt: 'consent' }),
    }).toString();
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const state = session(ctx);
    const pending = state.pending;
    if (!pending) return ctx.redirect(demoHome(issuer));
    state.pending = undefined;
    try {
      const server = await as();
      const params = oauth.validateAuthResponse(server, client, new URL(ctx.href), pending.state);
      const response = await oauth.authorizationCodeGrantRequest(
        server,
        client,
        oauth.None(),
        params,
        demoRedirectUri(issuer),
        pending.verifier,
        http,
      );
      await remember(
        state,
        server,
        await oauth.processAuthorizationCodeResponse(server, client, response, { expectedNonce: pending.nonce, requireIdToken: true }),
      );
      ctx.cookies.set(RETURNING, '1', { httpOnly: true, sameSite: 'lax', path: '/demo', maxAge: YEAR_MS });
    } catch (error) {
      state.message = { text: `Sign-in failed: ${(error as Error).message}`, failed: true };
    }
    ctx.redirect(demoHome(issuer));
  });

  router.post('/refresh', async (ctx) => {
    const state = session(ctx);
    try {
      const server = await as();
      if (!state.tokens?.refresh_token) throw new Error('no refresh token');
      const response = await oauth.refreshTokenGrantRequest(server, client, oauth.None(), state.tokens.refresh_token, http);
      await remember(state, server, await oauth.processRefreshTokenResponse(server, client, response));
      state.message = { text: 'Tokens refreshed (the refresh token was rotated).', failed: false };
    } catch (error) {
      state.message = { text: `Refresh failed: ${(error as Error).message}`, failed: true };
    }
    ctx.redirect(demoHome(issuer));
  });

  // Ends the demo session and signs out at Gatehouse; the RETURNING cookie stays.
  router.post('/logout', async (ctx) => {
    const id = sessionId(ctx);
    const idToken = sessions.get(id)?.tokens?.id_token;
    sessions.delete(id);
    const url = new URL((await as()).end_session_endpoint!);
    url.search = new URLSearchParams({
      client_id: DEMO_CLIENT_ID,
      post_logout_redirect_uri: demoHome(issuer),
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).toString();
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  async function remember(state: DemoSession, server: oauth.AuthorizationServer, tokens: oauth.TokenEndpointResponse) {
    state.tokens = { ...state.tokens, ...tokens };
    // oauth4webapi checks iss, aud, exp and nonce; the signature is checked against the published JWKS too, as an API would.
    if (tokens.id_token) state.idTokenClaims = (await jwtVerify(tokens.id_token, jwks, { issuer, audience: DEMO_CLIENT_ID })).payload;
    const userinfo = await oauth.userInfoRequest(server, client, tokens.access_token, http);
    state.userinfo = await oauth.processUserInfoResponse(server, client, String(state.idTokenClaims?.sub), userinfo);
  }

  return router;
}
