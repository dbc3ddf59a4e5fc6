// Second-factor steps for flow tests: TOTP codes computed from the key a page shows, and the pages' forms.
import { expect } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import type { Page } from './browser.js';

/** The TOTP key the enrolment page shows for manual entry. */
export function shownTotpSecret(page: Page): string {
  const secret = /<code class="secret" id="totp-secret">([A-Z2-7]+)<\/code>/.exec(page.html)?.[1];
  expect(secret).toBeDefined();
  return secret!;
}

/** The code an authenticator app with this key shows `offsetSteps` periods from now. */
export function totpCode(secret: string, offsetSteps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });
}

/** The recovery codes a page lists. */
export function shownRecoveryCodes(page: Page): string[] {
  return [...page.html.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((match) => match[1]!);
}

/** The link a recovery-codes page continues with (HTML-escaped &amp; undone). */
export function continueLink(page: Page): string {
  const href = /<a class="button" href="([^"]+)"/.exec(page.html)?.[1];
  expect(href).toBeDefined();
  return new URL(href!.replace(/&amp;/g, '&'), page.url).href;
}

/** The claims of an ID token, unverified (openid-client verified it already). */
export function idTokenClaims(idToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
