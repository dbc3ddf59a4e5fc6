// Serves the pages' one stylesheet from views/assets, read once at start.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import { VIEWS_DIR } from '../views/render.js';

export function addAssetRoutes(router: Router, prefix: string): void {
  const css = readFileSync(path.join(VIEWS_DIR, 'assets', 'gatehouse.css'));
  router.get(`${prefix}/assets/gatehouse.css`, (ctx) => {
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = css;
  });
}
