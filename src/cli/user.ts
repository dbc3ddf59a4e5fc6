// `gatehouse user add|passwd|set|disable|enable|remove|list` (and `user mfa`, in user-mfa.ts): account administration against the server's database.
import { hashPassword, hashingPolicy } from '../accounts/password.js';
import { AccountError, CLAIM_FIELD } from '../accounts/account-store.js';
import { RESERVED_CLAIMS } from '../tokens/reserved-claims.js';
import { revokeByAccountId } from '../storage/model-collections.js';
import { passwordProblem, type PasswordPolicy } from '../accounts/password-policy.js';
import { CliError, defineCommand, EXIT_USAGE, UsageError } from './command.js';
import { type CliContext, withDatabase } from './context.js';
import { readNewPassword } from './read-password.js';
import { printable } from './printable.js';
import { factorsOf, hasMfa, userMfaCommand, userMfaResetCommand } from './user-mfa.js';

const USERNAME = { args: '<username>', positionals: { min: 1, max: 1 } };

/** Account errors (duplicate, unknown user) are expected outcomes: one line, exit 1. */
async function accountStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof AccountError) throw new CliError(error.message);
    throw error;
  }
}

const PASSWORD_HELP =
  'The password is read from stdin (one line, for scripts) or asked twice at a terminal prompt without echo. It must have at least ' +
  'password_policy.min_length characters (default 15), and must not be the username, a short string repeated, or a commonly used password.';

/** A new password that passes the policy; a refused one ends the command with exit 2 and nothing changed. */
function readAcceptedPassword(stdin: NodeJS.ReadStream, username: string, policy: PasswordPolicy): Promise<string> {
  return readNewPassword(stdin, async (password) => {
    const problem = await passwordProblem(password, username, policy);
    if (problem) throw new CliError(`password refused: ${problem}`, EXIT_USAGE);
  });
}

export const userAddCommand = defineCommand({
  name: 'user add',
  ...USERNAME,
  summary: 'create an account (password from stdin or a prompt)',
  description: [PASSWORD_HELP],
  options: {
    email: { type: 'string', value: 'ADDRESS', help: 'the email claim (stored as not verified)' },
    name: { type: 'string', value: 'NAME', help: 'the name claim, e.g. "Alice Liddell"' },
  },
  async run({ values, positionals: [name] }, { env, stdin, stdout }) {
    return withDatabase(
      env,
      async ({ config, accounts, audit }) => {
        // Ask for no password for an account that cannot be created; the unique index still decides a race.
        if (await accounts.findByUsername(name!)) throw new CliError(`user "${name}" already exists`);
        const password = await readAcceptedPassword(stdin, name!, { minLength: config.password_policy.min_length });
        const claims = {
          ...(values.email ? { email: values.email, email_verified: false } : {}),
          ...(values.name ? { name: values.name } : {}),
        };
        const account = await accountStep(async () =>
          accounts.create(name!, await hashPassword(password, hashingPolicy(config.password_hashing)), claims),
        );
        await audit.record({ type: 'user.created', user: account.username, detail: { sub: account._id, via: 'cli' } });
        stdout.write(`created user "${account.username}" (sub ${account._id})\n`);
        return 0;
      },
      ['password_hashing', 'password_policy'],
    );
  },
});

export const userPasswdCommand = defineCommand({
  name: 'user passwd',
  ...USERNAME,
  summary: 'set a password and sign the account out everywhere',
  description: [
    PASSWORD_HELP,
    'Whoever knew the old password may be signed in: every session, grant and token of the account is revoked, as `user disable` ' +
      'does, so relying parties must sign the user in again. --keep-sessions leaves them, for a change that is not about a leak.',
  ],
  options: { 'keep-sessions': { type: 'boolean', help: 'keep the sessions, grants and tokens issued so far' } },
  async run({ values, positionals: [name] }, { env, stdin, stdout }) {
    return withDatabase(
      env,
      async ({ config, db, accounts, audit }) => {
        const account = await accountStep(() => accounts.requireByUsername(name!));
        const password = await readAcceptedPassword(stdin, account.username, { minLength: config.password_policy.min_length });
        await accounts.update(name!, { passwordHash: await hashPassword(password, hashingPolicy(config.password_hashing)) });
        // After the new hash is stored, so a sign-in racing the change cannot leave a session made with the old one.
        const revoked = values['keep-sessions'] ? undefined : await revokeByAccountId(db, account._id);
        await audit.record({
          type: 'user.updated',
          user: account.username,
          detail: { fields: 'password', ...(revoked === undefined ? { kept_sessions: true } : { revoked }), via: 'cli' },
        });
        stdout.write(
          `password changed for "${account.username}"; ${
            revoked === undefined
              ? 'sessions, grants and tokens kept (--keep-sessions)'
              : `revoked ${revoked} session(s), grant(s) and token(s)`
          }\n`,
        );
        return 0;
      },
      ['password_hashing', 'password_policy'],
    );
  },
});

export const userDisableCommand = defineCommand({
  name: 'user disable',
  ...USERNAME,
  summary: 'block sign-in; revoke its sessions, grants and tokens',
  async run({ positionals: [name] }, { env, stdout }) {
    return withDatabase(env, async ({ db, accounts, audit }) => {
      const account = await accountStep(() => accounts.update(name!, { disabled: true }));
      const revoked = await revokeByAccountId(db, account._id);
      await audit.record({ type: 'user.disabled', user: account.username, detail: { sub: account._id, revoked, via: 'cli' } });
      stdout.write(`disabled "${account.username}"; revoked ${revoked} session(s), grant(s) and token(s)\n`);
      return 0;
    });
  },
});

export const userRemoveCommand = defineCommand({
  name: 'user remove',
  ...USERNAME,
  summary: 'revoke everything and delete the account (audit trail kept)',
  description: [
    'The account is disabled first, so it cannot sign in while its sessions, grants and tokens are revoked, then deleted. ' +
      'Its `sub` is never reused. Audit events that name it are kept for audit.retention, with a user.removed event.',
  ],
  async run({ positionals: [name] }, { env, stdout }) {
    return withDatabase(env, async (context) => {
      stdout.write(`${await removeAccount(context, name!)}\n`);
      return 0;
    });
  },
});

/** Disables, revokes, deletes and records; returns the line that reports it. Throws CliError for an unknown user. */
export async function removeAccount(context: CliContext, username: string): Promise<string> {
  const { db, accounts, audit } = context;
  // Disabled first: a sign-in racing the revocation finds the account closed.
  const account = await accountStep(() => accounts.update(username, { disabled: true }));
  const revoked = await revokeByAccountId(db, account._id);
  await (await factorsOf(context)).removeAll(account._id);
  await accounts.remove(account._id);
  await audit.record({ type: 'user.removed', user: account.username, detail: { sub: account._id, revoked, via: 'cli' } });
  return `removed "${account.username}" (sub ${account._id}); revoked ${revoked} session(s), grant(s) and token(s)`;
}

export const userEnableCommand = defineCommand({
  name: 'user enable',
  ...USERNAME,
  summary: 'allow a disabled account to sign in again',
  async run({ positionals: [name] }, { env, stdout }) {
    return withDatabase(env, async ({ accounts, audit }) => {
      const account = await accountStep(() => accounts.update(name!, { disabled: false }));
      await audit.record({ type: 'user.enabled', user: account.username, detail: { sub: account._id, via: 'cli' } });
      stdout.write(`enabled "${account.username}"\n`);
      return 0;
    });
  },
});

/** `field=value`: JSON when it parses (numbers, booleans, arrays, objects, "quoted"), otherwise the plain string. */
function parseAssignment(text: string): [string, unknown] {
  const separator = text.indexOf('=');
  if (separator <= 0) throw new UsageError(`expected field=value, got "${text}"`);
  const field = text.slice(0, separator);
  const raw = text.slice(separator + 1);
  if (!CLAIM_FIELD.test(field)) throw new UsageError(`invalid field name "${field}" (expected letters, digits and _)`);
  if (RESERVED_CLAIMS.has(field)) throw new UsageError(`"${field}" is a reserved claim and cannot be set`);
  try {
    return [field, JSON.parse(raw)];
  } catch {
    return [field, raw];
  }
}

export const userSetCommand = defineCommand({
  name: 'user set',
  args: '<username> <field>=<value>...',
  positionals: { min: 2, max: Number.POSITIVE_INFINITY },
  summary: 'set account fields used as claims (values may be JSON)',
  description: [`Example: gatehouse user set alice 'roles=["admin","ops"]' org_id=o-42`],
  async run({ positionals: [name, ...assignments] }, { env, stdout }) {
    const claims = Object.fromEntries(assignments.map(parseAssignment));
    return withDatabase(env, async ({ accounts, audit }) => {
      const account = await accountStep(() => accounts.update(name!, { claims }));
      await audit.record({ type: 'user.updated', user: account.username, detail: { fields: Object.keys(claims).join(','), via: 'cli' } });
      stdout.write(`updated "${account.username}": ${Object.keys(claims).join(', ')}\n`);
      return 0;
    });
  },
});

export const userListCommand = defineCommand({
  name: 'user list',
  summary: 'list accounts: username, status, sub, email, MFA',
  description: [
    'Tab-separated under a header line; the mfa column says whether the account has a second factor (TOTP or a passkey). ' +
      '--json prints an array of {username, sub, status, email, created, mfa} instead.',
  ],
  options: { json: { type: 'boolean', help: 'print JSON for scripts' } },
  async run({ values }, { env, stdout }) {
    return withDatabase(
      env,
      async (context) => {
        const factors = await factorsOf(context);
        const rows = await Promise.all(
          (await context.accounts.list()).map(async (account) => ({
            username: account.username,
            sub: account._id,
            status: account.disabled ? 'disabled' : 'active',
            email: typeof account.claims.email === 'string' ? account.claims.email : null,
            created: account.createdAt.toISOString(),
            mfa: await hasMfa(factors, account._id),
          })),
        );
        if (values.json) {
          stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return 0;
        }
        stdout.write('username\tstatus\tsub\temail\tmfa\n');
        for (const row of rows)
          stdout.write(`${printable(row.username)}\t${row.status}\t${row.sub}\t${printable(row.email ?? '')}\t${row.mfa ? 'yes' : 'no'}\n`);
        return 0;
      },
      ['mfa'],
    );
  },
});

export const userCommands = [
  userAddCommand,
  userPasswdCommand,
  userSetCommand,
  userDisableCommand,
  userEnableCommand,
  userRemoveCommand,
  userMfaCommand,
  userMfaResetCommand,
  userListCommand,
];
