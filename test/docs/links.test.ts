// The README is the front door: short, every docs page reachable from it, and no link in README or docs/ leads nowhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { ROOT } from '../helpers/run-process.js';

const DOCS = path.join(ROOT, 'docs');
const pages = [
  path.join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join(DOCS, name)),
];
const text = (file: string) => readFileSync(file, 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
const anchorsOf = (file: string) => new Set([...text(file).matchAll(/^#{1,4} (.*)$/gm)].map((match) => slug(match[1]!)));

describe('README and docs/', () => {
  it('the README stays under 150 lines and links every page of docs/', () => {
    const readme = text(path.join(ROOT, 'README.md'));
    expect(readme.split('\n').length).toBeLessThan(150);
    const linked = new Set([...readme.matchAll(/\]\(docs\/([a-z-]+\.md)[#)]/g)].map((match) => match[1]));
    const docs = readdirSync(DOCS).filter((name) => name.endsWith('.md'));
    expect(docs.filter((name) => !linked.has(name))).toEqual([]);
  });

  it('every relative link and anchor leads somewhere', () => {
    const broken: string[] = [];
    for (const file of pages)
      for (const [, link] of text(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?|mailto):/.test(link!)) continue;
        const [target, anchor] = link!.split('#');
        const resolved = target ? path.resolve(path.dirname(file), target) : file;
        if (!existsSync(resolved)) broken.push(`${path.relative(ROOT, file)}: ${link} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
          broken.push(`${path.relative(ROOT, file)}: ${link} (no such heading)`);
      }
    expect(broken).toEqual([]);
  });
});
