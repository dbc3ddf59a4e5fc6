// The locales pages can be shown in: their bundles, the default, the choice per request, and per-locale config texts.
import { type LocalizedText, type Messages, fill, lookup } from './messages.js';
import { type LocaleRequest, negotiateLocale } from './negotiate.js';

export class Locales {
  /** What discovery's ui_locales_supported lists. */
  readonly available: readonly string[];

  constructor(
    private readonly bundles: Readonly<Record<string, Messages>>,
    readonly defaultLocale: string,
  ) {
    this.available = Object.keys(bundles);
    if (!bundles[defaultLocale]) throw new Error(`no bundle for the default locale "${defaultLocale}"`);
  }

  choose(request: LocaleRequest): string {
    return negotiateLocale(request, this.available, this.defaultLocale);
  }

  messages(locale: string): Messages {
    return this.bundles[locale] ?? this.bundles[this.defaultLocale]!;
  }

  /** A message of `locale`, filled; every bundle has every key (checked at load), so the key itself never shows. */
  message(locale: string, key: string, values: Readonly<Record<string, string>> = {}): string {
    return fill(this.find(locale, key) ?? key, values);
  }

  /** A message that may not exist, such as the label of a claim config added. */
  find(locale: string, key: string): string | undefined {
    return lookup(this.messages(locale), key);
  }

  /** A text from config given once or per locale; config validation makes sure the default locale has one. */
  text(value: LocalizedText, locale: string): string {
    if (typeof value === 'string') return value;
    return value[locale] ?? value[this.defaultLocale] ?? Object.values(value)[0] ?? '';
  }
}
