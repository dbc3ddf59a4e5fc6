// What every CLI command is: a name, a one-line summary, and a run function returning the exit code.
import { GatehouseError } from '../errors/gatehouse-error.js';

export interface CommandIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export interface Command {
  /** The words that select it, e.g. "user add". */
  name: string;
  usage: string;
  summary: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

/** An expected failure: printed as one line, no stack trace, exiting with its code. */
export class CliError extends GatehouseError {
  override name = 'CliError';

  constructor(
    message: string,
    override readonly exitCode = 1,
  ) {
    super(message);
  }
}
