// What every CLI command is (name, arguments, options, help text, run) and how its arguments are parsed.
import { parseArgs } from 'node:util';
import { GatehouseError } from '../errors/gatehouse-error.js';

/** Exit codes: 0 done, 1 the command failed (unknown user, unreachable server), 2 usage or input the command refuses. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CommandIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string;
  /** The value's placeholder in help, e.g. "URL". */
  value?: string;
  help: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : O[K]['default'] extends string ? string : string | undefined;
};

export interface Command {
  /** The words that select it, e.g. "user add". */
  name: string;
  /** Positional arguments as help shows them, e.g. "<username>". */
  args: string;
  summary: string;
  /** Paragraphs `--help` prints after the usage line. */
  description: readonly string[];
  options: OptionSpecs;
  run(args: string[], io: CommandIo): Promise<number>;
}

/** An expected failure: printed as one line, no stack trace, exiting with its code. */
export class CliError extends GatehouseError {
  override name = 'CliError';

  constructor(
    message: string,
    override readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** The command line itself is wrong (unknown option, missing argument, bad value): the dispatcher adds the usage. */
export class UsageError extends CliError {
  override name = 'UsageError';

  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

export interface CommandSpec<O extends OptionSpecs> {
  name: string;
  args?: string;
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number };
  summary: string;
  description?: readonly string[];
  options?: O;
  run(parsed: { values: OptionValues<O>; positionals: string[] }, io: CommandIo): Promise<number>;
}

/** parseArgs' messages go on to suggest `--`; the first sentence is the part an operator needs. */
function firstSentence(message: string): string {
  const sentence = message.split(/\.\s/)[0]!.replace(/\.$/, '');
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** A command whose `run(args)` parses strictly: unknown options, missing values and wrong counts are UsageErrors. */
export function defineCommand<O extends OptionSpecs = Record<never, OptionSpec>>(spec: CommandSpec<O>): Command {
  const options = spec.options ?? ({} as O);
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  return {
    name: spec.name,
    args: spec.args ?? '',
    summary: spec.summary,
    description: spec.description ?? [],
    options,
    async run(args, io) {
      let parsed: { values: Record<string, unknown>; positionals: string[] };
      try {
        parsed = parseArgs({
          args,
          strict: true,
          allowPositionals: true,
          options: Object.fromEntries(
            Object.entries(options).map(([name, option]) => [
              name,
              {
                type: option.type,
                ...(option.short ? { short: option.short } : {}),
                ...(option.default ? { default: option.default } : {}),
              },
            ]),
          ),
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_'))
          throw new UsageError(firstSentence((error as Error).message));
        throw error;
      }
      const count = parsed.positionals.length;
      if (count < min) throw new UsageError(`missing argument${min - count > 1 ? 's' : ''}: expected ${spec.args}`);
      if (count > max) throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`);
      return spec.run(parsed as { values: OptionValues<O>; positionals: string[] }, io);
    },
  };
}
