// Every refused sign-in verifies the same kinds of hash, whatever the account: unknown, external, disabled, current or awaiting rehash.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { AccountStore } from '../../src/accounts/account-store.js';
import { PasswordAuthenticator } from '../../src/accounts/authenticator.js';
import { awaitingRehash, hashInventory } from '../../src/accounts/hash-inventory.js';
import { hashKind, hashPassword, policyOf, verifyPassword, type HashingPolicy } from '../../src/accounts/password.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

const CURRENT: HashingPolicy = { algorithm: 'argon2id', memoryKib: 7168, iterations: 1, parallelism: 1 };
const LEGACY: HashingPolicy = { algorithm: 'scrypt', N: 16384, r: 8, p: 1 };
const OLD_ARGON: HashingPolicy = { algorithm: 'argon2id', memoryKib: 8192, iterations: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery';

let storage: TestStorage;
let accounts: AccountStore;
let authenticator: PasswordAuthenticator;
let stop: () => void = () => {};
/** The kind of every hash verified since the last take(): what an attempt cost, without timing it. */
let verified: string[] = [];
const take = () => {
  const kinds = verified.sort();
  verified = [];
  return kinds;
};
const kindOf = (policy: HashingPolicy) => hashKind(policy);

beforeAll(async () => {
  storage = await startTestStorage();
  accounts = new AccountStore(storage.db);
  await accounts.createIndexes();
  await accounts.create('current', await hashPassword(PASSWORD, CURRENT));
  await accounts.create('legacy', await hashPassword(PASSWORD, LEGACY));
  await accounts.create('disabled', await hashPassword(PASSWORD, CURRENT));
  await accounts.update('disabled', { disabled: true });
  await accounts.upsertExternal('ext-1', 'external', {});
  authenticator = new PasswordAuthenticator(accounts, CURRENT, async (password, stored) => {
    verified.push(hashKind(policyOf(stored)!));
    return verifyPassword(password, stored);
  });
  stop = await authenticator.watchHashKinds();
});
afterAll(async () => {
  stop();
  await storage.stop();
});

describe('timing of refused sign-ins', () => {
  it('counts the kinds of hash in the store without reading hashes, external accounts left out', async () => {
    const inventory = await hashInventory(accounts.collection);
    expect(Object.fromEntries(inventory)).toEqual({ [kindOf(CURRENT)]: 2, [kindOf(LEGACY)]: 1 });
    expect(awaitingRehash(inventory, CURRENT)).toBe(1);
    expect(authenticator.decoyKinds().sort()).toEqual([kindOf(CURRENT), kindOf(LEGACY)].sort());
  });

  it('verifies one hash of each kind present for an unknown, external, disabled, current or legacy account', async () => {
    const everyKind = [kindOf(CURRENT), kindOf(LEGACY)].sort();
    const refusals: Array<[string, string]> = [
      ['nobody', PASSWORD],
      ['external', PASSWORD],
      ['disabled', PASSWORD],
      ['current', 'wrong password'],
      ['legacy', 'wrong password'],
    ];
    for (const [username, password] of refusals) {
      expect(await authenticator.authenticate(username, password)).toBeUndefined();
      expect([username, take()]).toEqual([username, everyKind]);
    }
  });

  it('signs in with one verification, rehashes a legacy hash, and drops its decoy once no such hash is left', async () => {
    expect((await authenticator.authenticate('current', PASSWORD))?.username).toBe('current');
    expect(take()).toEqual([kindOf(CURRENT)]);
    expect((await authenticator.authenticate('legacy', PASSWORD))?.username).toBe('legacy');
    expect(take()).toEqual([kindOf(LEGACY)]);
    expect((await accounts.findByUsername('legacy'))!.passwordHash.startsWith(`${kindOf(CURRENT)}$`)).toBe(true);

    stop();
    stop = await authenticator.watchHashKinds();
    expect(authenticator.decoyKinds()).toEqual([kindOf(CURRENT)]);
    expect(await authenticator.authenticate('nobody', PASSWORD)).toBeUndefined();
    expect(take()).toEqual([kindOf(CURRENT)]);
  });

  it('learns a kind that appears between counts the first time it meets it, and pads every refusal with it from then on', async () => {
    await accounts.create('imported', await hashPassword(PASSWORD, OLD_ARGON));
    expect(await authenticator.authenticate('imported', 'wrong password')).toBeUndefined();
    const both = [kindOf(CURRENT), kindOf(OLD_ARGON)].sort();
    expect(take()).toEqual(both);
    expect(await authenticator.authenticate('nobody', PASSWORD)).toBeUndefined();
    expect(take()).toEqual(both);
    // A stronger hash of the configured algorithm is not rehashed, so it keeps being paid for.
    expect((await authenticator.authenticate('imported', PASSWORD))?.username).toBe('imported');
    expect(take()).toEqual([kindOf(OLD_ARGON)]);
    expect((await accounts.findByUsername('imported'))!.passwordHash.startsWith(`${kindOf(OLD_ARGON)}$`)).toBe(true);
  });
});
