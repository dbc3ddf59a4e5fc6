// Factor secrets (TOTP seeds) at rest: sealed under the key-encryption key when there is one, plain in development.
import { openText, sealText, type SealedJwk } from '../keys/key-encryption.js';

export type StoredSecret = { sealed: SealedJwk } | { plain: string };

/** Sealed for one account: the account id is bound in, so a sealed secret copied to another account does not open. */
export function storeSecret(secret: string, kek: string | undefined, accountId: string): StoredSecret {
  return kek ? { sealed: sealText(secret, kek, accountId, 'factor-secret-encryption') } : { plain: secret };
}

export function readSecret(stored: StoredSecret, kek: string | undefined, accountId: string): string {
  if ('plain' in stored) return stored.plain;
  if (!kek) throw new Error('a factor secret is sealed but GATEHOUSE_KEY_ENCRYPTION_KEY is not set');
  try {
    return openText(stored.sealed, kek, accountId, 'factor-secret-encryption');
  } catch {
    throw new Error('cannot decrypt a factor secret: GATEHOUSE_KEY_ENCRYPTION_KEY is not the key it was sealed with');
  }
}
