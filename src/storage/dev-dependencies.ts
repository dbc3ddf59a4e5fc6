// Imports development-only packages on demand, failing with one clear line where a production install (npm ci --omit=dev) left them out.
import { GatehouseError } from '../errors/gatehouse-error.js';

export class DevDependencyMissing extends GatehouseError {
  override name = 'DevDependencyMissing';
}

/**
 * `load` is the literal `import()` of `name` (so it stays typed); `consequence` finishes the error line by saying
 * what cannot happen and what to do instead.
 */
export async function importDevDependency<T>(name: string, load: () => Promise<T>, consequence: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isNotInstalled(error, name)) throw error;
    throw new DevDependencyMissing(
      `development dependencies are not installed (${name} is missing: a production install, npm ci --omit=dev?), ${consequence}`,
    );
  }
}

/** True when the error says `name` itself cannot be found, not a module that `name` imports in turn. */
function isNotInstalled(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${name}'`);
}
