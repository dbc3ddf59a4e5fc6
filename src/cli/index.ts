#!/usr/bin/env node
// `gatehouse <command>`: the operator's CLI; each command group lives in its own file and uses the server's loaders.
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { Command } from './command.js';
import { dispatch } from './dispatch.js';
import { devDbCommand } from './dev-db.js';
import { configCheckCommand } from './config-check.js';
import { userCommands } from './user.js';
import { keysCommands } from './keys.js';
import { auditTailCommand } from './audit.js';
import { doctorCommand } from './doctor.js';
import { demoCommands } from './demo.js';

const COMMANDS: Command[] = [
  ...userCommands,
  ...keysCommands,
  auditTailCommand,
  doctorCommand,
  configCheckCommand,
  ...demoCommands,
  devDbCommand,
];

dispatch(COMMANDS, process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    // Gatehouse's own errors print as their lines; anything else is unexpected and prints its message.
    for (const line of error instanceof GatehouseError ? error.lines() : [`gatehouse: ${error.message}`]) process.stderr.write(`${line}\n`);
    process.exitCode = error instanceof GatehouseError ? error.exitCode : 1;
  },
);
