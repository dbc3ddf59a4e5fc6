// Counts the MongoDB commands one request costs on each budgeted path: the storage round trips that decide its speed.
import { randomBytes } from 'node:crypto';
import { Browser } from '../test/helpers/browser.js';
import { BASIC_AUTH, CLIENT_ID, CODE_CHALLENGE, CODE_VERIFIER, REDIRECT_URI, SCOPE } from './fixture.js';

/** Commands by name and collection ("find oidc_Grant"), as the driver's command monitoring reports them. */
export type CommandCounts = Record<string, number>;

/** A server under test seen from outside: its URL, its driver's running command counts, and fixtures. */
export interface RoundTripProbe {
  url: string;
  /** Commands started so far by the server's MongoClient, by name. */
  commands(): Promise<CommandCounts>;
  mintCodes(count: number): Promise<string[]>;
  /** A user to sign in with (Gatehouse only: bare oidc-provider has no login pages). */
  user?: { username: string; password: string };
}

export const PROTOCOL_PATHS = ['discovery', 'jwks', 'code', 'refresh', 'userinfo', 'introspection'] as const;
export type RoundTripPath = (typeof PROTOCOL_PATHS)[number] | 'sign-in';
export type RoundTrips = Partial<Record<RoundTripPath, CommandCounts>>;

const FORM = { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC_AUTH };

function difference(after: CommandCounts, before: CommandCounts): CommandCounts {
  const counts: CommandCounts = {};
  for (const [name, n] of Object.entries(after)) if (n - (before[name] ?? 0) > 0) counts[name] = n - (before[name] ?? 0);
  return counts;
}

export function total(counts: CommandCounts | undefined): number {
  return Object.values(counts ?? {}).reduce((sum, n) => sum + n, 0);
}

async function ok(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what}: ${response.status} ${text.slice(0, 200)}`);
  return response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function exchange(url: string, code: string) {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER }),
  });
  return (await ok(response, 'code exchange')) as { access_token: string; refresh_token: string };
}

/** Authorize → login → consent (when asked, or remembered) → code at the redirect URI → code exchange, in a fresh browser. */
export async function signIn(url: string, user: { username: string; password: string }, prompt?: 'consent'): Promise<void> {
  const browser = new Browser([REDIRECT_URI]);
  const authorize = new URL(`${url}/auth`);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: SCOPE,
    code_challenge: CODE_CHALLENGE,
    code_challenge_method: 'S256',
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    ...(prompt ? { prompt } : {}),
  }).toString();
  const login = await browser.navigate(authorize.href);
  if (!login.page) throw new Error('expected the login page');
  let outcome = await browser.submit(login.page, '/login', { username: user.username, password: user.password });
  if (outcome.page && prompt === 'consent') outcome = await browser.submit(outcome.page, '/confirm');
  const code = outcome.callback?.searchParams.get('code');
  if (!code) throw new Error(`expected a code at the redirect URI, got ${outcome.page?.status ?? outcome.callback?.href}`);
  const tokens = await exchange(url, code);
  if (!tokens.access_token) throw new Error('no access token');
}

/** One request (or one sign-in) per path, with what it needs prepared beforehand and not counted. */
async function steps(probe: RoundTripProbe): Promise<Array<[RoundTripPath, () => Promise<unknown>]>> {
  const { url } = probe;
  const [forCode, forTokens] = await probe.mintCodes(2);
  const tokens = await exchange(url, forTokens!);
  const list: Array<[RoundTripPath, () => Promise<unknown>]> = [
    ['discovery', async () => ok(await fetch(`${url}/.well-known/openid-configuration`), 'discovery')],
    ['jwks', async () => ok(await fetch(`${url}/jwks`), 'jwks')],
    ['code', () => exchange(url, forCode!)],
    [
      'refresh',
      async () =>
        ok(
          await fetch(`${url}/token`, {
            method: 'POST',
            headers: FORM,
            body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
          }),
          'refresh',
        ),
    ],
    ['userinfo', async () => ok(await fetch(`${url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }), 'userinfo')],
    [
      'introspection',
      async () =>
        ok(
          await fetch(`${url}/token/introspection`, {
            method: 'POST',
            headers: FORM,
            body: new URLSearchParams({ token: tokens.access_token }),
          }),
          'introspection',
        ),
    ],
  ];
  if (probe.user) {
    const user = probe.user;
    // The consent is given once; the counted sign-in is the everyday one, with consent remembered.
    await signIn(url, user, 'consent');
    list.push(['sign-in', () => signIn(url, user)]);
  }
  return list;
}

/**
 * Commands per path, each the fewest seen over `tries` requests: a background read (the key watcher's poll) that
 * happens to land inside one request's window is not that path's cost.
 */
export async function countRoundTrips(probe: RoundTripProbe, tries = 3): Promise<RoundTrips> {
  const result: RoundTrips = {};
  for (let attempt = 0; attempt < tries; attempt++)
    for (const [path, run] of await steps(probe)) {
      const before = await probe.commands();
      await run();
      const counts = difference(await probe.commands(), before);
      if (result[path] === undefined || total(counts) < total(result[path])) result[path] = counts;
    }
  return result;
}
