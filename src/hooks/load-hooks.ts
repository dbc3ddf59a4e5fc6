// Loads the integrator's hooks module named in config once at start, checking that each export is a function.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/errors.js';
import { HOOK_NAMES, type HookModule } from './types.js';

export async function loadHooks(hooksPath: string | undefined, cwd = process.cwd()): Promise<HookModule> {
  if (!hooksPath) return {};
  const file = path.resolve(cwd, hooksPath);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([`hooks: cannot load ${file}: ${(error as Error).message} (expected an ES module)`]);
  }
  const problems = HOOK_NAMES.filter((name) => loaded[name] !== undefined && typeof loaded[name] !== 'function').map(
    (name) => `hooks: ${file}: export "${name}" is a ${typeof loaded[name]} (expected a function)`,
  );
  if (problems.length) throw new ConfigError(problems);
  return Object.fromEntries(HOOK_NAMES.filter((name) => loaded[name]).map((name) => [name, loaded[name]])) as HookModule;
}
