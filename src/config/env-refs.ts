// Replaces ${NAME} (and ${NAME:-default}) in config string values so committed files hold no secrets.
export type KeyPath = (string | number)[];

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface UnsetReference {
  path: KeyPath;
  name: string;
}

/** Returns a copy of `value` with references resolved, plus every reference whose variable is unset. */
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv, path: KeyPath = []): { value: unknown; unset: UnsetReference[] } {
  const unset: UnsetReference[] = [];
  const walk = (node: unknown, at: KeyPath): unknown => {
    if (typeof node === 'string')
      return node.replace(REF, (_match, name: string, fallback: string | undefined) => {
        const found = env[name];
        if (found !== undefined && found !== '') return found;
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
