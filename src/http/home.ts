// `/`: in development a page linking the demo, discovery, JWKS and the README; in production a minimal page or home_url.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { LoadedConfig } from '../config/load.js';
import type { Render } from '../views/render.js';
import { VIEWS_DIR } from '../views/render.js';
import { pageLocale, sendPage } from '../views/page.js';

export interface HomeOptions {
  config: Pick<LoadedConfig, 'production' | 'home_url' | 'mount_prefix'>;
  /** Whether the development demo is served (at /demo). */
  demo: boolean;
  render: Render;
}

export function addHomeRoutes(router: Router, { config, demo, render }: HomeOptions): void {
  const prefix = config.mount_prefix;
  const paths = prefix ? ['/', prefix] : ['/'];
  if (config.production) {
    const home = config.home_url;
    for (const at of paths)
      router.get(at, (ctx) => {
        if (home) ctx.redirect(home);
        else sendPage(ctx, render, 'home.njk', { development: false }, pageLocale(render, ctx));
      });
    return;
  }
  const readme = readReadme();
  const links = {
    development: true,
    demo: demo ? '/demo' : undefined,
    discovery: `${prefix}/.well-known/openid-configuration`,
    jwks: `${prefix}/jwks`,
    readme: readme ? '/readme' : undefined,
  };
  for (const at of paths) router.get(at, (ctx) => sendPage(ctx, render, 'home.njk', links, pageLocale(render, ctx)));
  // The README as plain text, so the development page can link the documentation without a network.
  if (readme)
    router.get('/readme', (ctx) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = readme;
    });
}

function readReadme(): string | undefined {
  try {
    return readFileSync(path.join(VIEWS_DIR, '..', 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
}
