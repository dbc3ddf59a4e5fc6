// Password hashes: argon2id (the default) or scrypt, each a self-describing string, so algorithm and parameters can change later.
import { argon2idHash, argon2idParamsOf, argon2idPrefix, argon2idVerify, type Argon2idParams } from './argon2id.js';
import { scryptHash, scryptParamsOf, scryptPrefix, scryptVerify, type ScryptParams } from './scrypt.js';

export type { Argon2idParams, ScryptParams };

/** How new passwords are hashed: the algorithm config selects, with its parameters. */
export type HashingPolicy = ({ algorithm: 'argon2id' } & Argon2idParams) | ({ algorithm: 'scrypt' } & ScryptParams);

/** The `password_hashing` section of the config (defaults live in the schema). */
export interface PasswordHashingConfig {
  algorithm: 'argon2id' | 'scrypt';
  argon2_memory_kib: number;
  argon2_iterations: number;
  argon2_parallelism: number;
  scrypt_cost: number;
  scrypt_block_size: number;
  scrypt_parallelization: number;
}

export function hashingPolicy(config: PasswordHashingConfig): HashingPolicy {
  return config.algorithm === 'scrypt'
    ? { algorithm: 'scrypt', N: config.scrypt_cost, r: config.scrypt_block_size, p: config.scrypt_parallelization }
    : {
        algorithm: 'argon2id',
        memoryKib: config.argon2_memory_kib,
        iterations: config.argon2_iterations,
        parallelism: config.argon2_parallelism,
      };
}

export function hashPassword(password: string, policy: HashingPolicy): Promise<string> {
  return policy.algorithm === 'scrypt' ? scryptHash(password, policy) : argon2idHash(password, policy);
}

/** Constant-time check of a password against a stored hash of either algorithm; false for anything else. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2id$')) return argon2idVerify(password, stored);
  if (stored.startsWith('$scrypt$')) return scryptVerify(password, stored);
  return Promise.resolve(false);
}

/** The algorithm and parameters a stored hash (or a kind) names; undefined for anything else, like an external account's "!". */
export function policyOf(stored: string): HashingPolicy | undefined {
  const argon2 = argon2idParamsOf(stored);
  if (argon2) return { algorithm: 'argon2id', ...argon2 };
  const scrypt = scryptParamsOf(stored);
  return scrypt && { algorithm: 'scrypt', ...scrypt };
}

/** A policy as the text its hashes start with (before the salt): hashes of one kind cost the same to verify. */
export function hashKind(policy: HashingPolicy): string {
  return policy.algorithm === 'scrypt' ? scryptPrefix(policy) : argon2idPrefix(policy);
}

/** True when a stored hash uses another algorithm or a weaker parameter than configured, so it is rehashed at sign-in. */
export function needsRehash(stored: string, policy: HashingPolicy): boolean {
  const current = policyOf(stored);
  if (!current || current.algorithm !== policy.algorithm) return true;
  if (current.algorithm === 'scrypt' && policy.algorithm === 'scrypt')
    return current.N < policy.N || current.r < policy.r || current.p < policy.p;
  if (current.algorithm === 'argon2id' && policy.algorithm === 'argon2id')
    return current.memoryKib < policy.memoryKib || current.iterations < policy.iterations || current.parallelism < policy.parallelism;
  return true;
}
