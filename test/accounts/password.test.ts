// Password hashes: self-describing argon2id (default) and scrypt strings, constant-time verification, rehash when the policy moves.
import { describe, it, expect } from '@jest/globals';
import {
  hashKind,
  hashPassword,
  hashingPolicy,
  needsRehash,
  policyOf,
  verifyPassword,
  type HashingPolicy,
} from '../../src/accounts/password.js';
import { loadConfig } from '../../src/config/load.js';
import { writeConfigFile } from '../helpers/harness.js';

const LOW: HashingPolicy = { algorithm: 'scrypt', N: 16384, r: 8, p: 1 };
const ARGON_LOW: HashingPolicy = { algorithm: 'argon2id', memoryKib: 7168, iterations: 1, parallelism: 1 };

describe('password hashing', () => {
  it('defaults to argon2id at m=19456 KiB, t=2, p=1 (OWASP), with scrypt N=2^17 still selectable', async () => {
    const defaults = loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('demo: false\n') }).password_hashing;
    expect(hashingPolicy(defaults)).toEqual({ algorithm: 'argon2id', memoryKib: 19456, iterations: 2, parallelism: 1 });
    const scrypt = loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('password_hashing:\n  algorithm: scrypt\n') }).password_hashing;
    expect(hashingPolicy(scrypt)).toEqual({ algorithm: 'scrypt', N: 131072, r: 8, p: 1 });
    expect(await hashPassword('s3cret', hashingPolicy(defaults))).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
  });

  it('stores algorithm, parameters and a fresh salt in the hash string', async () => {
    const a = await hashPassword('s3cret', LOW);
    const b = await hashPassword('s3cret', LOW);
    expect(a).toMatch(/^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    const c = await hashPassword('s3cret', ARGON_LOW);
    expect(c).toMatch(/^\$argon2id\$v=19\$m=7168,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(c).not.toBe(await hashPassword('s3cret', ARGON_LOW));
  });

  it('verifies the right password and rejects a wrong one or a malformed hash, for both algorithms', async () => {
    for (const policy of [LOW, ARGON_LOW]) {
      const hash = await hashPassword('s3cret', policy);
      expect(await verifyPassword('s3cret', hash)).toBe(true);
      expect(await verifyPassword('s3cret ', hash)).toBe(false);
      expect(await verifyPassword('s3cret', hash.replace(/^\$[a-z0-9]+\$/, '$bcrypt$'))).toBe(false);
      expect(await verifyPassword('s3cret', hash.slice(0, hash.lastIndexOf('$')))).toBe(false);
    }
    expect(await verifyPassword('s3cret', '')).toBe(false);
    expect(await verifyPassword('s3cret', '!')).toBe(false);
  });

  it('verifies with the parameters stored in the hash, not the current ones', async () => {
    const old = await hashPassword('legacy', { algorithm: 'scrypt', N: 32768, r: 8, p: 1 });
    expect(old).toMatch(/^\$scrypt\$N=32768,r=8,p=1\$/);
    expect(await verifyPassword('legacy', old)).toBe(true);
    expect(needsRehash(old, { algorithm: 'scrypt', N: 65536, r: 8, p: 1 })).toBe(true);
    expect(needsRehash(old, LOW)).toBe(false);
    const argon = await hashPassword('legacy', { algorithm: 'argon2id', memoryKib: 8192, iterations: 2, parallelism: 1 });
    expect(await verifyPassword('legacy', argon)).toBe(true);
    expect(needsRehash(argon, ARGON_LOW)).toBe(false);
    expect(needsRehash(argon, { ...ARGON_LOW, memoryKib: 19456 })).toBe(true);
    expect(needsRehash(argon, { ...ARGON_LOW, iterations: 3 })).toBe(true);
  });

  it('rehashes a hash of the other algorithm, and anything that is not a local hash', () => {
    const scrypt = '$scrypt$N=131072,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U';
    expect(needsRehash(scrypt, ARGON_LOW)).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U', LOW)).toBe(
      true,
    );
    expect(needsRehash('!', ARGON_LOW)).toBe(true);
  });

  it('names the kind of a hash (algorithm and parameters, what its verification costs)', async () => {
    expect(hashKind(policyOf(await hashPassword('x', ARGON_LOW))!)).toBe('$argon2id$v=19$m=7168,t=1,p=1');
    expect(hashKind(policyOf(await hashPassword('x', LOW))!)).toBe('$scrypt$N=16384,r=8,p=1');
    expect(policyOf('$scrypt$N=16384,r=8,p=1')).toEqual(LOW);
    expect(policyOf('!')).toBeUndefined();
    expect(policyOf('$argon2i$v=19$m=7168,t=1,p=1$c2FsdA$a2V5')).toBeUndefined();
  });
});
