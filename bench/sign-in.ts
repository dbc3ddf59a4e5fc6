// Full sign-in throughput: scripted users doing authorize → login → consent → token over HTTP, beside the KDF's own cost.
import { randomBytes } from 'node:crypto';
import { Browser } from '../test/helpers/browser.js';
import { BASIC_AUTH, CLIENT_ID, CODE_CHALLENGE, CODE_VERIFIER, REDIRECT_URI, SCOPE, USER_PASSWORD } from './fixture.js';
import type { Target } from './target.js';
import type { KdfCost } from './servers/protocol.js';

export interface SignInStats {
  users: number;
  seconds: number;
  signIns: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
  kdf: KdfCost;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

/** One sign-in in a fresh browser (no session), ending with the token response. */
async function signInOnce(url: string, username: string): Promise<void> {
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
    // The consent page every time: a sign-in here always includes consent, as the case says.
    prompt: 'consent',
  }).toString();
  const login = await browser.navigate(authorize.href);
  if (!login.page) throw new Error('expected the login page');
  const consent = await browser.submit(login.page, '/login', { username, password: USER_PASSWORD });
  if (!consent.page) throw new Error('expected the consent page');
  const callback = await browser.submit(consent.page, '/confirm');
  const code = callback.callback?.searchParams.get('code');
  if (!code) throw new Error(`expected a code at the redirect URI, got ${callback.page?.status ?? callback.callback?.href}`);
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC_AUTH },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER }),
  });
  const body = (await response.json()) as { id_token?: string; error?: string };
  if (response.status !== 200 || !body.id_token) throw new Error(`token response ${response.status} ${body.error ?? ''}`);
}

async function signInLoop(url: string, usernames: string[], seconds: number, record: (ms: number) => void, fail: (error: Error) => void) {
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    usernames.map(async (username) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await signInOnce(url, username).then(() => record(performance.now() - started), fail);
      }
    }),
  );
}

export async function signInThroughput(target: Target, users: number, warmupSeconds: number, seconds: number): Promise<SignInStats> {
  const usernames = await target.command<string[]>({ type: 'create-users', count: users });
  await signInLoop(
    target.url,
    usernames,
    warmupSeconds,
    () => {},
    () => {},
  );
  const times: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await signInLoop(
    target.url,
    usernames,
    seconds,
    (ms) => times.push(ms),
    (error) => {
      errors++;
      firstError ??= error.message;
    },
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  // Measured in the server process while it is otherwise idle, at the same concurrency as the users.
  const kdf = await target.command<KdfCost>({ type: 'kdf-cost', concurrency: users });
  return {
    users,
    seconds: elapsed,
    signIns: times.length,
    perSecond: times.length / elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    errors,
    firstError,
    kdf,
  };
}
