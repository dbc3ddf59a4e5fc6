// The nunjucks environment for views/: autoescaping on, strings and asset paths available to every template.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { fill, strings } from './strings.js';

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views');

export type Render = (template: string, context: Record<string, unknown>) => string;

export function createRenderer(options: { assetPrefix: string }): Render {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addGlobal('t', strings);
  env.addGlobal('assets', options.assetPrefix);
  env.addFilter('fill', (template: string, values: Record<string, string>) => fill(template, values));
  return (template, context) => env.render(template, context);
}
