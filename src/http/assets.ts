// Serves the pages' stylesheet (with the brand's colour), icons, passkey scripts, and the brand's logo and stylesheet.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Router from '@koa/router';
import type { LoadedConfig } from '../config/load.js';
import { BRAND_STYLESHEET_ASSET, brandLogoAsset } from '../branding/brand.js';
import { VIEWS_DIR } from '../views/render.js';

/** The UMD bundle @simplewebauthn/browser ships; it defines window.SimpleWebAuthnBrowser for passkeys.js. */
function webauthnBundle(): Buffer {
  const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
  // The package exports only its entry point (script/index.js); the bundle sits beside it under dist/.
  return readFileSync(path.resolve(path.dirname(entry), '..', 'dist', 'bundle', 'index.umd.min.js'));
}

type AssetConfig = Pick<LoadedConfig, 'mount_prefix' | 'branding' | 'pages'>;

export function addAssetRoutes(router: Router, config: AssetConfig): void {
  const base = readFileSync(path.join(VIEWS_DIR, 'assets', 'gatehouse.css'), 'utf8');
  // The colour is a validated hex value, so it cannot break out of the rule.
  const css = `${base}:root { --accent: ${config.branding.primary_color}; }\n`;
  const serve = (name: string, type: string, body: Buffer | string, at = `${config.mount_prefix}/assets/${name}`) =>
    router.get(at, (ctx) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = body;
    });
  serve('gatehouse.css', 'text/css', css);
  serve('favicon.svg', 'image/svg+xml', readFileSync(path.join(VIEWS_DIR, 'assets', 'favicon.svg')));
  const icon = readFileSync(path.join(VIEWS_DIR, 'assets', 'favicon.ico'));
  serve('favicon.ico', 'image/x-icon', icon);
  // Browsers fetch /favicon.ico by themselves for pages without a <link rel="icon"> (JSON endpoints, the demo's redirects).
  serve('favicon.ico', 'image/x-icon', icon, '/favicon.ico');
  serve('passkeys.js', 'text/javascript', readFileSync(path.join(VIEWS_DIR, 'assets', 'passkeys.js')));
  serve('simplewebauthn-browser.js', 'text/javascript', webauthnBundle());
  const { logo, stylesheet } = config.pages;
  if (logo && 'file' in logo) serve(brandLogoAsset(logo.file), logo.contentType, readFileSync(logo.file));
  if (stylesheet) serve(BRAND_STYLESHEET_ASSET, 'text/css', readFileSync(stylesheet));
}
