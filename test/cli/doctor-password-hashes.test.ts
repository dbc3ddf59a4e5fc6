// `gatehouse doctor` says how many password hashes still await rehashing after the algorithm or its parameters change.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { AccountStore } from '../../src/accounts/account-store.js';
import { hashPassword } from '../../src/accounts/password.js';
import { writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await startTestStorage();
});
afterAll(async () => {
  await storage.stop();
});

async function doctor(): Promise<string> {
  // No instance listens on port 9: the live checks fail, the stored-data checks still run.
  const result = await runProcess('dist/cli/index.js', ['doctor', '--url', 'http://127.0.0.1:9'], {
    MONGODB_URI: storage.uri,
    GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${storage.dbName}\npassword_hashing:\n  argon2_memory_kib: 7168\n`),
  });
  return result.stdout;
}

describe('gatehouse doctor: password hashes', () => {
  it('counts hashes awaiting rehash by kind, and reports none once every hash is current', async () => {
    const accounts = new AccountStore(storage.db);
    const legacy = { algorithm: 'scrypt', N: 16384, r: 8, p: 1 } as const;
    const current = { algorithm: 'argon2id', memoryKib: 7168, iterations: 2, parallelism: 1 } as const;
    await accounts.create('old-1', await hashPassword('pw', legacy));
    await accounts.create('old-2', await hashPassword('pw', legacy));
    await accounts.create('new-1', await hashPassword('pw', current));
    await accounts.upsertExternal('ext-1', 'external', {});
    expect(await doctor()).toMatch(
      /warn {2}password hashes: 2 await rehashing \(\$scrypt\$N=16384,r=8,p=1\); .*\n {6}fix: nothing to run: each is rehashed at its user's next sign-in/,
    );
    for (const name of ['old-1', 'old-2']) await accounts.update(name, { passwordHash: await hashPassword('pw', current) });
    expect(await doctor()).toContain('ok    password hashes: all argon2id at the configured parameters or stronger\n');
  }, 60_000);
});
