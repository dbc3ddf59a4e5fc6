// Replaces ${NAME} (and ${NAME:-default}) in config string values so committed files hold no secrets.
import { envValue } from './env-value.js';

export type KeyPath = (string | number)[];

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface UnsetReference {
  path: KeyPath;
  name: string;
  /** Why the variable could not be used (its NAME_FILE unreadable, or both set); absent when it is simply unset. */
  problem?: string;
}

/**
 * Returns a copy of `value` with references resolved (from NAME, else the file NAME_FILE names), plus every reference
 * that could not be resolved.
 */
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv, path: KeyPath = []): { value: unknown; unset: UnsetReference[] } {
  const unset: UnsetReference[] = [];
  const walk = (node: unknown, at: KeyPath): unknown => {
    if (typeof node === 'string')
      return node.replace(REF, (_match, name: string, fallback: string | undefined) => {
        const found = envValue(env, name);
        if (found.problem !== undefined) {
          unset.push({ path: at, name, problem: found.problem });
          return '';
        }
        if (found.value !== undefined) return found.value;
        if (fallback !== undefined) return fallback;
        unset.push({ path: at, name });
        return '';
      });
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...at, index]));
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...at, key])]));
    return node;
  };
  return { value: walk(value, path), unset };
}
