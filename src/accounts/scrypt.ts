// scrypt password hashes, `$scrypt$N=..,r=..,p=..$salt$key`: the former default, still verified and selectable in config.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two; OWASP's minimum for r=8, p=1 is 2^17. */
  N: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** The kind (algorithm and parameters), then salt and key. */
const FORMAT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)(?:\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+))?$/;

function scrypt(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  // Node refuses scrypt above 32 MiB unless maxmem allows it; 128·N·r bytes is what it needs, plus headroom.
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * params.p + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export function scryptPrefix(params: ScryptParams): string {
  return `$scrypt$N=${params.N},r=${params.r},p=${params.p}`;
}

export async function scryptHash(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, KEY_LENGTH, params);
  return `${scryptPrefix(params)}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The parameters a stored scrypt hash (or its kind, the text before the salt) names; undefined when it is neither. */
export function scryptParamsOf(stored: string): ScryptParams | undefined {
  const match = FORMAT.exec(stored);
  return match ? { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) } : undefined;
}

export async function scryptVerify(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match?.[5]) return false;
  const expectedKey = Buffer.from(match[5], 'base64url');
  const key = await scrypt(password, Buffer.from(match[4]!, 'base64url'), expectedKey.length, scryptParamsOf(stored)!);
  return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
}
