// Values shown on pages, formatted with Intl for the page's locale: dates, numbers, lists, languages, yes/no.
import type { Locales } from './locales.js';

/** A day in the page's language, e.g. "3 March 2026" or "3. März 2026". */
export function formatDate(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(date);
}

/**
 * A moment to the minute in the page's language, in UTC and saying so ("March 3, 2026 at 9:04 AM UTC",
 * "3. März 2026 um 09:04 UTC"): the server does not know the reader's time zone, and an unlabelled time would mislead.
 */
export function formatDateTimeUtc(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(date);
}

/** "a, b and c" in the page's language. */
export function formatList(items: readonly string[], locale: string): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
}

function formatScalar(value: unknown, locale: string, locales: Locales): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return new Intl.NumberFormat(locale).format(value);
  if (typeof value === 'boolean') return locales.message(locale, value ? 'consent.yes' : 'consent.no');
  return undefined;
}

/** OIDC Core §5.1.1: `formatted`, or the parts in the order an envelope shows them. */
function formatAddress(address: Record<string, unknown>): string | undefined {
  if (typeof address.formatted === 'string' && address.formatted.trim()) return address.formatted.replace(/\s*\n\s*/g, ', ');
  const parts = ['street_address', 'postal_code', 'locality', 'region', 'country']
    .map((field) => address[field])
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return parts.length ? parts.join(', ') : undefined;
}

/**
 * How the consent page shows a claim's value, or undefined for a value it cannot show (an object other than an
 * address): the claim's name is then shown alone. Standard claims with a known shape get their natural format.
 */
export function formatClaimValue(name: string, value: unknown, locale: string, locales: Locales): string | undefined {
  if (name === 'updated_at' && typeof value === 'number')
    return formatIfValid(new Date(value * 1000), new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }));
  if (name === 'birthdate' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !value.startsWith('0000'))
    return formatIfValid(new Date(`${value}T00:00:00Z`), new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }));
  if (name === 'locale' && typeof value === 'string') {
    try {
      return new Intl.DisplayNames([locale], { type: 'language' }).of(value.replace('_', '-')) ?? value;
    } catch {
      return value;
    }
  }
  if (name === 'address' && typeof value === 'object' && value !== null && !Array.isArray(value))
    return formatAddress(value as Record<string, unknown>);
  if (Array.isArray(value)) {
    const items = value.map((item) => formatScalar(item, locale, locales)).filter((item): item is string => item !== undefined);
    return items.length ? formatList(items, locale) : undefined;
  }
  return formatScalar(value, locale, locales);
}

/** A stored claim can hold an impossible date ("1990-13-01", a huge number): then no formatted value, never a thrown error. */
function formatIfValid(date: Date, format: Intl.DateTimeFormat): string | undefined {
  return Number.isNaN(date.getTime()) ? undefined : format.format(date);
}
