// Password hashes: self-describing scrypt strings, constant-time verification, and rehash when parameters rise.
import { describe, it, expect } from '@jest/globals';
import { hashPassword, needsRehash, verifyPassword } from '../../src/accounts/password.js';

const LOW = { N: 16384, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores algorithm, parameters and a fresh salt in the hash string', async () => {
    const a = await hashPassword('s3cret', LOW);
    const b = await hashPassword('s3cret', LOW);
    expect(a).toMatch(/^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and rejects a wrong one or a malformed hash', async () => {
    const hash = await hashPassword('s3cret', LOW);
    expect(await verifyPassword('s3cret', hash)).toBe(true);
    expect(await verifyPassword('s3cret ', hash)).toBe(false);
    expect(await verifyPassword('s3cret', hash.replace('$scrypt$', '$bcrypt$'))).toBe(false);
    expect(await verifyPassword('s3cret', '')).toBe(false);
  });

  it('verifies with the parameters stored in the hash, not the current ones', async () => {
    const old = await hashPassword('legacy', { N: 32768, r: 8, p: 1 });
    expect(old).toMatch(/^\$scrypt\$N=32768,r=8,p=1\$/);
    expect(await verifyPassword('legacy', old)).toBe(true);
    expect(needsRehash(old, { N: 65536, r: 8, p: 1 })).toBe(true);
    expect(needsRehash(old, LOW)).toBe(false);
  });
});
