// Reads one variable from the environment, or from the file NAME_FILE names: Docker and Kubernetes mount secrets as files.
import { readFileSync } from 'node:fs';

export type EnvValue = { value: string | undefined; problem?: undefined } | { value?: undefined; problem: string };

const REASONS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory' };

/**
 * NAME's value, else the contents of the file named by NAME_FILE without its trailing newline. Empty counts as unset,
 * as it does everywhere in the config (compose writes `NAME=` for a blank .env line). The problem texts name the
 * variable and the path, never the contents.
 */
export function envValue(env: NodeJS.ProcessEnv, name: string): EnvValue {
  const direct = env[name];
  const fileName = `${name}_FILE`;
  const file = env[fileName];
  // Both set is ambiguous: a rotated file would silently lose to a stale variable.
  if (direct && file) return { problem: `both ${name} and ${fileName} are set (expected one: the value, or the file holding it)` };
  if (direct) return { value: direct };
  if (!file) return { value: undefined };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return { problem: `${fileName}=${file}: cannot read it: ${REASONS[code] ?? code} (expected a readable file holding ${name})` };
  }
  const value = text.replace(/[\r\n]+$/, '');
  if (!value) return { problem: `${fileName}=${file}: the file is empty (expected it to hold ${name})` };
  return { value };
}
