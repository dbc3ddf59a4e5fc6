// The nunjucks environment for views/: autoescaping on, strings and asset paths available to every template.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { fill, strings } from './strings.js';
import { accountStrings } from './strings-account.js';

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views');

export type Render = (template: string, context: Record<string, unknown>) => string;

export function createRenderer(options: { assetPrefix: string }): Render {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addGlobal('t', strings);
  env.addGlobal('ta', accountStrings);
  env.addGlobal('assets', options.assetPrefix);
  env.addFilter('fill', (template: string, values: Record<string, string>) => fill(template, values));
  // One unambiguous form for every reader: dates on the account page are UTC, to the minute.
  env.addFilter('utc', (date: Date | number) => `${new Date(date).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  return (template, context) => env.render(template, context);
}
