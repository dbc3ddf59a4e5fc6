// Sign-in cost does not reveal accounts: whoever lacks a current local hash also pays a verification at current parameters.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { AccountStore } from '../../src/accounts/account-store.js';
import { PasswordAuthenticator } from '../../src/accounts/authenticator.js';
import { hashPassword, verifyPassword } from '../../src/accounts/password.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

const CURRENT = { N: 16384, r: 8, p: 1 };
const OLDER = { N: 1024, r: 8, p: 1 };
const cost = (hash: string) => /N=(\d+)/.exec(hash)?.[1];

let storage: TestStorage;
let accounts: AccountStore;
beforeAll(async () => {
  storage = await startTestStorage();
  accounts = new AccountStore(storage.db);
  await accounts.createIndexes();
  await accounts.create('current', await hashPassword('current-password', CURRENT), {});
  await accounts.create('older', await hashPassword('older-password', OLDER), {});
  await accounts.upsertExternal('from-directory-sub', 'from-directory', {});
});
afterAll(async () => {
  await storage.stop();
});

/** The scrypt costs (N) of the hashes one wrong-password sign-in verified against. */
async function costsOf(username: string): Promise<(string | undefined)[]> {
  const verified: string[] = [];
  const authenticator = new PasswordAuthenticator(accounts, CURRENT, (password, hash) => {
    verified.push(hash);
    return verifyPassword(password, hash);
  });
  expect(await authenticator.authenticate(username, 'a-wrong-password')).toBeUndefined();
  return verified.map(cost);
}

describe('a wrong password costs a verification at the current parameters for every kind of username', () => {
  it('unknown, provisioned by the hook (no local password), hashed with older parameters, or current', async () => {
    expect(await costsOf('nobody')).toEqual(['16384']);
    expect(await costsOf('from-directory')).toEqual(['16384']);
    // The older hash verifies faster; the decoy at current parameters follows it.
    expect(await costsOf('older')).toEqual(['1024', '16384']);
    expect(await costsOf('current')).toEqual(['16384']);
  });
});
