// The files config names for the pages (locale bundles, logo, extra stylesheet, views folder), resolved from the
// config file's folder and checked at load, so a missing file or message key stops the start like any config error.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { KeyPath } from './env-refs.js';
import type { GatehouseConfig } from './schema.js';
import { readBundleFile } from '../i18n/bundle-file.js';
import { BUILT_IN_LOCALES, BUILT_IN_LOCALES_DIR, REFERENCE_LOCALE, type Messages } from '../i18n/messages.js';

export interface PageFiles {
  /** Every locale the pages can be shown in: the built-in bundles and the config's files. */
  readonly locales: Readonly<Record<string, Messages>>;
  /** The branding logo: a file Gatehouse serves, or an https URL the browser loads. */
  readonly logo?: { readonly file: string; readonly contentType: string } | { readonly url: string };
  /** Absolute path of the extra stylesheet. */
  readonly stylesheet?: string;
  /** Absolute path of the template overrides folder. */
  readonly views_dir?: string;
}

/** A problem at a config key (`at`), or one already naming its own file (a locale bundle's line). */
export interface PageFileProblem {
  at?: KeyPath;
  text: string;
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** Sections whose files a command needs; a CLI command that uses none of them skips reading the files. */
export const PAGE_SECTIONS: readonly (keyof GatehouseConfig)[] = ['branding', 'views_dir', 'i18n'];

let builtIn: { locales: Record<string, Messages>; problems: string[] } | undefined;

/** The shipped bundles, read once per process; a broken one is a packaging fault, reported like a config problem. */
export function builtInLocales(): { locales: Record<string, Messages>; problems: string[] } {
  if (builtIn) return builtIn;
  const shown = (code: string) => path.join(path.relative(process.cwd(), BUILT_IN_LOCALES_DIR) || '.', `${code}.yaml`);
  const english = readBundleFile(path.join(BUILT_IN_LOCALES_DIR, `${REFERENCE_LOCALE}.yaml`), shown(REFERENCE_LOCALE));
  const locales: Record<string, Messages> = {};
  const problems = [...english.problems];
  if (english.messages) {
    locales[REFERENCE_LOCALE] = english.messages;
    for (const code of BUILT_IN_LOCALES.filter((candidate) => candidate !== REFERENCE_LOCALE)) {
      const bundle = readBundleFile(path.join(BUILT_IN_LOCALES_DIR, `${code}.yaml`), shown(code), english.messages);
      problems.push(...bundle.problems);
      if (bundle.messages) locales[code] = bundle.messages;
    }
  }
  builtIn = { locales, problems };
  return builtIn;
}

export function loadPageFiles(
  config: GatehouseConfig,
  configDir: string,
  shownPath: (file: string) => string,
  skip = false,
): { files: PageFiles; problems: PageFileProblem[] } {
  const base = builtInLocales();
  const problems: PageFileProblem[] = base.problems.map((text) => ({ text }));
  const locales: Record<string, Messages> = { ...base.locales };
  if (skip) return { files: { locales }, problems };
  const resolve = (file: string) => path.resolve(configDir, file);

  for (const [code, file] of Object.entries(config.i18n.locales)) {
    const bundle = readBundleFile(resolve(file), shownPath(resolve(file)), base.locales[REFERENCE_LOCALE]);
    problems.push(...bundle.problems.map((text) => ({ text })));
    if (bundle.messages) locales[code] = bundle.messages;
  }

  const { logo, stylesheet } = config.branding;
  let logoFile: PageFiles['logo'];
  if (logo?.startsWith('https://')) logoFile = { url: logo };
  else if (logo) {
    const contentType = IMAGE_TYPES[path.extname(logo).toLowerCase()];
    if (!contentType)
      problems.push({
        at: ['branding', 'logo'],
        text: `unsupported image type (expected a file ending in ${Object.keys(IMAGE_TYPES).join(', ')})`,
      });
    else if (!isFile(resolve(logo))) problems.push({ at: ['branding', 'logo'], text: notFound(resolve(logo), 'an image file') });
    else logoFile = { file: resolve(logo), contentType };
  }
  if (stylesheet && !isFile(resolve(stylesheet)))
    problems.push({ at: ['branding', 'stylesheet'], text: notFound(resolve(stylesheet), 'a CSS file') });
  if (config.views_dir && !isDirectory(resolve(config.views_dir)))
    problems.push({ at: ['views_dir'], text: notFound(resolve(config.views_dir), 'a folder of .njk templates') });

  return {
    files: {
      locales,
      ...(logoFile ? { logo: logoFile } : {}),
      ...(stylesheet ? { stylesheet: resolve(stylesheet) } : {}),
      ...(config.views_dir ? { views_dir: resolve(config.views_dir) } : {}),
    },
    problems,
  };
}

function notFound(file: string, what: string): string {
  return `not found: ${file} (expected ${what}; relative paths start at the config file's folder)`;
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}
