// Secrets sealed at rest with AES-256-GCM under keys derived from GATEHOUSE_KEY_ENCRYPTION_KEY: signing keys, factor secrets.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

export interface SealedJwk {
  alg: 'A256GCM';
  iv: string;
  tag: string;
  data: string;
}

/** What a sealed value is for: each purpose has its own derived key, so one kind of record cannot be opened as another. */
export type SealPurpose = 'signing-key-encryption' | 'factor-secret-encryption';

function derive(secret: string, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'gatehouse-keys', purpose, 32));
}

/** Seals text; `binding` is authenticated associated data (a kid, an account id), so a sealed value cannot be moved to another record. */
export function sealText(text: string, secret: string, binding: string, purpose: SealPurpose): SealedJwk {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(secret, purpose), iv);
  cipher.setAAD(Buffer.from(binding));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { alg: 'A256GCM', iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
}

/** Opens what sealText sealed; throws a plain Error when the key or the binding is not the one it was sealed with. */
export function openText(sealed: SealedJwk, secret: string, binding: string, purpose: SealPurpose): string {
  const decipher = createDecipheriv('aes-256-gcm', derive(secret, purpose), Buffer.from(sealed.iv, 'base64url'));
  decipher.setAAD(Buffer.from(binding));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]).toString('utf8');
}

export function sealJwk(jwk: JWK, secret: string, kid: string): SealedJwk {
  // The kid is bound as associated data, so a sealed key cannot be swapped onto another key's record.
  return sealText(JSON.stringify(jwk), secret, kid, 'signing-key-encryption');
}

export function openJwk(sealed: SealedJwk, secret: string, kid: string): JWK {
  try {
    return JSON.parse(openText(sealed, secret, kid, 'signing-key-encryption')) as JWK;
  } catch {
    throw new Error(`cannot decrypt signing key ${kid}: GATEHOUSE_KEY_ENCRYPTION_KEY is not the key it was sealed with`);
  }
}
