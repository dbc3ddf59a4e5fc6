// The account page's factors: add, rename and remove passkeys; set up and remove TOTP; make new recovery codes.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { passkeyName } from '../factors/passkeys.js';
import { parseCredential } from '../factors/webauthn.js';
import { type AccountKit, field, type Signed } from './kit.js';
import { renderAccountPage } from './page.js';
import { AccountPageError } from './sign-in.js';

export function addAccountFactorRoutes(router: Router, kit: AccountKit): void {
  const { factors } = kit.deps;
  const { passkeys, webauthn, totp, recoveryCodes } = factors;
  /** Challenges belong to the Gatehouse session the page signed in with. */
  const binding = (signed: Signed) => `account:${signed.sessionUid}`;

  const requireAllowed = (factor: 'passkey' | 'totp' | 'recovery_code') => {
    if (!factors.allowed.has(factor)) throw new AccountPageError('that factor is not enabled here');
  };

  /** Shows new recovery codes once; `noticeKey` names the message saying what was just done. */
  function showCodes(ctx: Context, codes: string[], noticeKey?: string) {
    kit.page(ctx, 'recovery-codes.njk', {
      codes,
      continueUrl: kit.base,
      continueLabel: kit.message(ctx, 'recovery.back'),
      message: noticeKey && kit.message(ctx, noticeKey),
    });
  }

  /** Recovery codes stand in for a factor: once the last passkey or TOTP is gone they go too, rather than linger unusable. */
  async function factorRemoved(ctx: Context, signed: Signed, noticeKey: string) {
    if (!(await factors.summary(signed.account._id)).usable && (await recoveryCodes.remove(signed.account._id)) > 0)
      await kit.audit(ctx, signed, 'mfa.recovery_codes.removed');
    await kit.done(ctx, signed, noticeKey);
  }

  /** A first factor comes with recovery codes (when allowed and there are none yet), shown once. */
  async function factorAdded(ctx: Context, signed: Signed, noticeKey: string) {
    if (!factors.allowed.has('recovery_code') || (await recoveryCodes.remaining(signed.account._id)) > 0)
      return kit.done(ctx, signed, noticeKey);
    const codes = await recoveryCodes.regenerate(signed.account._id);
    await kit.audit(ctx, signed, 'mfa.recovery_codes.generated');
    showCodes(ctx, codes, noticeKey);
  }

  async function showTotpSetup(ctx: Context, signed: Signed, alertKey?: string) {
    const enrolment = await totp.startEnrolment(signed.account._id, signed.account.username);
    if (!enrolment) return kit.done(ctx, signed, 'account.totpAdded');
    kit.page(ctx, 'account-totp.njk', {
      totp: { ...enrolment, action: `${kit.base}/totp` },
      csrf: signed.csrf,
      alert: alertKey && kit.message(ctx, alertKey),
      backUrl: kit.base,
    });
  }

  router.get('/totp', async (ctx) => {
    requireAllowed('totp');
    const signed = await kit.current(ctx);
    if (!signed) return ctx.redirect(kit.base);
    if (!signed.fresh) return ctx.redirect(`${kit.base}/reauthenticate`);
    await showTotpSetup(ctx, signed);
  });

  router.post('/totp', kit.form, async (ctx) => {
    requireAllowed('totp');
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    if (!(await totp.confirm(signed.account._id, field(ctx, 'code')))) {
      ctx.status = 400;
      return showTotpSetup(ctx, signed, 'enrol.failed');
    }
    await kit.audit(ctx, signed, 'mfa.totp.enrolled');
    await factorAdded(ctx, signed, 'account.totpAdded');
  });

  router.post('/totp/remove', kit.form, async (ctx) => {
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    if (!(await totp.remove(signed.account._id))) return kit.done(ctx, signed, 'account.notFound');
    await kit.audit(ctx, signed, 'mfa.totp.removed');
    await factorRemoved(ctx, signed, 'account.totpRemoved');
  });

  router.post('/recovery-codes', kit.form, async (ctx) => {
    requireAllowed('recovery_code');
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    // Recovery codes stand in for a factor; without one they would be a second password.
    if (!(await factors.summary(signed.account._id)).usable) return kit.done(ctx, signed, 'account.recoveryNone');
    const codes = await recoveryCodes.regenerate(signed.account._id);
    await kit.audit(ctx, signed, 'mfa.recovery_codes.generated');
    showCodes(ctx, codes);
  });

  router.post('/passkeys/options', kit.form, async (ctx) => {
    requireAllowed('passkey');
    const signed = await kit.forChange(ctx, { json: true });
    if (!signed) return;
    const name = typeof signed.account.claims.name === 'string' ? signed.account.claims.name : signed.account.username;
    ctx.body = await webauthn.registrationOptions(
      binding(signed),
      { id: signed.account._id, name: signed.account.username, displayName: name },
      await passkeys.list(signed.account._id),
    );
  });

  router.post('/passkeys', kit.form, async (ctx) => {
    requireAllowed('passkey');
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    const credential = parseCredential<RegistrationResponseJSON>(field(ctx, 'credential'));
    const created = credential && (await webauthn.verifyRegistration(binding(signed), credential));
    if (!created) {
      ctx.status = 400;
      return renderAccountPage(kit, ctx, signed, kit.message(ctx, 'enrol.passkeyFailed'));
    }
    const name = passkeyName(field(ctx, 'name'), kit.message(ctx, 'passkey.defaultName'));
    await passkeys.addRegistered(signed.account._id, name, created);
    await kit.audit(ctx, signed, 'mfa.passkey.added', { name });
    await factorAdded(ctx, signed, 'account.passkeyAdded');
  });

  // Rename and remove name the passkey by id; the store filters by the signed-in account, so another's is never touched.
  router.post('/passkeys/rename', kit.form, async (ctx) => {
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    const name = passkeyName(field(ctx, 'name'), kit.message(ctx, 'passkey.defaultName'));
    if (!(await passkeys.rename(signed.account._id, field(ctx, 'id'), name))) return kit.done(ctx, signed, 'account.notFound');
    await kit.audit(ctx, signed, 'mfa.passkey.renamed', { name });
    await kit.done(ctx, signed, 'account.passkeyRenamed');
  });

  router.post('/passkeys/remove', kit.form, async (ctx) => {
    const signed = await kit.forChange(ctx);
    if (!signed) return;
    if (!(await passkeys.remove(signed.account._id, field(ctx, 'id')))) return kit.done(ctx, signed, 'account.notFound');
    await kit.audit(ctx, signed, 'mfa.passkey.removed');
    await factorRemoved(ctx, signed, 'account.passkeyRemoved');
  });
}
