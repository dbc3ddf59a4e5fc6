// The CLI's conventions, for every command: --help, -h and `help` print usage and exit 0; usage errors exit 2 with usage.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll } from '@jest/globals';
import { ROOT, runProcess } from '../helpers/run-process.js';

const cli = (args: string[]) => runProcess('dist/cli/index.js', args, { GATEHOUSE_CONFIG: '/nonexistent/gatehouse.yaml' });
let commands: string[];

beforeAll(async () => {
  const help = await cli(['--help']);
  // The command list is read from the help itself, so a command added later is checked too.
  commands = help.stdout
    .split('\n')
    .filter((line) => /^ {2}[a-z]/.test(line))
    .map((line) =>
      line
        .trim()
        .split(/\s{2,}/)[0]!
        .replace(/ [<[].*$/, ''),
    );
});

describe('gatehouse help', () => {
  it('--help, -h and help print the command list on stdout and exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const result = await cli(args);
      expect([args, result.code, result.stderr]).toEqual([args, 0, '']);
      expect(result.stdout).toMatch(/^usage: gatehouse <command> \[options\]\n\ncommands:\n {2}user add <username> /);
    }
    expect(commands).toEqual(
      expect.arrayContaining(['user add', 'user passwd', 'user list', 'keys rotate', 'doctor', 'config check', 'dev-db']),
    );
  });

  // Three processes per command, a few commands at a time: dozens of Node starts at once stall a two-core machine.
  it('every command answers --help, -h and `help <command>` with its usage and options, exit 0', async () => {
    const pending = [...commands];
    const worker = async () => {
      for (let command = pending.shift(); command !== undefined; command = pending.shift()) {
        const words = command.split(' ');
        const results = await Promise.all([cli([...words, '--help']), cli([...words, '-h']), cli(['help', ...words])]);
        for (const result of results) {
          expect([command, result.code, result.stderr]).toEqual([command, 0, '']);
          expect(result.stdout).toMatch(new RegExp(`^usage: gatehouse ${command}( <[^\\n]*)? \\[options\\]\\n\\n\\S`));
          expect(result.stdout).toContain('  -h, --help');
          expect(result.stdout).toBe(results[0]!.stdout);
        }
      }
    };
    await Promise.all([worker(), worker()]);
  }, 120_000);

  it("docs/cli.md's command list is the one the CLI prints", async () => {
    const readme = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    const listed = /## Command line\n[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)![1]!;
    const printed = (await cli(['--help'])).stdout.split('commands:\n')[1]!.split('\n\n')[0]!;
    expect(listed.trimEnd()).toBe(printed.replace(/^ {2}/gm, ''));
  });

  it('a group answers --help with its subcommands, exit 0', async () => {
    const result = await cli(['user', '--help']);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/^usage: gatehouse user <subcommand> \[options\]\n\nsubcommands:\n {2}user add <username> /);
    expect(result.stdout).not.toContain('keys rotate');
  });
});

describe('gatehouse usage errors exit 2 with the message and usage on stderr', () => {
  it('no command, an unknown command, an unknown top-level option', async () => {
    for (const [args, message] of [
      [[], 'gatehouse: missing command\n\nusage: gatehouse <command>'],
      [['bogus'], 'gatehouse: unknown command "bogus"\n\nusage: gatehouse <command>'],
      [['--bogus'], 'gatehouse: unknown option "--bogus"\n\nusage: gatehouse <command>'],
      [['help', 'bogus'], 'gatehouse: unknown command "bogus"\n\nusage: gatehouse <command>'],
      [['user'], 'gatehouse: user: missing subcommand\n\nusage: gatehouse user <subcommand>'],
      [['user', 'bogus'], 'gatehouse: unknown command "user bogus"\n\nusage: gatehouse user <subcommand>'],
    ] as const) {
      const result = await cli([...args]);
      expect([args, result.code, result.stdout]).toEqual([args, 2, '']);
      expect(result.stderr.startsWith(message)).toBe(true);
    }
  });

  it('every command refuses an unknown option before doing anything', async () => {
    await Promise.all(
      commands.map(async (command) => {
        const result = await cli([...command.split(' '), '--no-such-option']);
        expect([command, result.code, result.stdout]).toEqual([command, 2, '']);
        expect(result.stderr).toMatch(
          new RegExp(`^gatehouse: ${command}: unknown option '--no-such-option'\\n\\nusage: gatehouse ${command}`),
        );
      }),
    );
  });

  it('a missing or extra argument, a missing option value, a bad option value', async () => {
    for (const [args, message] of [
      [['user', 'add'], 'gatehouse: user add: missing argument: expected <username>\n\nusage: gatehouse user add <username>'],
      [['user', 'add', 'a', 'b'], 'gatehouse: user add: unexpected argument "b"\n\nusage: gatehouse user add'],
      [['user', 'set', 'alice'], 'gatehouse: user set: missing argument: expected <username> <field>=<value>...\n'],
      [['keys', 'list', 'extra'], 'gatehouse: keys list: unexpected argument "extra"\n'],
      [['audit', 'tail', '--limit'], "gatehouse: audit tail: option '--limit <value>' argument missing\n"],
      [
        ['audit', 'tail', '--limit', 'x'],
        'gatehouse: audit tail: --limit: expected a positive integer, got "x"\n\nusage: gatehouse audit tail',
      ],
      [['dev-db', '--port', '70000'], 'gatehouse: dev-db: --port: not a port number: 70000\n\nusage: gatehouse dev-db'],
    ] as const) {
      const result = await cli([...args]);
      expect([args, result.code, result.stdout]).toEqual([args, 2, '']);
      expect(result.stderr.startsWith(message)).toBe(true);
    }
  });

  it('-h after `--` is an argument, not a request for help', async () => {
    const result = await cli(['keys', 'list', '--', '-h']);
    expect([result.code, result.stderr]).toEqual([2, expect.stringMatching(/^gatehouse: keys list: unexpected argument "-h"/)]);
  });
});
