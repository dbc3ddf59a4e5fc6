// Serves the pages' files from views/assets (and simplewebauthn's browser bundle from its package), read once at start.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Router from '@koa/router';
import { VIEWS_DIR } from '../views/render.js';

/** The UMD bundle @simplewebauthn/browser ships; it defines window.SimpleWebAuthnBrowser for passkeys.js. */
function webauthnBundle(): Buffer {
  const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
  // The package exports only its entry point (script/index.js); the bundle sits beside it under dist/.
  return readFileSync(path.resolve(path.dirname(entry), '..', 'dist', 'bundle', 'index.umd.min.js'));
}

export function addAssetRoutes(router: Router, prefix: string): void {
  const files: Record<string, { type: string; body: Buffer }> = {
    'gatehouse.css': { type: 'text/css', body: readFileSync(path.join(VIEWS_DIR, 'assets', 'gatehouse.css')) },
    'passkeys.js': { type: 'text/javascript', body: readFileSync(path.join(VIEWS_DIR, 'assets', 'passkeys.js')) },
    'simplewebauthn-browser.js': { type: 'text/javascript', body: webauthnBundle() },
  };
  for (const [name, file] of Object.entries(files))
    router.get(`${prefix}/assets/${name}`, (ctx) => {
      ctx.type = file.type;
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = file.body;
    });
}
