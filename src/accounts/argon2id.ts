// argon2id password hashes in the PHC string format (`$argon2id$v=19$m=..,t=..,p=..$salt$hash`), through a native binding.
import { hash, verify } from '@node-rs/argon2';

export interface Argon2idParams {
  /** Memory in KiB (m); OWASP: 19456 (19 MiB) with t=2, p=1. */
  memoryKib: number;
  /** Passes over memory (t). */
  iterations: number;
  /** Lanes (p). */
  parallelism: number;
}

/** @node-rs/argon2's Algorithm.Argon2id: its enum is a `const enum`, which isolated modules cannot read. */
const ARGON2ID = 2;
/** Only version 0x13 (19), the current one, is produced or accepted. */
const FORMAT = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)(\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+)?$/;

export function argon2idPrefix(params: Argon2idParams): string {
  return `$argon2id$v=19$m=${params.memoryKib},t=${params.iterations},p=${params.parallelism}`;
}

export function argon2idHash(password: string, params: Argon2idParams): Promise<string> {
  // The binding draws a 16-byte salt from the OS and runs on libuv's thread pool, off the event loop.
  return hash(password, {
    algorithm: ARGON2ID,
    memoryCost: params.memoryKib,
    timeCost: params.iterations,
    parallelism: params.parallelism,
  });
}

/** The parameters a stored argon2id hash (or its kind, the text before the salt) names; undefined when it is neither. */
export function argon2idParamsOf(stored: string): Argon2idParams | undefined {
  const match = FORMAT.exec(stored);
  return match ? { memoryKib: Number(match[1]), iterations: Number(match[2]), parallelism: Number(match[3]) } : undefined;
}

export async function argon2idVerify(password: string, stored: string): Promise<boolean> {
  if (!FORMAT.exec(stored)?.[4]) return false;
  // The binding compares in constant time (the argon2 crate's password-hash verification).
  return verify(stored, password).catch(() => false);
}
