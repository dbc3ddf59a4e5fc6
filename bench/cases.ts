// The load cases: each prepares what its requests need on a target (codes, token chains) and builds them.
import type autocannon from 'autocannon';
import { API, BASIC_AUTH, CODE_VERIFIER, REDIRECT_URI } from './fixture.js';
import type { RunOptions } from './load.js';
import type { Target } from './target.js';

export interface LoadCase {
  name: string;
  title: string;
  /**
   * Fixtures for one run of `connections` connections expected to make about `expected` requests; called once for
   * the warm-up and again for the measured run, so neither uses up what the other needs.
   */
  prepare(target: Target, connections: number, expected: number): Promise<RunOptions>;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC_AUTH };

function get(path: string): RunOptions {
  return { requests: [{ method: 'GET', path }] };
}

function mint(target: Target, count: number, resource?: string): Promise<string[]> {
  return target.command<string[]>({ type: 'mint-codes', count, ...(resource ? { resource } : {}) });
}

async function exchange(target: Target, code: string): Promise<{ access_token: string; refresh_token?: string }> {
  const response = await fetch(`${target.url}/token`, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER }),
  });
  const body = (await response.json()) as { access_token: string; refresh_token?: string; error?: string };
  if (response.status !== 200) throw new Error(`setup code exchange on ${target.name} failed: ${response.status} ${body.error}`);
  return body;
}

/**
 * Refresh-token chains, as many as connections: each rotation's new token is the next request on that chain, as a
 * real client does. autocannon clears its per-connection context after every request, so the chains live in a
 * free list instead: a connection takes a chain's current token and returns the rotated one, so no chain ever has
 * two requests in flight (which reuse detection would rightly punish).
 */
async function refreshChains(target: Target, connections: number, resource?: string): Promise<RunOptions> {
  // Twice the connections: a chain broken by an error is replaced from the spares.
  const tokens: string[] = [];
  for (const code of await mint(target, connections * 2, resource)) tokens.push((await exchange(target, code)).refresh_token!);
  const ready = tokens.splice(0, connections);
  const spares = tokens;
  const extra: Record<string, string> = resource ? { resource } : {};
  const request: autocannon.Request = {
    method: 'POST',
    path: '/token',
    headers: FORM,
    setupRequest: (req) => {
      const token = ready.pop() ?? spares.pop() ?? 'no-chain-left';
      return { ...req, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, ...extra }).toString() };
    },
    onResponse: (status, body) => {
      if (status === 200) ready.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
    },
  };
  return { requests: [request] };
}

async function accessToken(target: Target): Promise<string> {
  const [code] = await mint(target, 1);
  return (await exchange(target, code!)).access_token;
}

export const CASES: LoadCase[] = [
  { name: 'discovery', title: 'Discovery document', prepare: async () => get('/.well-known/openid-configuration') },
  { name: 'jwks', title: 'JWKS', prepare: async () => get('/jwks') },
  {
    name: 'code',
    title: 'Authorization-code exchange (pre-minted codes, PKCE)',
    prepare: async (target, _connections, expected) => {
      const codes = await mint(target, expected);
      const request: autocannon.Request = {
        method: 'POST',
        path: '/token',
        headers: FORM,
        // An exhausted pool shows up as errors (invalid_grant), never as silently repeated codes.
        setupRequest: (req) => ({
          ...req,
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: codes.pop() ?? 'pool-exhausted',
            redirect_uri: REDIRECT_URI,
            code_verifier: CODE_VERIFIER,
          }).toString(),
        }),
      };
      return { requests: [request] };
    },
  },
  {
    name: 'refresh',
    title: 'Refresh-token grant (rotation, a chain per connection)',
    prepare: (target, connections) => refreshChains(target, connections),
  },
  {
    name: 'userinfo',
    title: 'Userinfo',
    prepare: async (target) => ({
      requests: [{ method: 'GET', path: '/me', headers: { authorization: `Bearer ${await accessToken(target)}` } }],
    }),
  },
  {
    name: 'introspection',
    title: 'Token introspection',
    prepare: async (target) => ({
      requests: [
        {
          method: 'POST',
          path: '/token/introspection',
          headers: FORM,
          body: new URLSearchParams({ token: await accessToken(target) }).toString(),
        },
      ],
    }),
  },
  {
    name: 'jwt-api',
    title: 'JWT access token for a resource server (refresh with resource, ES256)',
    prepare: (target, connections) => refreshChains(target, connections, API),
  },
];
