// Checks a views_dir against the built-in views: an override without a block the built-in template has, or one still using
// what templates no longer receive, is probably stale.
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

/**
 * What the multi-factor and account templates received before their texts moved into the locale bundles: `ta` now
 * renders nothing, and an unknown filter fails the page.
 */
const RETIRED = [
  {
    pattern: /\bta\.\w/,
    what: '`ta`, which templates no longer receive: its texts are t.passkey, t.secondFactor, t.enrol, t.recovery, t.account',
  },
  { pattern: /\|\s*utc\b/, what: "the `utc` filter, which no longer exists: dates come formatted for the page's language" },
];

function retiredUses(file: string, shown: string): string[] {
  const text = readFileSync(file, 'utf8');
  return RETIRED.filter(({ pattern }) => pattern.test(text)).map(({ what }) => `${shown}: uses ${what}`);
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
    return [
      ...[...blocks(path.join(VIEWS_DIR, name))]
        .filter((block) => !present.has(block))
        .map((block) => `${shown(file)}: no {% block ${block} %}, which the built-in ${name} has: what Gatehouse puts there will not show`),
      ...retiredUses(file, shown(file)),
    ];
  });
}
