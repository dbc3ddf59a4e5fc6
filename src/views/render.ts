// The nunjucks environment for the pages: autoescaping on; the config's views_dir searched before the built-in views/;
// each page rendered with its locale's messages, its brand and its asset paths.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { type Brand, createBrand } from '../branding/brand.js';
import type { LoadedConfig } from '../config/load.js';
import { Locales } from '../i18n/locales.js';
import { fill } from '../i18n/messages.js';

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views');

/** Renders a template in a locale (the default locale when none is given); carries the locales and brand pages need. */
export interface Render {
  (template: string, context: Record<string, unknown>, locale?: string): string;
  readonly locales: Locales;
  readonly brand: Brand;
  /** Where "go on" links lead when no app is known: the start page under the mount path. */
  readonly home: string;
}

export interface RendererOptions {
  assetPrefix: string;
  home: string;
  locales: Locales;
  brand: Brand;
  /** Templates here take precedence over the built-in ones of the same name. */
  viewsDir?: string;
}

export function createRenderer({ assetPrefix, home, locales, brand, viewsDir }: RendererOptions): Render {
  const searchPath = viewsDir ? [viewsDir, VIEWS_DIR] : [VIEWS_DIR];
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(searchPath, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addGlobal('assets', assetPrefix);
  env.addGlobal('brand', brand);
  env.addGlobal('home', home);
  // {product} is the brand's name in every message; other placeholders come from the template.
  env.addFilter('fill', (template: string, values: Record<string, string> = {}) =>
    fill(template, { product: brand.productName, ...values }),
  );
  const render = (template: string, context: Record<string, unknown>, locale = locales.defaultLocale) =>
    env.render(template, { ...context, lang: locale, t: locales.messages(locale) });
  return Object.assign(render, { locales, brand, home });
}

/** The renderer the config describes: its locales and default, its brand, its template overrides. */
export function rendererFor(config: Pick<LoadedConfig, 'mount_prefix' | 'branding' | 'i18n' | 'pages'>): Render {
  const assetPrefix = `${config.mount_prefix}/assets`;
  return createRenderer({
    assetPrefix,
    home: `${config.mount_prefix}/`,
    locales: new Locales(config.pages.locales, config.i18n.default_locale),
    brand: createBrand(config.branding, config.pages, assetPrefix),
    viewsDir: config.pages.views_dir,
  });
}
