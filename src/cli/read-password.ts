// Reads a new password: prompted without echo on a terminal, read from stdin when piped.
import { createInterface } from 'node:readline';
import { CliError, EXIT_USAGE } from './command.js';

export async function readPassword(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  const password = stdin.isTTY ? await prompt(stdin, stderr) : await readAll(stdin);
  if (!password) throw new CliError('empty password: give one on stdin or at the prompt', EXIT_USAGE);
  return password;
}

async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk;
  // One trailing newline is the end of the line, not part of the password.
  return text.replace(/\r?\n$/, '');
}

function prompt(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stdin, output: stderr, terminal: true });
    stderr.write('Password: ');
    // Swallow readline's echo of every keystroke; the typed password never reaches the screen.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      stderr.write('\n');
      resolve(answer);
    });
  });
}
