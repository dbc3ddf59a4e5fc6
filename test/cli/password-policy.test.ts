// New passwords set through the CLI: the policy (length, common list, username, repetition) and the twice-asked prompt.
import { spawn } from 'node:child_process';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { verifyPassword } from '../../src/accounts/password.js';
import type { AccountDocument } from '../../src/accounts/account-store.js';
import { writeConfigFile } from '../helpers/harness.js';
import { ROOT, runProcess, type ProcessResult } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
let env: NodeJS.ProcessEnv;
const accounts = () => storage.db.collection<AccountDocument>('accounts');
const cli = (args: string[], stdin: string, environment = env) => runProcess('dist/cli/index.js', args, environment, stdin);

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

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`), typing each answer once its prompt appears, so the
 * prompt's own behaviour is what is tested.
 */
function onTerminal(args: string[], answers: string[]): Promise<ProcessResult> {
  const child = spawn('script', ['-qec', ['node', 'dist/cli/index.js', ...args].join(' '), '/dev/null'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let answered = 0;
  const prompts = () => output.match(/New password: |Repeat it: /g)?.length ?? 0;
  const onData = (chunk: Buffer) => {
    output += chunk;
    while (answered < Math.min(prompts(), answers.length)) child.stdin.write(`${answers[answered++]}\r`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout: output, stderr: '' })));
}

describe('the password policy of user add and user passwd', () => {
  it('refuses a short, common, repeated or username password with exit 2 and creates nothing', async () => {
    for (const [password, reason] of [
      ['fourteen-chars', 'it has 14 characters, fewer than 15 (password_policy.min_length)'],
      ['1QAZ2WSX3EDC4RFV', 'it is on a list of commonly used passwords'],
      ['passwordpassword', 'it is one short string repeated'],
      ['abcabcabcabcabcabc', 'it is one short string repeated'],
      ['Rumpelstiltskin-Jr', 'it is the username'],
    ]) {
      const result = await cli(['user', 'add', 'rumpelstiltskin-jr'], `${password}\n`);
      expect([password, result.code, result.stderr.startsWith(`gatehouse: password refused: ${reason}`)]).toEqual([password, 2, true]);
      expect(result.stdout + result.stderr).not.toContain(password);
    }
    expect(await accounts().countDocuments({})).toBe(0);
  });

  it('accepts a password of exactly the minimum length, counting code points, and the configured minimum applies', async () => {
    // 15 code points, 16 UTF-16 units: the emoji is one character.
    const accepted = await cli(['user', 'add', 'uma'], 'fourteen-chars🙂\n');
    expect([accepted.code, accepted.stderr]).toEqual([0, '']);
    expect(await verifyPassword('fourteen-chars🙂', (await accounts().findOne({ usernameKey: 'uma' }))!.passwordHash)).toBe(true);

    const stricter = {
      ...env,
      GATEHOUSE_CONFIG: writeConfigFile(
        `mongodb:\n  database: ${storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168\npassword_policy:\n  min_length: 20\n`,
      ),
    };
    const refused = await cli(['user', 'add', 'vera'], 'nineteen-characters\n', stricter);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringMatching(/^gatehouse: password refused: it has 19 characters, fewer than 20 /),
    ]);
  });

  it('passwd applies the same policy and keeps the old password when it refuses', async () => {
    const before = (await accounts().findOne({ usernameKey: 'uma' }))!.passwordHash;
    const refused = await cli(['user', 'passwd', 'uma'], 'letmein\n');
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringMatching(/^gatehouse: password refused: it has 7 characters/)]);
    expect((await accounts().findOne({ usernameKey: 'uma' }))!.passwordHash).toBe(before);
  });
});

describe('the password prompt on a terminal', () => {
  it('asks twice without echo and stores the password when both agree', async () => {
    const result = await onTerminal(['user', 'add', 'wanda'], ['wanda-typed-this-twice', 'wanda-typed-this-twice']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^New password: \r?\nRepeat it: \r?\ncreated user "wanda"/);
    expect(result.stdout).not.toContain('wanda-typed');
    expect(await verifyPassword('wanda-typed-this-twice', (await accounts().findOne({ usernameKey: 'wanda' }))!.passwordHash)).toBe(true);
  });

  it('refuses two different answers, and a refused password before asking again, changing nothing', async () => {
    const differ = await onTerminal(['user', 'add', 'xena'], ['xena-first-attempt', 'xena-second-attempt']);
    expect(differ.code).toBe(2);
    expect(differ.stdout).toContain('gatehouse: the two passwords differ; nothing was changed');
    const short = await onTerminal(['user', 'add', 'xena'], ['short']);
    expect(short.code).toBe(2);
    expect(short.stdout).toMatch(/^New password: \r?\ngatehouse: password refused: it has 5 characters/);
    expect(short.stdout).not.toContain('Repeat it');
    expect(await accounts().countDocuments({ usernameKey: 'xena' })).toBe(0);
  });
});
