// Passkeys in sign-in: ceremony options, passwordless sign-in, a passkey as second factor, and creating one at enrolment.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { passkeyAmr, passwordlessAmr } from '../factors/authentication-context.js';
import { passkeyName } from '../factors/passkeys.js';
import { parseCredential } from '../factors/webauthn.js';
import { type Details, field, type Kit } from './kit.js';
import { showLogin } from './login-page.js';
import { attemptSecondFactor, enrolmentSubject, finishEnrolment, renderEnrolment, secondFactorSubject } from './second-factor.js';

/** Challenges belong to the interaction, so a response made for another browser's sign-in is refused. */
const binding = (details: Details) => `interaction:${details.uid}`;

export function addPasskeyRoutes(router: Router, kit: Kit): void {
  const { factors, accounts, audit, metrics } = kit.deps;
  const { passkeys, webauthn } = factors;

  /** Passkeys off in config: these routes do not exist. */
  const requirePasskeys = () => {
    if (!factors.allowed.has('passkey')) throw new errors.InvalidRequest('passkeys are not enabled');
  };

  // The options for an assertion: any passkey of this site on the login page, the account's own ones as a second factor.
  router.post('/:uid/passkey/options', kit.form, async (ctx) => {
    requirePasskeys();
    const details = await kit.load(ctx, ['login', 'mfa']);
    const subject = await secondFactorSubject(kit, details);
    if (!subject && details.prompt.name !== 'login') throw new errors.InvalidRequest('no sign-in is waiting for a passkey');
    const allow = subject ? await passkeys.list(subject.accountId) : undefined;
    ctx.body = await webauthn.authenticationOptions(binding(details), allow);
  });

  router.post('/:uid/passkey', kit.form, async (ctx) => {
    requirePasskeys();
    const details = await kit.load(ctx, ['login', 'mfa']);
    const credential = parseCredential<AuthenticationResponseJSON>(field(ctx, 'credential'));
    const subject = await secondFactorSubject(kit, details);
    if (subject)
      return attemptSecondFactor(kit, ctx, details, subject, 'passkey', async () => {
        const passkey = credential && (await passkeys.find(credential.id));
        if (!credential || !passkey || passkey.accountId !== subject.accountId) return undefined;
        const verified = await webauthn.verifyAuthentication(binding(details), credential, passkey, false);
        if (!verified) return undefined;
        await passkeys.recordUse(passkey._id, verified.newCounter, verified.backedUp);
        return passkeyAmr(verified);
      });
    if (details.prompt.name !== 'login') throw new errors.InvalidRequest('no sign-in is waiting for a passkey');
    await passwordless(ctx, details, credential);
  });

  /** A discoverable passkey alone: it names its account (userHandle) and must have verified its user. */
  async function passwordless(ctx: Context, details: Details, credential: AuthenticationResponseJSON | undefined) {
    const passkey = credential && (await passkeys.find(credential.id));
    const account = passkey && (await accounts.findById(passkey.accountId));
    const handle = credential?.response.userHandle;
    const verified =
      credential &&
      passkey &&
      account &&
      !account.disabled &&
      (handle === undefined || handle === Buffer.from(account._id).toString('base64url')) &&
      (await webauthn.verifyAuthentication(binding(details), credential, passkey, true));
    if (!verified || !account) {
      metrics.logins.inc({ outcome: 'failure' });
      await audit.record({
        type: 'login.failure',
        user: account?.username,
        client: String(details.params.client_id),
        ip: ctx.ip,
        requestId: ctx.state.requestId,
        detail: { method: 'passkey' },
      });
      ctx.status = 401;
      await showLogin(kit, ctx, details, '', kit.message(ctx, details, 'passkey.failed'));
      return;
    }
    await passkeys.recordUse(passkey._id, verified.newCounter, verified.backedUp);
    await kit.signIn(ctx, details, account, passwordlessAmr(verified));
  }

  router.post('/:uid/passkey/register-options', kit.form, async (ctx) => {
    const details = await kit.load(ctx, ['mfa']);
    const subject = await enrolmentSubject(kit, details, 'passkey');
    ctx.body = await webauthn.registrationOptions(
      binding(details),
      { id: subject.accountId, name: subject.username, displayName: subject.displayName },
      await passkeys.list(subject.accountId),
    );
  });

  router.post('/:uid/mfa/enrol/passkey', kit.form, async (ctx) => {
    const details = await kit.load(ctx, ['mfa']);
    const subject = await enrolmentSubject(kit, details, 'passkey');
    const credential = parseCredential<RegistrationResponseJSON>(field(ctx, 'credential'));
    const created = credential && (await webauthn.verifyRegistration(binding(details), credential));
    if (!created) {
      ctx.status = 400;
      await renderEnrolment(kit, ctx, details, subject, 'enrol.passkeyFailed');
      return;
    }
    const name = passkeyName(field(ctx, 'name'), kit.message(ctx, details, 'passkey.defaultName'));
    await passkeys.addRegistered(subject.accountId, name, created);
    await audit.record({ type: 'mfa.passkey.added', user: subject.username, ip: ctx.ip, requestId: ctx.state.requestId, detail: { name } });
    await finishEnrolment(kit, ctx, details, subject, passkeyAmr(created));
  });
}
