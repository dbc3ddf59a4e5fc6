// Keeps the layout honest: no import cycles between folders of src/, and only config and the entry points read the environment.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string, pattern = /\.ts$/): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(full, pattern);
    return pattern.test(entry.name) ? [full] : [];
  });
}

/** The top folder under src/ a file belongs to; files directly in src/ are the composition root. */
function folderOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length ? first! : '(root)';
}

/** Folder → folders it imports from (relative imports only; `import type` counts, since a type cycle is a design cycle). */
function folderGraph(files: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const to = folderOf(path.resolve(path.dirname(file), specifier!));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

function findCycles(graph: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const visit = (node: string, trail: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) cycles.push([...trail.slice(at), next]);
      else visit(next, [...trail, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return cycles;
}

describe('source layout', () => {
  const files = sourceFiles(SRC);

  it('has no import cycle between folders of src/', () => {
    const cycles = findCycles(folderGraph(files)).map((cycle) => cycle.join(' → '));
    expect(cycles).toEqual([]);
  });

  it('detects a folder cycle when there is one', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(findCycles(graph)[0]).toEqual(['a', 'b', 'c', 'a']);
  });

  it('has no source line over 160 columns (the formatter wraps code at 140; long strings are split by hand)', () => {
    const roots = ['src', 'test', 'bench', 'examples', 'packages/mongo-wire/src', 'packages/mongo-wire/test'].map((dir) =>
      path.resolve(SRC, '..', dir),
    );
    const long = roots
      .flatMap((dir) => sourceFiles(dir, /\.(ts|mjs)$/))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) => (line.length > 160 ? [`${path.relative(SRC, file)}:${index + 1}`] : [])),
      );
    expect(long).toEqual([]);
  });

  it('nothing but config and the two entry points reads process.env', () => {
    const allowed = new Set(['config/load.ts', 'main.ts', 'cli/index.ts']);
    const readers = files.filter((file) => /process\.env/.test(readFileSync(file, 'utf8'))).map((file) => path.relative(SRC, file));
    expect(readers.filter((file) => !allowed.has(file))).toEqual([]);
  });
});
