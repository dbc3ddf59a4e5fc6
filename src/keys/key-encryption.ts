// Private signing keys sealed at rest with AES-256-GCM under a key derived from GATEHOUSE_KEY_ENCRYPTION_KEY.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

export interface SealedJwk {
  alg: 'A256GCM';
  iv: string;
  tag: string;
  data: string;
}

function derive(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'gatehouse-keys', 'signing-key-encryption', 32));
}

export function sealJwk(jwk: JWK, secret: string, kid: string): SealedJwk {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(secret), iv);
  // The kid is bound as associated data, so a sealed key cannot be swapped onto another key's record.
  cipher.setAAD(Buffer.from(kid));
  const data = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return { alg: 'A256GCM', iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
}

export function openJwk(sealed: SealedJwk, secret: string, kid: string): JWK {
  const decipher = createDecipheriv('aes-256-gcm', derive(secret), Buffer.from(sealed.iv, 'base64url'));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  try {
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]).toString('utf8')) as JWK;
  } catch {
    throw new Error(`cannot decrypt signing key ${kid}: GATEHOUSE_KEY_ENCRYPTION_KEY is not the key it was sealed with`);
  }
}
