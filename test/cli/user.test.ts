// `gatehouse user …`: run each command as a process, then read the database to see what it wrote.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { verifyPassword } from '../../src/accounts/password.js';
import type { AccountDocument } from '../../src/accounts/account-store.js';
import { writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
let env: NodeJS.ProcessEnv;
const accounts = () => storage.db.collection<AccountDocument>('accounts');
const cli = (args: string[], stdin?: string) => runProcess('dist/cli/index.js', args, env, stdin ?? '');

beforeAll(async () => {
  storage = await startTestStorage();
  env = {
    MONGODB_URI: storage.uri,
    GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168\n`),
  };
});
afterAll(async () => {
  await storage.stop();
});

describe('gatehouse user', () => {
  it('add stores an argon2id hash (the configured parameters) of the password from stdin, the claims, and a random sub', async () => {
    const result = await cli(['user', 'add', 'Grace', '--email', 'grace@example.com', '--name', 'Grace Hopper'], 'cobol-rules-forever\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created user "Grace" \(sub [0-9a-f-]{36}\)\n$/);
    const stored = await accounts().findOne({ usernameKey: 'grace' });
    expect(stored).toMatchObject({
      username: 'Grace',
      disabled: false,
      claims: { email: 'grace@example.com', name: 'Grace Hopper', preferred_username: 'Grace' },
    });
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=7168,t=2,p=1\$/);
    expect(await verifyPassword('cobol-rules-forever', stored!.passwordHash)).toBe(true);
    expect(result.stdout + result.stderr).not.toContain('cobol-rules-forever');
  });

  it('add refuses a duplicate username case-insensitively, and an empty password, in one line each', async () => {
    const duplicate = await cli(['user', 'add', 'GRACE'], 'another\n');
    expect([duplicate.code, duplicate.stderr]).toEqual([1, 'gatehouse: user "GRACE" already exists\n']);
    const empty = await cli(['user', 'add', 'henry'], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('gatehouse: empty password: give one on stdin or at the prompt\n');
    expect(await accounts().countDocuments({ usernameKey: 'henry' })).toBe(0);
  });

  it('passwd replaces the hash; an unknown user is one clear line', async () => {
    const before = (await accounts().findOne({ usernameKey: 'grace' }))!.passwordHash;
    expect((await cli(['user', 'passwd', 'grace'], 'fortran-is-fine-too\n')).code).toBe(0);
    const after = (await accounts().findOne({ usernameKey: 'grace' }))!.passwordHash;
    expect(after).not.toBe(before);
    expect(await verifyPassword('fortran-is-fine-too', after)).toBe(true);
    const unknown = await cli(['user', 'passwd', 'nobody'], 'x\n');
    expect([unknown.code, unknown.stderr]).toEqual([1, 'gatehouse: no such user "nobody"\n']);
  });

  it('disable marks the account and deletes its sessions, grants and tokens; enable reverses the flag', async () => {
    const sub = (await accounts().findOne({ usernameKey: 'grace' }))!._id;
    await storage.db
      .collection<{ _id: string }>('oidc_RefreshToken')
      .insertOne({ _id: 'rt-grace', payload: { accountId: sub, grantId: 'g' } } as never);
    await storage.db.collection<{ _id: string }>('oidc_Grant').insertOne({ _id: 'g', payload: { accountId: sub } } as never);
    await storage.db
      .collection<{ _id: string }>('oidc_RefreshToken')
      .insertOne({ _id: 'rt-other', payload: { accountId: 'someone-else' } } as never);

    const disabled = await cli(['user', 'disable', 'grace']);
    expect([disabled.code, disabled.stdout]).toEqual([0, 'disabled "Grace"; revoked 2 session(s), grant(s) and token(s)\n']);
    expect((await accounts().findOne({ _id: sub }))!.disabled).toBe(true);
    expect(await storage.db.collection('oidc_RefreshToken').countDocuments({})).toBe(1);
    expect(await storage.db.collection('oidc_Grant').countDocuments({})).toBe(0);

    expect((await cli(['user', 'enable', 'grace'])).code).toBe(0);
    expect((await accounts().findOne({ _id: sub }))!.disabled).toBe(false);
  });

  it('set stores fields as claims, JSON values typed, and refuses reserved or unsafe names', async () => {
    const result = await cli(['user', 'set', 'grace', 'roles=["admin","ops"]', 'org_id=o-42', 'seniority=7', 'active_member=true']);
    expect([result.code, result.stdout]).toEqual([0, 'updated "Grace": roles, org_id, seniority, active_member\n']);
    expect((await accounts().findOne({ usernameKey: 'grace' }))!.claims).toMatchObject({
      roles: ['admin', 'ops'],
      org_id: 'o-42',
      seniority: 7,
      active_member: true,
    });
    for (const [bad, message] of [
      ['sub=x', /"sub" is a reserved claim/],
      ['$where=1', /invalid field name "\$where"/],
      ['a.b=1', /invalid field name "a\.b"/],
    ] as const) {
      const refused = await cli(['user', 'set', 'grace', bad]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
  });

  // The mfa column is new with multi-factor sign-in (issue 14); its values are tested in user-mfa.test.ts.
  it('list prints a header and every account with its status, or JSON with --json', async () => {
    await cli(['user', 'add', 'ivan'], 'ivan-password-long\n');
    await cli(['user', 'disable', 'ivan']);
    const listed = await cli(['user', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^username\tstatus\tsub\temail\tmfa\nGrace\tactive\t[0-9a-f-]{36}\tgrace@example\.com\tno\nivan\tdisabled\t[0-9a-f-]{36}\t\tno\n$/,
    );
    const json = await cli(['user', 'list', '--json']);
    expect(json.code).toBe(0);
    const grace = (await accounts().findOne({ usernameKey: 'grace' }))!;
    expect(JSON.parse(json.stdout)).toEqual([
      {
        username: 'Grace',
        sub: grace._id,
        status: 'active',
        email: 'grace@example.com',
        created: grace.createdAt.toISOString(),
        mfa: false,
      },
      {
        username: 'ivan',
        sub: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'disabled',
        email: null,
        created: expect.any(String),
        mfa: false,
      },
    ]);
  });

  it('remove revokes everything of the account, deletes it, and leaves its audit trail with a user.removed event', async () => {
    await cli(['user', 'add', 'kim'], 'kim-password-is-long\n');
    const sub = (await accounts().findOne({ usernameKey: 'kim' }))!._id;
    const insert = (model: string, _id: string, payload: Record<string, unknown>) =>
      storage.db.collection<{ _id: string }>(`oidc_${model}`).insertOne({ _id, payload } as never);
    await insert('Session', 's-kim', { accountId: sub, uid: 'u-kim' });
    await insert('Grant', 'g-kim', { accountId: sub, clientId: 'web' });
    await insert('AccessToken', 'at-kim', { accountId: sub, grantId: 'g-kim' });
    // Sign-ins in progress: one still at consent in kim's session, one whose login step already passed.
    await insert('Interaction', 'i-kim-session', { session: { accountId: sub, uid: 'u-kim' } });
    await insert('Interaction', 'i-kim-login', { result: { login: { accountId: sub } } });
    await insert('Session', 's-other', { accountId: 'someone-else', uid: 'u-other' });
    await insert('Interaction', 'i-other', { session: { accountId: 'someone-else' } });

    const removed = await cli(['user', 'remove', 'KIM']);
    expect([removed.code, removed.stderr]).toEqual([0, '']);
    expect(removed.stdout).toBe(`removed "kim" (sub ${sub}); revoked 5 session(s), grant(s) and token(s)\n`);
    expect(await accounts().countDocuments({ _id: sub })).toBe(0);
    for (const model of ['Session', 'Grant', 'AccessToken', 'Interaction']) {
      const left = await storage.db.collection<{ _id: string }>(`oidc_${model}`).find({}).toArray();
      expect([model, left.map((doc) => doc._id).filter((id) => id.endsWith('-kim') || id.startsWith('i-kim'))]).toEqual([model, []]);
    }
    expect(await storage.db.collection<{ _id: string }>('oidc_Session').countDocuments({ _id: 's-other' })).toBe(1);
    expect(await storage.db.collection<{ _id: string }>('oidc_Interaction').countDocuments({ _id: 'i-other' })).toBe(1);
    const trail = await storage.db.collection('audit').find({ user: 'kim' }).sort({ at: 1 }).toArray();
    expect(trail.map((event) => event.type)).toEqual(['user.created', 'user.removed']);
    expect(trail[1]!.detail).toEqual({ sub, revoked: 5, via: 'cli' });

    const again = await cli(['user', 'remove', 'kim']);
    expect([again.code, again.stderr]).toEqual([1, 'gatehouse: no such user "kim"\n']);
  });

  it('refuses a throwaway database (GATEHOUSE_IN_MEMORY) rather than writing to it', async () => {
    // Without MONGODB_URI the CLI now uses the development data folder (test/server/dev-database.test.ts); in-memory never.
    const result = await runProcess('dist/cli/index.js', ['user', 'list'], {
      GATEHOUSE_CONFIG: env.GATEHOUSE_CONFIG,
      GATEHOUSE_IN_MEMORY: '1',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /no database configured: GATEHOUSE_IN_MEMORY is set[^\n]*set MONGODB_URI to the database the server uses/,
    );
  });

  it('needs only the settings it uses: an unset client secret stops config check, not user list or user add', async () => {
    const yaml = [
      `mongodb:\n  database: ${storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168`,
      'clients:\n  - client_id: web-app\n    client_secret: ${WEB_APP_CLIENT_SECRET}\n    redirect_uris: [https://app.example.com/cb]',
      'resources:\n  - indicator: https://api.example.com\n    clients: [web-app]\n    scopes: { read: Read }',
      'default_resource: https://api.example.com',
    ].join('\n');
    const withSecretUnset = { MONGODB_URI: storage.uri, GATEHOUSE_CONFIG: writeConfigFile(`${yaml}\n`) };
    const check = await runProcess('dist/cli/index.js', ['config', 'check'], withSecretUnset);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/clients\[0\]\.client_secret: environment variable WEB_APP_CLIENT_SECRET is not set/);
    const listed = await runProcess('dist/cli/index.js', ['user', 'list'], withSecretUnset);
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    expect(listed.stdout).toMatch(/^username\tstatus\tsub\temail\tmfa\nGrace\t/);
    const added = await runProcess('dist/cli/index.js', ['user', 'add', 'judy'], withSecretUnset, 'judy-password-long\n');
    expect([added.code, added.stderr]).toEqual([0, '']);
    expect((await accounts().findOne({ usernameKey: 'judy' }))!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=7168,/);
  });
});
