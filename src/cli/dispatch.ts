// Picks the command from argv and applies the conventions: --help and `help` exit 0, usage errors exit 2 with usage.
import { type Command, type CommandIo, EXIT_USAGE, UsageError } from './command.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';

const HELP_FLAGS = new Set(['--help', '-h']);

/** `--help` or `-h` anywhere before a `--` (after it, `-h` is a plain argument). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => HELP_FLAGS.has(arg));
}

/** The command whose words start argv; the longest such name wins (`user mfa reset` over `user mfa`). */
function findCommand(commands: readonly Command[], argv: readonly string[]): Command | undefined {
  return commands
    .filter((command) => command.name.split(' ').every((word, index) => argv[index] === word))
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)[0];
}

function groupOf(commands: readonly Command[], word: string | undefined): Command[] {
  return commands.filter((command) => command.name.includes(' ') && command.name.split(' ')[0] === word);
}

interface Topic {
  help: string;
  /** Set when argv named no command or group: the usage error to report. */
  error?: string;
}

/** What `gatehouse help <words>` or `gatehouse <words> --help` is about. */
function topic(commands: readonly Command[], words: readonly string[]): Topic {
  if (words.length === 0) return { help: mainHelp(commands) };
  const command = findCommand(commands, words);
  if (command && words.length === command.name.split(' ').length) return { help: commandHelp(command) };
  const group = groupOf(commands, words[0]);
  if (group.length && words.length === 1) return { help: groupHelp(words[0]!, group) };
  return group.length
    ? { help: groupHelp(words[0]!, group), error: `unknown command "${words.join(' ')}"` }
    : { help: mainHelp(commands), error: `unknown command "${words.join(' ')}"` };
}

export async function dispatch(commands: readonly Command[], argv: readonly string[], io: CommandIo): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const usageError = (message: string, help: string) => {
    stderr.write(`gatehouse: ${message}\n\n${help}`);
    return EXIT_USAGE;
  };
  if (argv.length === 0) return usageError('missing command', mainHelp(commands));
  if (argv[0] === 'help' || HELP_FLAGS.has(argv[0]!)) {
    const about = topic(commands, argv.slice(1));
    if (about.error) return usageError(about.error, about.help);
    io.stdout.write(about.help);
    return 0;
  }
  const command = findCommand(commands, argv);
  if (!command) {
    const group = groupOf(commands, argv[0]);
    if (argv[0]!.startsWith('-')) return usageError(`unknown option "${argv[0]}"`, mainHelp(commands));
    if (group.length === 0) return usageError(`unknown command "${argv[0]}"`, mainHelp(commands));
    const subcommand = argv[1];
    if (subcommand !== undefined && HELP_FLAGS.has(subcommand)) {
      io.stdout.write(groupHelp(argv[0]!, group));
      return 0;
    }
    if (subcommand === undefined || subcommand.startsWith('-'))
      return usageError(`${argv[0]}: missing subcommand`, groupHelp(argv[0]!, group));
    return usageError(`unknown command "${argv[0]} ${subcommand}"`, groupHelp(argv[0]!, group));
  }
  const args = argv.slice(command.name.split(' ').length);
  if (asksForHelp(args)) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) return usageError(`${command.name}: ${error.message}`, commandHelp(command));
    throw error;
  }
}
