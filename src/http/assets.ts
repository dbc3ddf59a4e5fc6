// Serves the pages' stylesheet and icons from views/assets, read once at start; /favicon.ico for browsers that ask the root.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { VIEWS_DIR } from '../views/render.js';

const ASSETS = [
  { file: 'gatehouse.css', type: 'text/css' },
  { file: 'favicon.svg', type: 'image/svg+xml' },
  { file: 'favicon.ico', type: 'image/x-icon' },
];

export function addAssetRoutes(router: Router, prefix: string): void {
  for (const { file, type } of ASSETS) {
    const body = readFileSync(path.join(VIEWS_DIR, 'assets', file));
    const serve = (ctx: Context) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = body;
    };
    router.get(`${prefix}/assets/${file}`, serve);
    // Browsers fetch /favicon.ico by themselves for pages without a <link rel="icon"> (JSON endpoints, the demo's redirects).
    if (file === 'favicon.ico') router.get('/favicon.ico', serve);
  }
}
