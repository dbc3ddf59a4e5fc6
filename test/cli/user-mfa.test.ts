// `gatehouse user mfa` and `user mfa reset`, and the mfa column of `user list`: run as processes, checked in the database.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { AccountDocument } from '../../src/accounts/account-store.js';
import { PasskeyStore } from '../../src/factors/passkeys.js';
import { RecoveryCodes } from '../../src/factors/recovery-codes.js';
import { TotpStore } from '../../src/factors/totp.js';
import { totpCode } from '../helpers/mfa.js';
import { writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
let env: NodeJS.ProcessEnv;
const cli = (args: string[], stdin = '') => runProcess('dist/cli/index.js', args, env, stdin);
let alice: AccountDocument;

beforeAll(async () => {
  storage = await startTestStorage();
  env = {
    MONGODB_URI: storage.uri,
    GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168\n`),
  };
  expect((await cli(['user', 'add', 'alice'], 'alice-password-is-long\n')).code).toBe(0);
  expect((await cli(['user', 'add', 'bob'], 'bob-password-is-long\n')).code).toBe(0);
  alice = (await storage.db.collection<AccountDocument>('accounts').findOne({ usernameKey: 'alice' }))!;
  const totp = new TotpStore(storage.db, undefined, 'Gatehouse');
  const secret = (await totp.startEnrolment(alice._id, 'alice'))!.secret;
  expect(await totp.confirm(alice._id, totpCode(secret))).toBe(true);
  await new PasskeyStore(storage.db).add({
    _id: 'credential-1',
    accountId: alice._id,
    name: 'Laptop',
    publicKey: 'AQID',
    counter: 0,
    transports: ['internal'],
    deviceType: 'singleDevice',
    backedUp: false,
    createdAt: new Date('2026-01-02T03:04:00Z'),
    lastUsedAt: null,
  });
  const codes = await new RecoveryCodes(storage.db).regenerate(alice._id);
  expect(await new RecoveryCodes(storage.db).use(alice._id, codes[0]!)).toBe(true);
});
afterAll(async () => {
  await storage.stop();
});

describe('gatehouse user mfa', () => {
  it('shows the factors with their dates, and nothing secret', async () => {
    const result = await cli(['user', 'mfa', 'ALICE']);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(
      new RegExp(
        `^alice \\(sub ${alice._id}\\)\\ntotp: enrolled \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\npasskeys: 1\\n` +
          '  Laptop\\tcreated 2026-01-02 03:04 UTC\\tnever used\\nrecovery codes: 9 left\\n$',
      ),
    );
    const bob = await cli(['user', 'mfa', 'bob']);
    expect(bob.stdout).toMatch(
      /totp: none\npasskeys: none\nrecovery codes: 0 left\nno second factor: this user signs in with a password only\n$/,
    );
  });

  it('user list says who has a second factor', async () => {
    const listed = await cli(['user', 'list']);
    expect(listed.stdout).toMatch(
      /^username\tstatus\tsub\temail\tmfa\nalice\tactive\t[0-9a-f-]{36}\t\tyes\nbob\tactive\t[0-9a-f-]{36}\t\tno\n$/,
    );
    const json = JSON.parse((await cli(['user', 'list', '--json'])).stdout) as { username: string; mfa: boolean }[];
    expect(json.map(({ username, mfa }) => [username, mfa])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);
  });

  it('reset removes every factor and is audited; errors are one line with the usual exit codes', async () => {
    const result = await cli(['user', 'mfa', 'reset', 'alice']);
    expect([result.code, result.stdout]).toEqual([0, 'removed the second factors of "alice": TOTP, 1 passkey(s), 10 recovery code(s)\n']);
    for (const collection of ['mfa_totp', 'mfa_passkeys', 'mfa_recovery_codes'])
      expect([collection, await storage.db.collection(collection).countDocuments({})]).toEqual([collection, 0]);
    expect(await storage.db.collection('audit').findOne({ type: 'mfa.reset' })).toMatchObject({
      user: 'alice',
      detail: { sub: alice._id, totp: true, passkeys: 1, recovery_codes: 10, via: 'cli' },
    });
    expect((await cli(['user', 'mfa', 'alice'])).stdout).toContain('no second factor');

    const unknown = await cli(['user', 'mfa', 'reset', 'nobody']);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'gatehouse: no such user "nobody"\n']);
    // Removing an account removes its factors too.
    const bob = (await storage.db.collection<AccountDocument>('accounts').findOne({ usernameKey: 'bob' }))!;
    await new RecoveryCodes(storage.db).regenerate(bob._id);
    expect((await cli(['user', 'remove', 'bob'])).code).toBe(0);
    expect(await storage.db.collection('mfa_recovery_codes').countDocuments({ accountId: bob._id })).toBe(0);

    const missing = await cli(['user', 'mfa']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^gatehouse: user mfa: missing argument: expected <username>\n\nusage: gatehouse user mfa <username>/);
  });
});
