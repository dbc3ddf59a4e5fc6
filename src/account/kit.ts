// What the account routes share: their dependencies, the signed-in user (tied to a live Gatehouse session), CSRF, freshness.
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type { Db } from 'mongodb';
import type { AccountDocument, AccountStore } from '../accounts/account-store.js';
import type { PasswordAuthenticator } from '../accounts/authenticator.js';
import type { HashingPolicy } from '../accounts/password.js';
import type { PasswordPolicy } from '../accounts/password-policy.js';
import type { AuditEvent, AuditLog } from '../audit/audit-log.js';
import type { Factors } from '../factors/factors.js';
import { csrfToken, csrfValid } from '../interactions/csrf.js';
import { field } from '../interactions/kit.js';
import type { LiveProvider } from '../provider/live-provider.js';
import type { LoginThrottle } from '../security/login-throttle.js';
import { pageLocale, sendPage } from '../views/page.js';
import type { Render } from '../views/render.js';
import type { AccountSessions } from './account-sessions.js';
import { AccountPageError, type SignInDeps } from './sign-in.js';

export interface AccountPageDeps {
  live: LiveProvider;
  db: Db;
  accounts: AccountStore;
  sessions: AccountSessions;
  authenticator: PasswordAuthenticator;
  passwordParams: HashingPolicy;
  passwordPolicy: PasswordPolicy;
  factors: Factors;
  /** Wrong current passwords count like failed sign-ins. */
  throttle: LoginThrottle;
  audit: AuditLog;
  render: Render;
  csrfSecret: string;
  issuer: string;
  /** URL prefix the routes are served under (the mount path, '' for '/'). */
  prefix: string;
  formLimit: number;
  /** Seconds after a sign-in during which changes are allowed (account.reauthenticate_after). */
  reauthenticateAfter: number;
}

/** The user on the account page: their account, the Gatehouse session they signed in with, and whether it is recent. */
export interface Signed {
  cookie: string;
  account: AccountDocument;
  sessionUid: string;
  fresh: boolean;
  notice?: string;
  csrf: string;
}

const COOKIE = 'gatehouse.account';

export { field };

export function accountKit(deps: AccountPageDeps) {
  const base = `${deps.prefix}/account`;
  const form = bodyParser({ enableTypes: ['form'], formLimit: `${deps.formLimit}b`, encoding: 'utf-8' });
  const signIn: SignInDeps = { live: deps.live, issuer: deps.issuer, path: base };
  const csrfFor = (cookie: string) => csrfToken(deps.csrfSecret, `account:${cookie}`);

  /**
   * The signed-in user, or undefined. The page's session lasts only as long as the Gatehouse session it came from:
   * signing out, "sign out everywhere", a password change elsewhere or a disabled account end it too.
   */
  async function current(ctx: Context): Promise<Signed | undefined> {
    const cookie = cookieOf(ctx);
    const stored = cookie ? await deps.sessions.find(cookie) : undefined;
    if (!cookie || !stored) return undefined;
    const session = await deps.live.current.Session.findByUid(stored.sessionUid);
    const account = session?.accountId === stored.accountId ? await deps.accounts.findById(stored.accountId) : undefined;
    if (!session || !account || account.disabled) {
      await deps.sessions.remove(cookie);
      return undefined;
    }
    const loginTs = Number(session.loginTs ?? 0);
    return {
      cookie,
      account,
      sessionUid: stored.sessionUid,
      fresh: Date.now() / 1000 - loginTs <= deps.reauthenticateAfter,
      notice: stored.notice,
      csrf: csrfFor(cookie),
    };
  }

  /** The page's session id from its signed cookie, if the browser has one. */
  function cookieOf(ctx: Context): string | undefined {
    return ctx.cookies.get(COOKIE, { signed: true });
  }

  function setCookie(ctx: Context, value: string | null) {
    ctx.cookies.set(COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', path: base, secure: ctx.secure });
  }

  /** The form was sent from this page for this session (CSRF); otherwise the error page. */
  function checkForm(ctx: Context, signed: Signed): void {
    if (!csrfValid(deps.csrfSecret, `account:${signed.cookie}`, field(ctx, 'csrf')))
      throw new AccountPageError('the form has expired or was not sent from this site; go back and try again');
  }

  /** A client's name as the pages show it (its id when it has none, or is gone). */
  async function clientName(clientId: string): Promise<string> {
    return (await deps.live.current.Client.find(clientId))?.clientName ?? clientId;
  }

  /**
   * A change: signed in, the form from this page (CSRF), and a recent sign-in. Returns undefined when it answered
   * instead (to the sign-in, or to sign in again); `json` answers a script with a status rather than a redirect.
   */
  async function forChange(ctx: Context, { json = false } = {}): Promise<Signed | undefined> {
    const signed = await current(ctx);
    if (!signed) {
      if (json) ctx.status = 401;
      else {
        ctx.status = 303;
        ctx.redirect(base);
      }
      return undefined;
    }
    checkForm(ctx, signed);
    if (!signed.fresh) {
      if (json) ctx.status = 403;
      else {
        ctx.status = 303;
        ctx.redirect(`${base}/reauthenticate`);
      }
      return undefined;
    }
    return signed;
  }

  /** The pages' language: the browser's Accept-Language (the account page has no OIDC request of its own), else the default. */
  const localeOf = (ctx: Context) => pageLocale(deps.render, ctx);

  /** A message in the page's language, its {placeholders} filled from `values`. */
  const message = (ctx: Context, key: string, values?: Record<string, string>) => deps.render.locales.message(localeOf(ctx), key, values);

  /** Renders one of the account pages in the request's language. */
  const page = (ctx: Context, template: string, context: Record<string, unknown>) =>
    sendPage(ctx, deps.render, template, context, localeOf(ctx));

  /**
   * After a change: back to the page, which shows `notice` once. The notice is stored as text in the language of the
   * request that made the change (the same browser reads it next), so the stored document keeps its shape.
   */
  async function done(ctx: Context, signed: Signed, noticeKey: string, values?: Record<string, string>) {
    await deps.sessions.setNotice(signed.cookie, message(ctx, noticeKey, values));
    ctx.status = 303;
    ctx.redirect(base);
  }

  /** Every change is audited, naming the user, the source and the request. */
  async function audit(ctx: Context, signed: Signed, type: AuditEvent['type'], detail?: AuditEvent['detail'], client?: string) {
    await deps.audit.record({
      type,
      user: signed.account.username,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      ...(client ? { client } : {}),
      detail: { ...detail, via: 'account' },
    });
  }

  return { deps, base, form, signIn, current, cookieOf, setCookie, checkForm, forChange, clientName, done, audit, localeOf, message, page };
}

export type AccountKit = ReturnType<typeof accountKit>;
