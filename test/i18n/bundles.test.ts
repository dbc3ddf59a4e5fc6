// The shipped message bundles: every one has every key of English, with no placeholder English lacks; locale choice.
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { readBundleFile } from '../../src/i18n/bundle-file.js';
import { BUILT_IN_LOCALES, BUILT_IN_LOCALES_DIR, messageKeys, placeholders, lookup } from '../../src/i18n/messages.js';
import { negotiateLocale } from '../../src/i18n/negotiate.js';

const english = readBundleFile(path.join(BUILT_IN_LOCALES_DIR, 'en.yaml'), 'en.yaml');

describe('built-in message bundles', () => {
  it('English is well-formed and has the keys the pages use', () => {
    expect(english.problems).toEqual([]);
    const keys = messageKeys(english.messages!);
    expect(keys).toEqual(
      expect.arrayContaining(['login.failed', 'consent.allow', 'error.messages.default', 'scopes.profile', 'claims.email']),
    );
  });

  it.each(BUILT_IN_LOCALES.filter((code) => code !== 'en'))(
    '%s has every key of English and only those, with the same placeholders',
    (code) => {
      const bundle = readBundleFile(path.join(BUILT_IN_LOCALES_DIR, `${code}.yaml`), `${code}.yaml`, english.messages);
      expect(bundle.problems).toEqual([]);
      expect(messageKeys(bundle.messages!).sort()).toEqual(messageKeys(english.messages!).sort());
      for (const key of messageKeys(english.messages!)) {
        // A translation that drops a placeholder loses information (the app's name, a date): same set as English.
        expect({ key, placeholders: placeholders(lookup(bundle.messages!, key)!).sort() }).toEqual({
          key,
          placeholders: placeholders(lookup(english.messages!, key)!).sort(),
        });
      }
    },
  );

  // Identical texts are fine only where the word is the same in both languages (Error, Website, No, …).
  it('translations are really translated: most texts differ from English', () => {
    for (const code of BUILT_IN_LOCALES.filter((candidate) => candidate !== 'en')) {
      const bundle = readBundleFile(path.join(BUILT_IN_LOCALES_DIR, `${code}.yaml`), `${code}.yaml`, english.messages).messages!;
      const keys = messageKeys(english.messages!);
      const same = keys.filter((key) => lookup(bundle, key) === lookup(english.messages!, key));
      expect({ code, same: same.length <= 5 ? 'few' : same }).toEqual({ code, same: 'few' });
    }
  });
});

describe('locale negotiation', () => {
  const available = ['en', 'de', 'es'];

  it('takes ui_locales over Accept-Language, in the order given', () => {
    expect(negotiateLocale({ uiLocales: 'fr es de', acceptLanguage: 'de-DE,de;q=0.9' }, available, 'en')).toBe('es');
  });

  it('matches a regional tag to its language, case-insensitively', () => {
    expect(negotiateLocale({ uiLocales: 'DE-at' }, available, 'en')).toBe('de');
  });

  it('follows Accept-Language by weight when ui_locales names nothing available', () => {
    expect(negotiateLocale({ uiLocales: 'fr', acceptLanguage: 'fr;q=1, es;q=0.5, de;q=0.8' }, available, 'en')).toBe('de');
    expect(negotiateLocale({ acceptLanguage: 'es-MX,es;q=0.9,en;q=0.8' }, available, 'en')).toBe('es');
  });

  it('falls back to the default; q=0 and * choose nothing', () => {
    expect(negotiateLocale({ acceptLanguage: 'de;q=0, *' }, available, 'es')).toBe('es');
    expect(negotiateLocale({}, available, 'de')).toBe('de');
    expect(negotiateLocale({ uiLocales: ['de'] }, available, 'en')).toBe('en');
  });
});
