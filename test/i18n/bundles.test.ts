// The shipped message bundles: every one has every key of English, with no placeholder English lacks; locale choice.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { readBundleFile } from '../../src/i18n/bundle-file.js';
import { BUILT_IN_LOCALES, BUILT_IN_LOCALES_DIR, messageKeys, placeholders, lookup, type Messages } from '../../src/i18n/messages.js';
import { negotiateLocale } from '../../src/i18n/negotiate.js';

const english = readBundleFile(path.join(BUILT_IN_LOCALES_DIR, 'en.yaml'), 'en.yaml');

describe('built-in message bundles', () => {
  it('English is well-formed and has the keys the pages use', () => {
    expect(english.problems).toEqual([]);
    const keys = messageKeys(english.messages!);
    expect(keys).toEqual(
      expect.arrayContaining([
        'login.failed',
        'consent.allow',
        'error.messages.default',
        'scopes.profile',
        'claims.email',
        'passkey.working',
        'secondFactor.title',
        'enrol.title',
        'recovery.title',
        'account.title',
        'account.methods.pwd',
      ]),
    );
  });

  // A key that does not exist would show as itself ("account.pasword") on the page, in every language.
  it('every message a template or the code names exists in English', () => {
    const root = path.resolve(BUILT_IN_LOCALES_DIR, '../..');
    const files = (dir: string, ext: string): string[] =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(ext))
        .map((entry) => path.join(entry.parentPath, entry.name));
    const exists = (key: string) => {
      let node: string | Messages | undefined = english.messages!;
      for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
      return node !== undefined;
    };
    // Templates: t.section.key (a mapping such as t.error.messages is indexed by the template).
    const fromTemplates = files(path.join(root, 'views'), '.njk').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bt\.([A-Za-z][\w.]*\w)/g)].map((match) => ({ file, key: match[1]! })),
    );
    // Code: literal keys on lines that pass a message key (template names and audit event types are not keys).
    const calls = /\b(message|text|done|showSecondFactorStep|renderEnrolment|showTotpSetup|factorAdded|factorRemoved|showCodes)\(/;
    const fromCode = files(path.join(root, 'src'), '.ts').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => calls.test(line))
        .flatMap((line) => [...line.matchAll(/'([a-z][A-Za-z]*\.[A-Za-z.]*[A-Za-z])'/g)].map((match) => ({ file, key: match[1]! })))
        .filter(({ key }) => !key.endsWith('.njk')),
    );
    expect(fromTemplates.length).toBeGreaterThan(100);
    expect(fromCode.length).toBeGreaterThan(30);
    expect([...fromTemplates, ...fromCode].filter(({ key }) => !exists(key))).toEqual([]);
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
