// Message bundles: the nested key → text maps of the pages, the built-in ones in views/locales, and lookups into them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A message bundle: nested mappings whose leaves are texts with {name} placeholders. */
export interface Messages {
  readonly [key: string]: string | Messages;
}

/** Text given once, or per locale (config scope descriptions): `{ en: "…", de: "…" }`. */
export type LocalizedText = string | Readonly<Record<string, string>>;

/** Where the built-in bundles live: beside the templates, so every install that ships views/ ships them. */
export const BUILT_IN_LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views/locales');

/** The built-in locales; en.yaml is the reference every other bundle must match key for key. */
export const BUILT_IN_LOCALES = ['en', 'de', 'es'] as const;
export const REFERENCE_LOCALE = 'en';

/** The text at a dotted key, or undefined when the key is not a text. */
export function lookup(messages: Messages, key: string): string | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** Every dotted key of a bundle that holds a text, in file order. */
export function messageKeys(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : messageKeys(value, `${prefix}${key}.`),
  );
}

/** The {name} placeholders a text uses. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
}

/** Fills `{name}` placeholders; the views autoescape the result. An unknown placeholder stays as written. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}
