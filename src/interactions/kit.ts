// What the interaction routes share: dependencies, the form parser, loading the interaction, CSRF, and finishing a step.
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import type { AccountStore } from '../accounts/account-store.js';
import type { ExternalDirectory, PasswordAuthenticator } from '../accounts/authenticator.js';
import type { AuditLog } from '../audit/audit-log.js';
import { acrFor } from '../factors/authentication-context.js';
import type { Factors } from '../factors/factors.js';
import type { Metrics } from '../observability/metrics.js';
import type { LiveProvider } from '../provider/live-provider.js';
import type { LoginThrottle } from '../security/login-throttle.js';
import type { Render } from '../views/render.js';
import type { ScopeCatalog } from './consent-view.js';
import { csrfToken, csrfValid } from './csrf.js';
import { clientName as shownClientName, describeClient } from '../views/client-view.js';
import { pageLocale } from '../views/page.js';
import type { PendingSecondFactor } from './pending-second-factor.js';

export interface InteractionDeps {
  /** The current provider (it is replaced when signing keys rotate). */
  live: LiveProvider;
  accounts: AccountStore;
  authenticator: PasswordAuthenticator;
  render: Render;
  csrfSecret: string;
  catalog: ScopeCatalog;
  /** Failed logins per username (its case-folded key) and per IP. */
  throttle: LoginThrottle;
  /** Failed second factors per account and per IP, with the same rules. */
  secondFactorThrottle: LoginThrottle;
  factors: Factors;
  pending: PendingSecondFactor;
  audit: AuditLog;
  metrics: Metrics;
  /** The integrator's `authenticate` hook for a client, when there is one. */
  directory?: (clientId: string) => ExternalDirectory;
  /** URL prefix the routes are served under (the mount path, '' for '/'). */
  prefix: string;
  formLimit: number;
}

export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;
export type LoginResult = NonNullable<Parameters<Provider['interactionResult']>[2]['login']>;

/** Form fields are read as strings only: `username[$ne]=x` becomes an empty field, never an object. */
export function field(ctx: Context, name: string): string {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function interactionKit(deps: InteractionDeps) {
  const { live, csrfSecret, prefix } = deps;
  const form = bodyParser({ enableTypes: ['form'], formLimit: `${deps.formLimit}b`, encoding: 'utf-8' });

  /** Loads the interaction bound to this browser's cookie and checks it is the one in the URL, at the expected step. */
  async function load(ctx: Context, expected?: readonly string[]): Promise<Details> {
    const details = await live.current.interactionDetails(ctx.req, ctx.res);
    // SessionNotFound (an invalid_request): the error page then says the page expired rather than blame the app.
    if (details.uid !== ctx.params.uid) throw new errors.SessionNotFound('interaction mismatch');
    if (expected && !expected.includes(details.prompt.name))
      throw new errors.InvalidRequest(`this step is not "${expected.join('" or "')}"`);
    if (ctx.method === 'POST' && !csrfValid(csrfSecret, details.uid, field(ctx, 'csrf')))
      throw new errors.SessionNotFound('the form has expired or was not sent from this site; go back and try again');
    return details;
  }

  /** The page's language: the request's ui_locales, then Accept-Language. */
  const localeOf = (ctx: Context, details: Details) => pageLocale(deps.render, ctx, details.params.ui_locales);

  /** The client's name as a page in `locale` shows it. */
  async function clientName(details: Details, locale: string): Promise<string> {
    const clientId = String(details.params.client_id);
    return shownClientName((await live.current.Client.find(clientId)) ?? undefined, clientId, deps.render.locales, locale);
  }

  /** Who is asking, as the login and consent pages show it. */
  async function clientView(details: Details, locale: string) {
    const clientId = String(details.params.client_id);
    const client = (await live.current.Client.find(clientId)) ?? undefined;
    return describeClient(client, clientId, deps.render.locales, locale, details.params.redirect_uri);
  }

  /**
   * What provider.interactionResult does, on the interaction this request already loaded (interactionResult would
   * read it again): record the result and save it with its remaining lifetime. Returns where the provider continues.
   */
  async function save(details: Details, result: InteractionResults, merge: boolean): Promise<string> {
    details.result = merge && !('error' in result) ? { ...details.lastSubmission, ...result } : result;
    await details.persist();
    return details.returnTo;
  }

  /** Saves the result and sends the browser back to the provider. */
  async function finish(ctx: Context, details: Details, result: InteractionResults, merge: boolean) {
    const returnTo = await save(details, result, merge);
    ctx.status = 303;
    ctx.redirect(returnTo);
  }

  /**
   * The login result of a completed sign-in. `ts` is the moment of this authentication: consent later resubmits the result,
   * and without it auth_time would become the time of the consent click.
   */
  function loginResult(accountId: string, amr: string[]): LoginResult {
    return { accountId, amr, acr: acrFor(amr), ts: Math.floor(Date.now() / 1000) };
  }

  /** Counts and audits a completed sign-in (or step-up); returns the result to give oidc-provider. */
  async function recordSignIn(ctx: Context, details: Details, account: { _id: string; username: string }, amr: string[]) {
    deps.metrics.logins.inc({ outcome: 'success' });
    await deps.audit.record({
      type: 'login.success',
      user: account.username,
      client: String(details.params.client_id),
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      detail: { amr: amr.join(' '), ...(details.prompt.name === 'mfa' ? { step_up: true } : {}) },
    });
    return { login: loginResult(account._id, amr) };
  }

  /** Records a completed sign-in (or step-up) and hands it to oidc-provider, which continues the authorization. */
  async function signIn(ctx: Context, details: Details, account: { _id: string; username: string }, amr: string[]) {
    await finish(ctx, details, await recordSignIn(ctx, details, account, amr), false);
  }

  return {
    deps,
    form,
    load,
    clientName,
    clientView,
    localeOf,
    /** A message from the locale bundles, in the page's language, its {placeholders} filled from `values`. */
    message: (ctx: Context, details: Details, key: string, values?: Record<string, string>) =>
      deps.render.locales.message(localeOf(ctx, details), key, values),
    save,
    finish,
    recordSignIn,
    signIn,
    csrf: (details: Details) => csrfToken(csrfSecret, details.uid),
    url: (details: Details, path = '') => `${prefix}/interaction/${details.uid}${path}`,
  };
}

export type Kit = ReturnType<typeof interactionKit>;
