// /account: the user's own page, signed in through Gatehouse: password, factors, connected apps and sessions.
import Router from '@koa/router';
import { usernameKey } from '../accounts/account-store.js';
import { hashPassword } from '../accounts/password.js';
import { checkPassword } from '../accounts/password-policy.js';
import { ACCOUNT_CLIENT_ID } from '../config/schema.js';
import { accountPageUrls } from '../provider/clients.js';
import { endOtherSessions, grantsOf, revokeByAccountId, revokeGrant } from '../storage/model-collections.js';
import { addAccountFactorRoutes } from './factor-routes.js';
import { type AccountPageDeps, accountKit, field } from './kit.js';
import { renderAccountPage } from './page.js';
import { completeSignIn, startSignIn } from './sign-in.js';

export type { AccountPageDeps } from './kit.js';

export function createAccountRouter(deps: AccountPageDeps): Router {
  const kit = accountKit(deps);
  const router = new Router({ prefix: kit.base });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/', async (ctx) => {
    const signed = await kit.current(ctx);
    if (!signed) return startSignIn(ctx, kit.signIn);
    await renderAccountPage(kit, ctx, signed);
  });

  // Changes need a recent sign-in: this asks for it again (prompt=login), then returns to the page.
  router.get('/reauthenticate', (ctx) => startSignIn(ctx, kit.signIn, true));

  router.get('/callback', async (ctx) => {
    const { accountId, sessionUid, reauthenticate } = await completeSignIn(ctx, kit.signIn);
    const previous = kit.cookieOf(ctx);
    if (previous) await deps.sessions.remove(previous);
    const notice = reauthenticate ? kit.message(ctx, 'account.reauthenticated') : undefined;
    kit.setCookie(ctx, await deps.sessions.create(accountId, sessionUid, notice));
    ctx.status = 303;
    ctx.redirect(kit.base);
  });

  router.get('/signed-out', (ctx) => kit.page(ctx, 'account-signed-out.njk', { signInUrl: kit.base }));

  // Ends the page's session and signs out of Gatehouse (RP-initiated logout, with its confirmation page).
  router.post('/sign-out', kit.form, async (ctx) => {
    const signed = await kit.current(ctx);
    if (signed) {
      // Only this page's own form ends its session: another site cannot sign the user out of it.
      kit.checkForm(ctx, signed);
      await deps.sessions.remove(signed.cookie);
    }
    kit.setCookie(ctx, null);
    const url = new URL(`${deps.issuer}/session/end`);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      post_logout_redirect_uri: accountPageUrls(deps.issuer).signedOut,
    }).toString();
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  router.post('/password', kit.form, async (ctx) => {
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    const { account } = signed;
    const key = usernameKey(account.username);
    const { retryAfter } = await deps.throttle.begin(key, ctx.ip);
    if (retryAfter > 0) {
      ctx.status = 429;
      ctx.set('Retry-After', String(retryAfter));
      return renderAccountPage(kit, ctx, signed, kit.message(ctx, 'account.passwordThrottled'));
    }
    const checked = await deps.authenticator.authenticate(account.username, field(ctx, 'current_password'));
    await deps.throttle.end(key, ctx.ip, checked?._id === account._id);
    if (checked?._id !== account._id) {
      ctx.status = 400;
      return renderAccountPage(kit, ctx, signed, kit.message(ctx, 'account.passwordWrong'));
    }
    const password = field(ctx, 'new_password');
    const problem = await checkPassword(password, account.username, deps.passwordPolicy);
    if (problem) {
      ctx.status = 400;
      const { reason, ...values } = problem;
      const explained = kit.message(ctx, `account.passwordProblems.${reason}`, values);
      return renderAccountPage(kit, ctx, signed, kit.message(ctx, 'account.passwordRefused', { reason: explained }));
    }
    await deps.accounts.update(account.username, { passwordHash: await hashPassword(password, deps.passwordParams) });
    // Whoever knew the old password may be signed in elsewhere: every other session, and every grant and token, ends.
    const revoked = await revokeByAccountId(deps.db, account._id, { keepSessionUid: signed.sessionUid });
    await kit.audit(ctx, signed, 'account.password_changed', { revoked });
    await kit.done(ctx, signed, 'account.passwordChanged');
  });

  // Revokes everything the user allowed one client: its grants and, with them, its tokens (refresh tokens included).
  router.post('/apps/revoke', kit.form, async (ctx) => {
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    const clientId = field(ctx, 'client_id');
    const grants = (await grantsOf(deps.db, signed.account._id)).filter(({ payload }) => payload.clientId === clientId);
    if (grants.length === 0 || clientId === ACCOUNT_CLIENT_ID) return kit.done(ctx, signed, 'account.notFound');
    for (const grant of grants) await revokeGrant(deps.db, grant._id);
    await kit.audit(ctx, signed, 'grant.revoked', { grants: grants.length }, clientId);
    await kit.done(ctx, signed, 'account.appRevoked', { client: await kit.clientName(clientId) });
  });

  router.post('/sessions/end-others', kit.form, async (ctx) => {
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    const ended = await endOtherSessions(deps.db, signed.account._id, signed.sessionUid);
    await kit.audit(ctx, signed, 'account.sessions_ended', { ended });
    await kit.done(ctx, signed, 'account.othersEnded');
  });

  addAccountFactorRoutes(router, kit);
  return router;
}
