// TOTP keys at rest: sealed under the key-encryption key (bound to the account), sealed later when a key appears.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { TotpStore } from '../../src/factors/totp.js';
import { totpCode } from '../helpers/mfa.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

const KEK = 'a-key-encryption-key-for-the-tests-0123456789';
let storage: TestStorage;
beforeAll(async () => {
  storage = await startTestStorage();
});
afterAll(async () => {
  await storage.stop();
});

const stored = (id: string) => storage.db.collection('mfa_totp').findOne({ _id: id as never });

describe('TOTP keys at rest', () => {
  it('are sealed with the key-encryption key: the key is not in the database, and codes still verify', async () => {
    const store = new TotpStore(storage.db, KEK, 'Gatehouse');
    const { secret } = (await store.startEnrolment('account-1', 'alice'))!;
    const doc = await stored('account-1');
    expect(doc!.secret).toEqual({ sealed: { alg: 'A256GCM', iv: expect.any(String), tag: expect.any(String), data: expect.any(String) } });
    expect(JSON.stringify(doc)).not.toContain(secret);
    expect(await store.confirm('account-1', totpCode(secret))).toBe(true);
    expect(await store.verify('account-1', totpCode(secret, 1))).toBe(true);
  });

  it('a sealed key moved onto another account does not open, and another key-encryption key cannot open it', async () => {
    const doc = await stored('account-1');
    await storage.db.collection('mfa_totp').insertOne({ ...doc!, _id: 'account-2' as never });
    await expect(new TotpStore(storage.db, KEK, 'Gatehouse').verify('account-2', '123456')).rejects.toThrow(
      /cannot decrypt a factor secret/,
    );
    await expect(new TotpStore(storage.db, `${KEK}-other`, 'Gatehouse').verify('account-1', '123456')).rejects.toThrow(
      /cannot decrypt a factor secret/,
    );
  });

  it('keys stored without a key-encryption key (development) are sealed once one is set', async () => {
    const plain = new TotpStore(storage.db, undefined, 'Gatehouse');
    const { secret } = (await plain.startEnrolment('account-3', 'carol'))!;
    expect((await stored('account-3'))!.secret).toEqual({ plain: secret });
    const sealing = new TotpStore(storage.db, KEK, 'Gatehouse');
    expect(await sealing.sealPlaintext()).toBe(1);
    expect(JSON.stringify(await stored('account-3'))).not.toContain(secret);
    expect(await sealing.confirm('account-3', totpCode(secret))).toBe(true);
  });
});
