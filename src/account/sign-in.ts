// The account page signs in through Gatehouse as its own first-party client: code + PKCE, the code redeemed in process.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { ACCOUNT_CLIENT_ID } from '../config/schema.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { LiveProvider } from '../provider/live-provider.js';
import { accountPageUrls } from '../provider/clients.js';

/** A request the account page refuses (a stale form, a forged one): the user's to see. */
export class AccountPageError extends GatehouseError {
  override name = 'AccountPageError';
  override readonly status = 400;
}

const PENDING_COOKIE = 'gatehouse.account.signin';
const PENDING_MS = 10 * 60 * 1000;

interface Pending {
  state: string;
  verifier: string;
  reauthenticate: boolean;
}

export interface SignInDeps {
  live: LiveProvider;
  issuer: string;
  /** Where the account routes live: the pending cookie is scoped to it. */
  path: string;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * Sends the browser to Gatehouse's authorization endpoint. A user already signed in comes straight back (first party:
 * no consent page); `reauthenticate` asks for the sign-in again (prompt=login), which is how changes get a fresh one.
 */
export function startSignIn(ctx: Context, deps: SignInDeps, reauthenticate = false): void {
  const pending: Pending = {
    state: randomBytes(16).toString('base64url'),
    verifier: randomBytes(32).toString('base64url'),
    reauthenticate,
  };
  ctx.cookies.set(PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: deps.path,
    maxAge: PENDING_MS,
    secure: ctx.secure,
  });
  const url = new URL(`${deps.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: ACCOUNT_CLIENT_ID,
    response_type: 'code',
    redirect_uri: accountPageUrls(deps.issuer).callback,
    scope: 'openid',
    state: pending.state,
    code_challenge: s256(pending.verifier),
    code_challenge_method: 'S256',
    ...(reauthenticate ? { prompt: 'login' } : {}),
  }).toString();
  ctx.status = 303;
  ctx.redirect(url.href);
}

function readPending(ctx: Context): Pending | undefined {
  const raw = ctx.cookies.get(PENDING_COOKIE, { signed: true });
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Pending>;
    return typeof value.state === 'string' && typeof value.verifier === 'string'
      ? { state: value.state, verifier: value.verifier, reauthenticate: value.reauthenticate === true }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The callback: checks state, then redeems the code without a network round trip. A server calling its own public URL
 * fails behind many proxies (hairpin NAT, an internal CA), and the code never needs to leave this process: the checks
 * are the token endpoint's own (client, redirect URI, PKCE, single use).
 */
export async function completeSignIn(
  ctx: Context,
  deps: SignInDeps,
): Promise<{ accountId: string; sessionUid: string; reauthenticate: boolean }> {
  const pending = readPending(ctx);
  ctx.cookies.set(PENDING_COOKIE, null, { signed: true, path: deps.path });
  const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
  if (!pending || state !== pending.state)
    throw new AccountPageError('this sign-in has expired or was started elsewhere; open your account page again');
  if (typeof ctx.query.error === 'string') throw new AccountPageError('the sign-in was cancelled');
  const code = typeof ctx.query.code === 'string' ? await deps.live.current.AuthorizationCode.find(ctx.query.code) : undefined;
  const valid =
    code &&
    !(code as { consumed?: unknown }).consumed &&
    code.clientId === ACCOUNT_CLIENT_ID &&
    code.redirectUri === accountPageUrls(deps.issuer).callback &&
    code.codeChallengeMethod === 'S256' &&
    code.codeChallenge === s256(pending.verifier) &&
    code.accountId &&
    code.sessionUid;
  if (!valid) throw new AccountPageError('the sign-in could not be completed; open your account page again');
  await code.consume();
  return { accountId: code.accountId!, sessionUid: code.sessionUid!, reauthenticate: pending.reauthenticate };
}
