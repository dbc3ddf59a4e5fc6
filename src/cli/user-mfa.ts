// `gatehouse user mfa <username>` and `user mfa reset <username>`: an account's second factors, and removing them all.
import { type CliContext, withDatabase } from './context.js';
import { CliError, defineCommand } from './command.js';
import { printable } from './printable.js';
import type { Factors } from '../factors/factors.js';
import { MFA_FACTORS } from '../config/schema.js';

const USERNAME = { args: '<username>', positionals: { min: 1, max: 1 } };

/**
 * Every factor the account has, whatever config allows now: an admin sees what is stored. Imported when a command needs
 * it: the WebAuthn and QR libraries would slow every other command's start.
 */
export async function factorsOf({ config, db }: CliContext): Promise<Factors> {
  const { Factors, relyingParty } = await import('../factors/factors.js');
  return new Factors(db, { kek: config.key_encryption_key, allowed: MFA_FACTORS, rp: relyingParty(config.issuer, config.mfa.name) });
}

async function requireAccount({ accounts }: CliContext, username: string) {
  const account = await accounts.findByUsername(username);
  if (!account) throw new CliError(`no such user "${username}"`);
  return account;
}

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const userMfaCommand = defineCommand({
  name: 'user mfa',
  ...USERNAME,
  summary: "show a user's second factors: TOTP, passkeys, recovery codes",
  description: ['Shows each factor with its dates; nothing secret (no TOTP key, no recovery code) is printed.'],
  async run({ positionals: [name] }, { env, stdout }) {
    return withDatabase(
      env,
      async (context) => {
        const account = await requireAccount(context, name!);
        const factors = await factorsOf(context);
        const [totp, passkeys, recoveryCodes] = await Promise.all([
          factors.totp.confirmedAt(account._id),
          factors.passkeys.list(account._id),
          factors.recoveryCodes.remaining(account._id),
        ]);
        const lines = [`${printable(account.username)} (sub ${account._id})`];
        lines.push(`totp: ${totp ? `enrolled ${utc(totp)}` : 'none'}`);
        lines.push(`passkeys: ${passkeys.length || 'none'}`);
        for (const passkey of passkeys)
          lines.push(
            `  ${printable(passkey.name)}\tcreated ${utc(passkey.createdAt)}\t${passkey.lastUsedAt ? `last used ${utc(passkey.lastUsedAt)}` : 'never used'}`,
          );
        lines.push(`recovery codes: ${recoveryCodes} left`);
        if (!totp && passkeys.length === 0) lines.push('no second factor: this user signs in with a password only');
        stdout.write(`${lines.join('\n')}\n`);
        return 0;
      },
      ['mfa'],
    );
  },
});

export const userMfaResetCommand = defineCommand({
  name: 'user mfa reset',
  ...USERNAME,
  summary: "remove all of a user's second factors (audited), for one who lost them",
  description: [
    'Removes the TOTP, every passkey and the recovery codes. The user then signs in with the password alone, or is taken ' +
      'through enrolment again where MFA is required. Confirm who is asking before you run it: it is how a stolen password ' +
      'would get past MFA.',
  ],
  async run({ positionals: [name] }, { env, stdout }) {
    return withDatabase(
      env,
      async (context) => {
        const account = await requireAccount(context, name!);
        const removed = await (await factorsOf(context)).removeAll(account._id);
        await context.audit.record({
          type: 'mfa.reset',
          user: account.username,
          detail: { sub: account._id, totp: removed.totp, passkeys: removed.passkeys, recovery_codes: removed.recoveryCodes, via: 'cli' },
        });
        stdout.write(
          `removed the second factors of "${printable(account.username)}": ${removed.totp ? 'TOTP, ' : ''}${removed.passkeys} passkey(s), ` +
            `${removed.recoveryCodes} recovery code(s)\n`,
        );
        return 0;
      },
      ['mfa'],
    );
  },
});

/** Whether the account has a second factor, for `user list`. */
export async function hasMfa(factors: Factors, accountId: string): Promise<boolean> {
  const [totp, passkeys] = await Promise.all([factors.totp.confirmedAt(accountId), factors.passkeys.count(accountId)]);
  return totp !== undefined || passkeys > 0;
}
