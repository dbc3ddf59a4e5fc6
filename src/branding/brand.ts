// What every page shows of the brand (product name, logo, extra stylesheet), and where Gatehouse serves the brand's files.
import path from 'node:path';

export interface BrandSettings {
  readonly product_name: string;
  readonly primary_color: string;
}

export interface BrandFiles {
  readonly logo?: { readonly file: string; readonly contentType: string } | { readonly url: string };
  readonly stylesheet?: string;
}

export interface Brand {
  readonly productName: string;
  readonly primaryColor: string;
  /** The logo's URL on the pages: a brand asset served by Gatehouse, or the configured https URL. */
  readonly logoUrl?: string;
  /** The extra stylesheet's URL, linked after the built-in one. */
  readonly stylesheetUrl?: string;
}

/** Asset names under the assets prefix: fixed, so a configured path never becomes part of a URL. */
export const BRAND_STYLESHEET_ASSET = 'brand.css';

export function brandLogoAsset(file: string): string {
  return `brand-logo${path.extname(file).toLowerCase()}`;
}

export function createBrand(settings: BrandSettings, files: BrandFiles, assetPrefix: string): Brand {
  const logo = files.logo;
  return {
    productName: settings.product_name,
    primaryColor: settings.primary_color,
    ...(logo ? { logoUrl: 'url' in logo ? logo.url : `${assetPrefix}/${brandLogoAsset(logo.file)}` } : {}),
    ...(files.stylesheet ? { stylesheetUrl: `${assetPrefix}/${BRAND_STYLESHEET_ASSET}` } : {}),
  };
}

/**
 * The origins the pages' CSP lets images come from besides 'self': those of configured https logos (clients' logo_uri,
 * an https brand logo). Listing exact origins keeps img-src as narrow as the config.
 */
export function imageOrigins(urls: readonly (string | undefined)[]): string[] {
  const origins = urls
    .filter((url): url is string => typeof url === 'string' && url.startsWith('https://'))
    .map((url) => new URL(url).origin);
  return [...new Set(origins)].sort();
}
