// The help texts: the command list, a group's subcommands, and one command's usage with its options.
import type { Command } from './command.js';

const HELP_OPTION = { flags: '-h, --help', help: 'show this help and exit' };

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

/** Paragraphs wrapped for an 80-column terminal. */
function wrap(paragraph: string, width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

export function synopsis(command: Command): string {
  const words = [`gatehouse ${command.name}`];
  if (command.args) words.push(command.args);
  words.push('[options]');
  return words.join(' ');
}

export function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, option]) => {
    const flags = `${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    return [flags, `${option.help}${option.default ? ` (default ${option.default})` : ''}`] as const;
  });
  return [
    `usage: ${synopsis(command)}`,
    '',
    wrap(`${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`),
    ...command.description.flatMap((paragraph) => ['', wrap(paragraph)]),
    '',
    'options:',
    ...table([...options, [HELP_OPTION.flags, HELP_OPTION.help]]),
    '',
  ].join('\n');
}

function commandRows(commands: readonly Command[]): [string, string][] {
  return commands.map((command) => [`${command.name}${command.args ? ` ${command.args}` : ''}`, command.summary]);
}

export function mainHelp(commands: readonly Command[]): string {
  return [
    'usage: gatehouse <command> [options]',
    '',
    'commands:',
    ...table(commandRows(commands)),
    '',
    "Run `gatehouse <command> --help` for a command's options. Exit codes: 0 done, 1 failed, 2 usage or refused input.",
    '',
  ].join('\n');
}

export function groupHelp(group: string, commands: readonly Command[]): string {
  return [`usage: gatehouse ${group} <subcommand> [options]`, '', 'subcommands:', ...table(commandRows(commands)), ''].join('\n');
}
