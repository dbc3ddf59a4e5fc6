// Password hashing with scrypt (memory-hard), stored as a self-describing string so parameters can be raised later.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two; OWASP's minimum for r=8, p=1 is 2^17. */
  N: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function scrypt(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  // Node refuses scrypt above 32 MiB unless maxmem allows it; 128·N·r bytes is what it needs, plus headroom.
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * params.p + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, KEY_LENGTH, params);
  return `$scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [, n, r, p, salt, expected] = match;
  const expectedKey = Buffer.from(expected!, 'base64url');
  const key = await scrypt(password, Buffer.from(salt!, 'base64url'), expectedKey.length, { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
}

/** True when a stored hash uses weaker parameters than the configured ones, so it should be rehashed on login. */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const match = FORMAT.exec(stored);
  if (!match) return true;
  return Number(match[1]) < params.N || Number(match[2]) < params.r || Number(match[3]) < params.p;
}
