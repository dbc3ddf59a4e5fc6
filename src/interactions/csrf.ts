// CSRF tokens bound to one interaction: an HMAC of its uid, checked in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function csrfToken(secret: string, uid: string): string {
  return createHmac('sha256', secret).update(`csrf:${uid}`).digest('base64url');
}

export function csrfValid(secret: string, uid: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, uid));
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
