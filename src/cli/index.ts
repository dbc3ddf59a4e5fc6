#!/usr/bin/env node
// `gatehouse <command>`: the operator's CLI; each command lives in its own file and uses the server's loaders.
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { Command } from './command.js';
import { devDbCommand } from './dev-db.js';
import { configCheckCommand } from './config-check.js';
import { userCommands } from './user.js';
import { keysCommands } from './keys.js';
import { auditTailCommand } from './audit.js';
import { doctorCommand } from './doctor.js';

const COMMANDS: Command[] = [...userCommands, ...keysCommands, auditTailCommand, doctorCommand, configCheckCommand, devDbCommand];

function usage(): string {
  return ['usage: gatehouse <command> [options]', '', 'commands:', ...COMMANDS.map((c) => `  ${c.usage.padEnd(36)} ${c.summary}`)].join(
    '\n',
  );
}

async function run(argv: string[]): Promise<number> {
  const command = COMMANDS.find((candidate) => {
    const words = candidate.name.split(' ');
    return words.every((word, index) => argv[index] === word);
  });
  if (!command) {
    process.stderr.write(`${argv.length ? `gatehouse: unknown command "${argv.join(' ')}"\n\n` : ''}${usage()}\n`);
    return argv.length && !['help', '--help', '-h'].includes(argv[0]!) ? 64 : 0;
  }
  return command.run(argv.slice(command.name.split(' ').length), { env: process.env, stdin: process.stdin, stdout: process.stdout });
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    // Gatehouse's own errors print as their lines; anything else is unexpected and prints its message.
    for (const line of error instanceof GatehouseError ? error.lines() : [`gatehouse: ${error.message}`]) process.stderr.write(`${line}\n`);
    process.exitCode = error instanceof GatehouseError ? error.exitCode : 1;
  },
);
