// Claim values on the consent page: standard shapes formatted for the locale, impossible dates left out rather than thrown.
import { describe, expect, it } from '@jest/globals';
import { builtInLocales } from '../../src/config/page-files.js';
import { formatClaimValue } from '../../src/i18n/format.js';
import { Locales } from '../../src/i18n/locales.js';

const locales = new Locales(builtInLocales().locales, 'en');

describe('formatClaimValue', () => {
  it('formats a birthdate and updated_at in the page language', () => {
    expect(formatClaimValue('birthdate', '1990-03-01', 'de', locales)).toBe('1. März 1990');
    expect(formatClaimValue('updated_at', 0, 'en', locales)).toMatch(/1970/);
  });

  it('shows no value, instead of failing the page, for a stored date that cannot exist', () => {
    expect(formatClaimValue('birthdate', '1990-13-01', 'en', locales)).toBeUndefined();
    expect(formatClaimValue('updated_at', 1e17, 'en', locales)).toBeUndefined();
  });
});
