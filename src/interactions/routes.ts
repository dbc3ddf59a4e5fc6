// The login and consent pages: GET shows the prompt oidc-provider asks for, POSTs answer it.
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type Provider from 'oidc-provider';
import type { LiveProvider } from '../provider/live-provider.js';
import { errors } from 'oidc-provider';
import type { Context } from 'koa';
import { usernameKey, type AccountStore } from '../accounts/account-store.js';
import { MAX_USERNAME_LENGTH, type ExternalDirectory, type PasswordAuthenticator } from '../accounts/authenticator.js';
import type { Render } from '../views/render.js';
import { describeClient } from '../views/client-view.js';
import { pageLocale, sendPage } from '../views/page.js';
import { formatDate } from '../i18n/format.js';
import { csrfToken, csrfValid } from './csrf.js';
import { addMissing, loadOrCreateGrant, type MissingGrant } from '../provider/grant.js';
import { describeConsent, type ScopeCatalog } from './consent-view.js';
import type { LoginThrottle } from '../security/login-throttle.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Metrics } from '../observability/metrics.js';

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
  audit: AuditLog;
  metrics: Metrics;
  /** The integrator's `authenticate` hook for a client, when there is one. */
  directory?: (clientId: string) => ExternalDirectory;
  /** URL prefix the routes are served under (the mount path, '' for '/'). */
  prefix: string;
  formLimit: number;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Form fields are read as strings only: `username[$ne]=x` becomes an empty field, never an object. */
function field(ctx: Context, name: string): string {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function createInteractionRouter(deps: InteractionDeps): Router {
  const { live, render, csrfSecret, prefix } = deps;
  const router = new Router({ prefix: `${prefix}/interaction` });
  const form = bodyParser({ enableTypes: ['form'], formLimit: `${deps.formLimit}b`, encoding: 'utf-8' });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  /** Loads the interaction bound to this browser's cookie and checks it is the one in the URL. */
  async function interaction(ctx: Context, expected?: string): Promise<Details> {
    const details = await live.current.interactionDetails(ctx.req, ctx.res);
    // SessionNotFound (an invalid_request): the error page then says the page expired rather than blame the app.
    if (details.uid !== ctx.params.uid) throw new errors.SessionNotFound('interaction mismatch');
    if (expected && details.prompt.name !== expected) throw new errors.InvalidRequest(`this step is not "${expected}"`);
    if (ctx.method === 'POST' && !csrfValid(csrfSecret, details.uid, field(ctx, 'csrf')))
      throw new errors.SessionNotFound('the form has expired or was not sent from this site; go back and try again');
    return details;
  }

  /** Who is asking, as the login and consent pages show it. */
  async function clientView(details: Details) {
    const clientId = String(details.params.client_id);
    return describeClient((await live.current.Client.find(clientId)) ?? undefined, clientId, details.params.redirect_uri);
  }

  const localeOf = (ctx: Context, details: Details) => pageLocale(render, ctx, details.params.ui_locales);

  async function showLogin(ctx: Context, details: Details, username: string, failed = false) {
    const locale = localeOf(ctx, details);
    sendPage(
      ctx,
      render,
      'login.njk',
      {
        client: await clientView(details),
        username,
        message: failed ? render.locales.message(locale, 'login.failed') : undefined,
        csrf: csrfToken(csrfSecret, details.uid),
        action: `${prefix}/interaction/${details.uid}/login`,
        abortAction: `${prefix}/interaction/${details.uid}/abort`,
      },
      locale,
    );
  }

  async function showConsent(ctx: Context, details: Details) {
    const locale = localeOf(ctx, details);
    const account = await deps.accounts.findById(String(details.session?.accountId));
    const grant = details.grantId ? await live.current.Grant.find(details.grantId) : undefined;
    const grantedScopes = grant
      ? [
          ...grant.getOIDCScope().split(' '),
          ...Object.keys(grant.resources ?? {}).flatMap((indicator) => grant.getResourceScope(indicator).split(' ')),
        ].filter(Boolean)
      : [];
    const forced = details.prompt.reasons.includes('consent_prompt');
    const { scopes, otherClaims } = describeConsent(
      {
        missing: details.prompt.details as MissingGrant,
        forced,
        granted: { scopes: grantedScopes, claims: grant?.getOIDCClaims() ?? [] },
        accountClaims: account?.claims ?? {},
      },
      deps.catalog,
      render.locales,
      locale,
    );
    sendPage(
      ctx,
      render,
      'consent.njk',
      {
        client: await clientView(details),
        username: account?.username ?? '',
        scopes,
        otherClaims,
        forced,
        anyNew: scopes.some((scope) => scope.isNew),
        // When the grant was first given: "you allowed the rest on …" / "… keeps the access you allowed on …".
        allowedOn: grantedScopes.length && grant?.iat ? formatDate(new Date(grant.iat * 1000), locale) : undefined,
        csrf: csrfToken(csrfSecret, details.uid),
        action: `${prefix}/interaction/${details.uid}/confirm`,
        abortAction: `${prefix}/interaction/${details.uid}/abort`,
      },
      locale,
    );
  }

  async function finish(ctx: Context, result: Parameters<Provider['interactionResult']>[2], merge: boolean) {
    const redirectTo = await live.current.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }

  router.get('/:uid', async (ctx) => {
    const details = await interaction(ctx);
    if (details.prompt.name === 'login') {
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      return showLogin(ctx, details, hint);
    }
    if (details.prompt.name === 'consent') return showConsent(ctx, details);
    throw new errors.InvalidRequest(`unsupported prompt "${details.prompt.name}"`);
  });

  router.post('/:uid/login', form, async (ctx) => {
    const details = await interaction(ctx, 'login');
    const username = field(ctx, 'username');
    const clientId = String(details.params.client_id);
    const refuse = async (retryAfter: number) => {
      deps.metrics.logins.inc({ outcome: retryAfter > 0 ? 'throttled' : 'failure' });
      if (retryAfter > 0) deps.metrics.throttled.inc({ kind: 'login' });
      // A throttled burst is one counted record per user, source and hour, not one event per attempt.
      if (retryAfter > 0) await deps.audit.count({ type: 'login.throttled', user: username, client: clientId, ip: ctx.ip });
      else await deps.audit.record({ type: 'login.failure', user: username, client: clientId, ip: ctx.ip, requestId: ctx.state.requestId });
      // One message for every failure, throttled or not: the status and Retry-After tell a script, not a person, why.
      ctx.status = retryAfter > 0 ? 429 : 401;
      if (retryAfter > 0) ctx.set('Retry-After', String(retryAfter));
      await showLogin(ctx, details, username, true);
    };
    // No account has such a name: refused before any lookup, so it reaches neither the throttle keys nor the audit log.
    if (username.length > MAX_USERNAME_LENGTH) {
      deps.metrics.logins.inc({ outcome: 'failure' });
      ctx.status = 400;
      await showLogin(ctx, details, '', true);
      return;
    }
    const key = usernameKey(username);
    const { retryAfter, delayMs } = await deps.throttle.begin(key, ctx.ip);
    if (retryAfter > 0) return refuse(retryAfter);
    if (delayMs > 0) {
      ctx.state.deadlineExtensionMs = delayMs;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    const account = await deps.authenticator.authenticate(
      username,
      field(ctx, 'password'),
      deps.directory?.(String(details.params.client_id)),
    );
    await deps.throttle.end(key, ctx.ip, Boolean(account));
    if (!account) return refuse(0);
    deps.metrics.logins.inc({ outcome: 'success' });
    await deps.audit.record({
      type: 'login.success',
      user: account.username,
      client: clientId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    await finish(ctx, { login: { accountId: account._id, amr: ['pwd'] } }, false);
  });

  router.post('/:uid/confirm', form, async (ctx) => {
    const details = await interaction(ctx, 'consent');
    const accountId = String(details.session?.accountId);
    const grant = await loadOrCreateGrant(live.current, details.grantId, accountId, String(details.params.client_id));
    addMissing(grant, details.prompt.details as MissingGrant);
    const grantId = await grant.save();
    await deps.audit.record({
      type: 'consent.granted',
      user: accountId,
      client: String(details.params.client_id),
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      detail: { grantId },
    });
    await finish(ctx, { consent: details.grantId ? {} : { grantId } }, true);
  });

  router.post('/:uid/abort', form, async (ctx) => {
    const details = await interaction(ctx);
    await deps.audit.record({
      type: details.prompt.name === 'consent' ? 'consent.denied' : 'login.failure',
      user: details.session?.accountId,
      client: String(details.params.client_id),
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      detail: { cancelled: true },
    });
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
  });

  return router;
}
