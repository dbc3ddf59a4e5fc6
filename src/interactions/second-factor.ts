// The second factor, after a password or as a step-up, and enrolment for a session that needs a factor it does not have.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import { withSecondFactor } from '../factors/authentication-context.js';
import type { FactorSummary } from '../factors/factors.js';
import { sendPage } from '../views/page.js';
import { type Details, field, type Kit } from './kit.js';

/** Whose second factor this interaction asks for, and how the first part of the sign-in went. */
export interface SecondFactorSubject {
  accountId: string;
  username: string;
  displayName: string;
  /** amr so far: the password's, or the session's for a step-up. */
  first: string[];
}

/** After a password (login prompt, with the pending record) or for the session's account (mfa prompt); otherwise undefined. */
export async function secondFactorSubject(kit: Kit, details: Details): Promise<SecondFactorSubject | undefined> {
  const { prompt, session } = details;
  const accountId =
    prompt.name === 'login' ? await kit.deps.pending.accountFor(details.uid) : prompt.name === 'mfa' ? session?.accountId : undefined;
  if (!accountId) return undefined;
  const account = await kit.deps.accounts.findById(accountId);
  if (!account || account.disabled) return undefined;
  const name = typeof account.claims.name === 'string' ? account.claims.name : account.username;
  return {
    accountId: account._id,
    username: account.username,
    displayName: name,
    first: prompt.name === 'mfa' ? (session?.amr ?? ['pwd']) : ['pwd'],
  };
}

export async function requireSubject(kit: Kit, details: Details): Promise<SecondFactorSubject> {
  const subject = await secondFactorSubject(kit, details);
  if (!subject) throw new errors.InvalidRequest('no sign-in is waiting for a second factor; start again');
  return subject;
}

async function renderSecondFactor(
  kit: Kit,
  ctx: Context,
  details: Details,
  subject: SecondFactorSubject,
  summary: FactorSummary,
  messageKey?: string,
) {
  const locale = kit.localeOf(ctx, details);
  const text = (key: string, values?: Record<string, string>) => kit.deps.render.locales.message(locale, key, values);
  const stepUp = details.prompt.name === 'mfa';
  sendPage(
    ctx,
    kit.deps.render,
    'second-factor.njk',
    {
      intro: stepUp
        ? text('secondFactor.stepUpIntro', { client: await kit.clientName(details, locale), user: subject.username })
        : text('secondFactor.intro', { user: subject.username }),
      message: messageKey && text(messageKey),
      csrf: kit.csrf(details),
      passkey:
        summary.passkeys > 0
          ? {
              action: kit.url(details, '/passkey'),
              options: kit.url(details, '/passkey/options'),
              label: text('secondFactor.passkeyButton'),
            }
          : undefined,
      totpAction: summary.totp ? kit.url(details, '/mfa/totp') : undefined,
      recoveryAction: summary.recoveryCodes > 0 ? kit.url(details, '/mfa/recovery') : undefined,
      abortAction: kit.url(details, '/abort'),
    },
    locale,
  );
}

/** Enrolment during sign-in; `messageKey` names the failure to report (a wrong code, a passkey that was not created). */
export async function renderEnrolment(kit: Kit, ctx: Context, details: Details, subject: SecondFactorSubject, messageKey?: string) {
  const { factors } = kit.deps;
  const locale = kit.localeOf(ctx, details);
  const text = (key: string, values?: Record<string, string>) => kit.deps.render.locales.message(locale, key, values);
  const totp = factors.allowed.has('totp') ? await factors.totp.startEnrolment(subject.accountId, subject.username) : undefined;
  sendPage(
    ctx,
    kit.deps.render,
    'mfa-enrol.njk',
    {
      intro: text('enrol.intro', { client: await kit.clientName(details, locale), user: subject.username }),
      message: messageKey && text(messageKey),
      csrf: kit.csrf(details),
      totp: totp && { ...totp, action: kit.url(details, '/mfa/enrol/totp') },
      register: factors.allowed.has('passkey')
        ? {
            action: kit.url(details, '/mfa/enrol/passkey'),
            options: kit.url(details, '/passkey/register-options'),
            id: 'passkey-name',
            nameLabel: text('enrol.passkeyName'),
            label: text('enrol.passkeyButton'),
            defaultName: text('passkey.defaultName'),
          }
        : undefined,
      abortAction: kit.url(details, '/abort'),
    },
    locale,
  );
}

/**
 * Shows the second-factor page (or, for an mfa prompt without factors, enrolment) when this interaction is at that step;
 * returns false when it is not, so the caller shows the login page. `messageKey` names a failure to report; `known` is
 * the subject when the caller has it already (a failed attempt), saving its reads.
 */
export async function showSecondFactorStep(
  kit: Kit,
  ctx: Context,
  details: Details,
  messageKey?: string,
  known?: SecondFactorSubject,
): Promise<boolean> {
  const subject = known ?? (await secondFactorSubject(kit, details));
  if (!subject) {
    if (details.prompt.name === 'mfa') throw new errors.AccessDenied('the account cannot sign in');
    return false;
  }
  const summary = await kit.deps.factors.summary(subject.accountId);
  if (summary.usable) await renderSecondFactor(kit, ctx, details, subject, summary, messageKey);
  else if (details.prompt.name === 'mfa') await renderEnrolment(kit, ctx, details, subject, messageKey);
  // The factors were removed since the password was checked: the password alone signs in, from the login page.
  else return false;
  return true;
}

/**
 * One throttled second-factor attempt: counted per account and source before the check (like passwords, so parallel
 * guesses cannot slip past), never locking the owner out elsewhere. `check` returns the amr methods on success.
 */
export async function attemptSecondFactor(
  kit: Kit,
  ctx: Context,
  details: Details,
  subject: SecondFactorSubject,
  factor: 'totp' | 'recovery_code' | 'passkey',
  check: () => Promise<string[] | undefined>,
): Promise<void> {
  const { secondFactorThrottle: throttle, audit, metrics } = kit.deps;
  const client = String(details.params.client_id);
  const { retryAfter, delayMs } = await throttle.begin(subject.accountId, ctx.ip);
  if (retryAfter > 0) {
    metrics.throttled.inc({ kind: 'mfa' });
    await audit.count({ type: 'mfa.throttled', user: subject.username, client, ip: ctx.ip });
    ctx.status = 429;
    ctx.set('Retry-After', String(retryAfter));
    await showFailure(kit, ctx, details, subject, 'secondFactor.failed');
    return;
  }
  if (delayMs > 0) {
    ctx.state.deadlineExtensionMs = delayMs;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  const methods = await check();
  await throttle.end(subject.accountId, ctx.ip, methods !== undefined);
  if (!methods) {
    metrics.logins.inc({ outcome: 'failure' });
    await audit.record({
      type: 'mfa.failure',
      user: subject.username,
      client,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      detail: { factor },
    });
    ctx.status = 401;
    await showFailure(kit, ctx, details, subject, factor === 'passkey' ? 'passkey.failed' : 'secondFactor.failed');
    return;
  }
  if (details.prompt.name === 'login') await kit.deps.pending.end(details.uid);
  await kit.signIn(ctx, details, { _id: subject.accountId, username: subject.username }, withSecondFactor(subject.first, methods));
}

/** A refused attempt shows the step again with the failure; if the step is gone (factors removed meanwhile), the login page. */
async function showFailure(kit: Kit, ctx: Context, details: Details, subject: SecondFactorSubject, messageKey: string) {
  if (await showSecondFactorStep(kit, ctx, details, messageKey, subject)) return;
  ctx.status = 303;
  ctx.redirect(kit.url(details));
}

/** The subject of an enrolment: an mfa prompt whose account has no usable factor yet, and the factor must be allowed. */
export async function enrolmentSubject(kit: Kit, details: Details, factor: 'totp' | 'passkey'): Promise<SecondFactorSubject> {
  const subject = await requireSubject(kit, details);
  if (!kit.deps.factors.allowed.has(factor) || (await kit.deps.factors.summary(subject.accountId)).usable)
    throw new errors.InvalidRequest('this account cannot enrol that factor here');
  return subject;
}

/** After enrolment: new recovery codes are shown once (when allowed), and the sign-in continues from their page. */
export async function finishEnrolment(kit: Kit, ctx: Context, details: Details, subject: SecondFactorSubject, methods: string[]) {
  const { factors, audit, render } = kit.deps;
  const account = { _id: subject.accountId, username: subject.username };
  const amr = withSecondFactor(subject.first, methods);
  if (!factors.allowed.has('recovery_code')) return kit.signIn(ctx, details, account, amr);
  const codes = await factors.recoveryCodes.regenerate(subject.accountId);
  await audit.record({ type: 'mfa.recovery_codes.generated', user: subject.username, ip: ctx.ip, requestId: ctx.state.requestId });
  const result = await kit.recordSignIn(ctx, details, account, amr);
  const continueUrl = await kit.save(details, result, false);
  sendPage(
    ctx,
    render,
    'recovery-codes.njk',
    { codes, continueUrl, continueLabel: kit.message(ctx, details, 'recovery.continue') },
    kit.localeOf(ctx, details),
  );
}

export function addSecondFactorRoutes(router: Router, kit: Kit): void {
  const { factors, audit } = kit.deps;

  router.post('/:uid/mfa/totp', kit.form, async (ctx) => {
    const details = await kit.load(ctx, ['login', 'mfa']);
    const subject = await requireSubject(kit, details);
    await attemptSecondFactor(kit, ctx, details, subject, 'totp', async () =>
      factors.allowed.has('totp') && (await factors.totp.verify(subject.accountId, field(ctx, 'code'))) ? ['otp'] : undefined,
    );
  });

  router.post('/:uid/mfa/recovery', kit.form, async (ctx) => {
    const details = await kit.load(ctx, ['login', 'mfa']);
    const subject = await requireSubject(kit, details);
    await attemptSecondFactor(kit, ctx, details, subject, 'recovery_code', async () => {
      if (!factors.allowed.has('recovery_code') || !(await factors.recoveryCodes.use(subject.accountId, field(ctx, 'code'))))
        return undefined;
      const remaining = await factors.recoveryCodes.remaining(subject.accountId);
      await audit.record({
        type: 'mfa.recovery_code.used',
        user: subject.username,
        ip: ctx.ip,
        requestId: ctx.state.requestId,
        detail: { remaining },
      });
      // A recovery code is a one-time password (RFC 8176 has no closer value).
      return ['otp'];
    });
  });

  router.post('/:uid/mfa/enrol/totp', kit.form, async (ctx) => {
    const details = await kit.load(ctx, ['mfa']);
    const subject = await enrolmentSubject(kit, details, 'totp');
    if (!(await factors.totp.confirm(subject.accountId, field(ctx, 'code')))) {
      ctx.status = 400;
      await renderEnrolment(kit, ctx, details, subject, 'enrol.failed');
      return;
    }
    await audit.record({ type: 'mfa.totp.enrolled', user: subject.username, ip: ctx.ip, requestId: ctx.state.requestId });
    await finishEnrolment(kit, ctx, details, subject, ['otp']);
  });
}
