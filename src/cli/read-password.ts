// Reads a new password: asked twice without echo on a terminal, read once from stdin when piped (scripts).
import { createInterface } from 'node:readline';
import { CliError, EXIT_USAGE } from './command.js';

/** Throws CliError when the password is refused, so a terminal user is not asked to repeat a password that will fail. */
export type PasswordCheck = (password: string) => Promise<void>;

export async function readNewPassword(
  stdin: NodeJS.ReadStream,
  check: PasswordCheck,
  stderr: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  if (!stdin.isTTY) {
    const password = nonEmpty(await readAll(stdin));
    await check(password);
    return password;
  }
  const rl = createInterface({ input: stdin, output: stderr, terminal: true });
  // Swallow readline's echo of every keystroke; the typed password never reaches the screen.
  (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
  const cancelled = new Promise<never>((_, reject) => rl.once('SIGINT', () => reject(new CliError('cancelled; nothing was changed', 130))));
  // Lines are queued, so what is typed ahead of a prompt answers it rather than being lost.
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string) => {
    stderr.write(prompt);
    const line = await Promise.race([lines.next(), cancelled]);
    stderr.write('\n');
    return line.done ? '' : line.value;
  };
  try {
    const password = nonEmpty(await ask('New password: '));
    await check(password);
    if ((await ask('Repeat it: ')) !== password) throw new CliError('the two passwords differ; nothing was changed', EXIT_USAGE);
    return password;
  } finally {
    rl.close();
  }
}

function nonEmpty(password: string): string {
  if (!password) throw new CliError('empty password: give one on stdin or at the prompt', EXIT_USAGE);
  return password;
}

async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk;
  // One trailing newline is the end of the line, not part of the password.
  return text.replace(/\r?\n$/, '');
}
