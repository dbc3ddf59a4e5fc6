// Checks a views_dir against the built-in views: an override without a block the built-in template has is probably stale.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { VIEWS_DIR } from './render.js';

function templates(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(under, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' || entry.name === 'assets' ? [] : templates(dir, relative);
    return entry.name.endsWith('.njk') ? [relative] : [];
  });
}

function blocks(file: string): Set<string> {
  return new Set([...readFileSync(file, 'utf8').matchAll(/\{%-?\s*block\s+(\w+)/g)].map((match) => match[1]!));
}

/** One line per finding, naming the override file; empty when there is nothing to say (or no views_dir). */
export function overrideWarnings(viewsDir: string | undefined, shown: (file: string) => string = (file) => file): string[] {
  if (!viewsDir || !existsSync(viewsDir)) return [];
  const builtIn = new Set(templates(VIEWS_DIR));
  return templates(viewsDir).flatMap((name) => {
    const file = path.join(viewsDir, name);
    if (!builtIn.has(name))
      return [
        `${shown(file)}: not a built-in template (expected one of: ${[...builtIn].sort().join(', ')}); used only where another template includes it`,
      ];
    const present = blocks(file);
    return [...blocks(path.join(VIEWS_DIR, name))]
      .filter((block) => !present.has(block))
      .map((block) => `${shown(file)}: no {% block ${block} %}, which the built-in ${name} has: what Gatehouse puts there will not show`);
  });
}
