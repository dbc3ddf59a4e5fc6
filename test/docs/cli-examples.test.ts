// The CLI lines shown in README and docs/ name commands and options that exist: each is checked against its --help.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { ROOT, runProcess } from '../helpers/run-process.js';

const files = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** `npx gatehouse …` lines inside fenced shell blocks, comments and placeholders dropped. */
function examples(): { file: string; line: string }[] {
  return files.flatMap((file) =>
    [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].flatMap(([, block]) =>
      block!
        .split('\n')
        .map((line) => /(?:^|\|\s*)npx gatehouse (.*)$/.exec(line.replace(/\s+#.*$/, ''))?.[1]?.trim())
        .filter((line): line is string => Boolean(line))
        .map((line) => ({ file, line })),
    ),
  );
}

const cli = (args: string[]) => runProcess('dist/cli/index.js', args, {});

describe('CLI examples in README and docs/', () => {
  it('use commands and options the CLI has', async () => {
    const listed = (await cli(['--help'])).stdout.split('commands:\n')[1]!.split('\n\n')[0]!;
    const commands = listed
      .split('\n')
      .map((line) =>
        line
          .trim()
          .split(/\s+(?=<|\[|-)/)[0]!
          .replace(/\s{2,}.*$/, ''),
      )
      .filter(Boolean)
      .sort((a, b) => b.length - a.length);
    const found = examples();
    expect(found.length).toBeGreaterThan(10);
    const problems: string[] = [];
    const helpOf = new Map<string, string>();
    for (const { file, line } of found) {
      const command = commands.find((name) => line === name || line.startsWith(`${name} `));
      if (!command) {
        problems.push(`${file}: "${line}": no such command`);
        continue;
      }
      if (!helpOf.has(command)) helpOf.set(command, (await cli([...command.split(' '), '--help'])).stdout);
      for (const [option] of line.matchAll(/--[a-z][a-z-]*/g))
        if (!helpOf.get(command)!.includes(option)) problems.push(`${file}: "${line}": ${command} has no ${option}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
