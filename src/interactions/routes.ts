// The login and consent pages: GET shows the prompt oidc-provider asks for, POSTs answer it.
import Router from '@koa/router';
import { errors } from 'oidc-provider';
import { usernameKey } from '../accounts/account-store.js';
import { MAX_USERNAME_LENGTH } from '../accounts/authenticator.js';
import type { Context } from 'koa';
import { sendPage } from '../views/page.js';
import { formatDate } from '../i18n/format.js';
import { addMissing, loadOrCreateGrant, type MissingGrant } from '../provider/grant.js';
import { describeConsent } from './consent-view.js';
import { type Details, field, type InteractionDeps, interactionKit, type Kit } from './kit.js';
import { showLogin } from './login-page.js';
import { addSecondFactorRoutes, showSecondFactorStep } from './second-factor.js';
import { addPasskeyRoutes } from './passkey-routes.js';

export type { InteractionDeps } from './kit.js';

export function createInteractionRouter(deps: InteractionDeps): Router {
  const kit = interactionKit(deps);
  const { prefix } = deps;
  const router = new Router({ prefix: `${prefix}/interaction` });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/:uid', async (ctx) => {
    const details = await kit.load(ctx);
    if (details.prompt.name === 'login' || details.prompt.name === 'mfa') {
      // After the password, an account with factors is asked for one before oidc-provider hears of the sign-in.
      if (await showSecondFactorStep(kit, ctx, details)) return;
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      await showLogin(kit, ctx, details, hint);
      return;
    }
    if (details.prompt.name === 'consent') return showConsent(kit, ctx, details);
    throw new errors.InvalidRequest(`unsupported prompt "${details.prompt.name}"`);
  });

  router.post('/:uid/login', kit.form, async (ctx) => {
    const details = await kit.load(ctx, ['login']);
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
      await showLogin(kit, ctx, details, username, kit.message(ctx, details, 'login.failed'));
    };
    // No account has such a name: refused before any lookup, so it reaches neither the throttle keys nor the audit log.
    if (username.length > MAX_USERNAME_LENGTH) {
      deps.metrics.logins.inc({ outcome: 'failure' });
      ctx.status = 400;
      await showLogin(kit, ctx, details, '', kit.message(ctx, details, 'login.failed'));
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
    if ((await deps.factors.summary(account._id)).usable) {
      // The password is right; the sign-in is not complete until a second factor is. The page asks for it next.
      await deps.pending.begin(details.uid, account._id);
      ctx.status = 303;
      ctx.redirect(kit.url(details));
      return;
    }
    await kit.signIn(ctx, details, account, ['pwd']);
  });

  router.post('/:uid/confirm', kit.form, async (ctx) => {
    const details = await kit.load(ctx, ['consent']);
    const accountId = String(details.session?.accountId);
    const grant = await loadOrCreateGrant(deps.live.current, details.grantId, accountId, String(details.params.client_id));
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
    await kit.finish(ctx, details, { consent: details.grantId ? {} : { grantId } }, true);
  });

  router.post('/:uid/abort', kit.form, async (ctx) => {
    const details = await kit.load(ctx);
    await deps.pending.end(details.uid);
    await deps.audit.record({
      type: details.prompt.name === 'consent' ? 'consent.denied' : 'login.failure',
      user: details.session?.accountId,
      client: String(details.params.client_id),
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      detail: { cancelled: true },
    });
    await kit.finish(ctx, details, { error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
  });

  addSecondFactorRoutes(router, kit);
  addPasskeyRoutes(router, kit);
  return router;
}

/** The consent page: who is asking, what each scope releases of this account, and what is new when consent is forced. */
async function showConsent(kit: Kit, ctx: Context, details: Details) {
  const { deps } = kit;
  const locale = kit.localeOf(ctx, details);
  const account = await deps.accounts.findById(String(details.session?.accountId));
  const grant = details.grantId ? await deps.live.current.Grant.find(details.grantId) : undefined;
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
    deps.render.locales,
    locale,
  );
  sendPage(
    ctx,
    deps.render,
    'consent.njk',
    {
      client: await kit.clientView(details, locale),
      username: account?.username ?? '',
      scopes,
      otherClaims,
      forced,
      anyNew: scopes.some((scope) => scope.isNew),
      // When the grant was first given: "you allowed the rest on …" / "… keeps the access you allowed on …".
      allowedOn: grantedScopes.length && grant?.iat ? formatDate(new Date(grant.iat * 1000), locale) : undefined,
      csrf: kit.csrf(details),
      action: kit.url(details, '/confirm'),
      abortAction: kit.url(details, '/abort'),
    },
    locale,
  );
}
