// The login and consent pages: GET shows the prompt oidc-provider asks for, POSTs answer it.
import Router from '@koa/router';
import { errors } from 'oidc-provider';
import { usernameKey } from '../accounts/account-store.js';
import { MAX_USERNAME_LENGTH } from '../accounts/authenticator.js';
import { strings } from '../views/strings.js';
import { addMissing, loadOrCreateGrant, type MissingGrant } from '../provider/grant.js';
import { describeConsent } from './consent-view.js';
import { field, type InteractionDeps, interactionKit } from './kit.js';
import { showLogin } from './login-page.js';
import { addSecondFactorRoutes, showSecondFactorStep } from './second-factor.js';
import { addPasskeyRoutes } from './passkey-routes.js';

export type { InteractionDeps } from './kit.js';

export function createInteractionRouter(deps: InteractionDeps): Router {
  const kit = interactionKit(deps);
  const { render, prefix } = deps;
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
    if (details.prompt.name === 'consent') {
      const account = await deps.accounts.findById(String(details.session?.accountId));
      const { scopes, claims } = describeConsent(details.prompt.details as MissingGrant, deps.catalog);
      ctx.type = 'html';
      ctx.body = render('consent.njk', {
        clientName: await kit.clientName(details),
        username: account?.username ?? '',
        scopes,
        claims,
        csrf: kit.csrf(details),
        action: kit.url(details, '/confirm'),
        abortAction: kit.url(details, '/abort'),
      });
      return;
    }
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
      await showLogin(kit, ctx, details, username, strings.login.failed);
    };
    // No account has such a name: refused before any lookup, so it reaches neither the throttle keys nor the audit log.
    if (username.length > MAX_USERNAME_LENGTH) {
      deps.metrics.logins.inc({ outcome: 'failure' });
      ctx.status = 400;
      await showLogin(kit, ctx, details, '', strings.login.failed);
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
    await kit.finish(ctx, { consent: details.grantId ? {} : { grantId } }, true);
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
    await kit.finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
  });

  addSecondFactorRoutes(router, kit);
  addPasskeyRoutes(router, kit);
  return router;
}
