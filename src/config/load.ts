// Reads config/gatehouse.yaml (or GATEHOUSE_CONFIG), resolves ${ENV} refs and env overrides, validates, freezes.
// The one reader of the environment: everything else receives the settings resolved here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type GatehouseConfig } from './schema.js';
import { ConfigError } from './errors.js';
import { resolveEnvRefs, type KeyPath } from './env-refs.js';
import { envValue } from './env-value.js';
import { loadPageFiles, PAGE_SECTIONS, type PageFiles } from './page-files.js';

export const DEFAULT_CONFIG_FILE = 'config/gatehouse.yaml';

export interface LoadedConfig extends GatehouseConfig {
  /** The issuer after defaults: the explicit value, or http://localhost:<port> for development. */
  readonly issuer: string;
  /** The file the config came from, for messages and for resolving relative paths. */
  readonly file: string;
  /** The mount path as a URL prefix: '' for '/', otherwise the path itself. */
  readonly mount_prefix: string;
  /** NODE_ENV=production: the strict checks apply and development conveniences are off. */
  readonly production: boolean;
  /** GATEHOUSE_KEY_ENCRYPTION_KEY, which seals private keys at rest; a secret, never logged. */
  readonly key_encryption_key: string | undefined;
  /** LOG_LEVEL (pino's levels), default info. */
  readonly log_level: string;
  /** What branding, i18n and views_dir name, read and checked: locale bundles, logo, stylesheet, views folder. */
  readonly pages: PageFiles;
  /** LOG_FORMAT: json or pretty; unset, development on a terminal is pretty and everything else JSON. Production is JSON. */
  readonly log_format: 'json' | 'pretty' | undefined;
  /** GATEHOUSE_DATA_DIR (default .gatehouse), absolute: where development keeps its database. Unused with a MongoDB URI. */
  readonly data_dir: string;
  /** GATEHOUSE_IN_MEMORY=1 (or the server's --in-memory): a throwaway development database instead of data_dir. */
  readonly in_memory: boolean;
}

export const DEFAULT_DATA_DIR = '.gatehouse';

type EnvironmentSettings = Pick<LoadedConfig, 'production' | 'key_encryption_key' | 'log_level' | 'log_format' | 'data_dir' | 'in_memory'>;

/** The settings that come only from the environment, never from the file. */
function environmentSettings(env: NodeJS.ProcessEnv, cwd: string, problems: string[]): EnvironmentSettings {
  return {
    production: env.NODE_ENV === 'production',
    key_encryption_key: secretFromEnv(env, 'GATEHOUSE_KEY_ENCRYPTION_KEY', problems),
    log_level: env.LOG_LEVEL || 'info',
    log_format: logFormat(env.LOG_FORMAT),
    data_dir: path.resolve(cwd, env.GATEHOUSE_DATA_DIR || DEFAULT_DATA_DIR),
    in_memory: /^(1|true|yes)$/i.test(env.GATEHOUSE_IN_MEMORY ?? ''),
  };
}

/** A secret the environment gives directly or as NAME_FILE (a mounted Docker or Kubernetes secret). */
function secretFromEnv(env: NodeJS.ProcessEnv, name: string, problems: string[]): string | undefined {
  const found = envValue(env, name);
  if (found.problem !== undefined) problems.push(`env ${found.problem}`);
  return found.value;
}

function logFormat(value: string | undefined): LoadedConfig['log_format'] {
  if (!value) return undefined;
  if (value === 'json' || value === 'pretty') return value;
  throw new ConfigError([`env LOG_FORMAT: invalid value ${JSON.stringify(value)} (expected json or pretty)`]);
}

export function configFilePath(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return path.resolve(cwd, env.GATEHOUSE_CONFIG || DEFAULT_CONFIG_FILE);
}

export function formatPath(keyPath: readonly PropertyKey[]): string {
  return keyPath.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

export interface LoadOptions {
  cwd?: string;
  /**
   * The top-level sections the caller uses (a CLI command): an unset ${VAR} elsewhere is left empty instead of being
   * an error, so `user list` runs without the clients' secrets. Everything else is validated as usual.
   */
  only?: readonly (keyof GatehouseConfig)[];
}

/** Loads and validates the config; throws ConfigError listing every problem as `file:line: key.path: message`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { cwd = process.cwd(), only }: LoadOptions = {}): Readonly<LoadedConfig> {
  const file = configFilePath(env, cwd);
  const relative = path.relative(cwd, file);
  const shown = relative && !relative.startsWith('..') ? relative : file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([`${shown}: ${reason} (expected a YAML config file; set GATEHOUSE_CONFIG to use another path)`]);
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => `${shown}:${lineCounter.linePos(error.pos[0]).line}: YAML syntax error: ${error.message.split('\n')[0]}`),
    );
  }
  const raw = doc.contents === null ? {} : doc.toJS();
  if (!isMap(doc.contents) && doc.contents !== null) {
    throw new ConfigError([`${shown}:1: the file must be a mapping of keys (expected e.g. "issuer: https://id.example.com")`]);
  }

  const problems: string[] = [];
  const where = (keyPath: KeyPath) => `${shown}:${lineOf(doc, lineCounter, keyPath)}`;
  const resolved = resolveEnvRefs(raw, env);
  const unused = (ref: { path: KeyPath }) => only !== undefined && !only.includes(ref.path[0] as keyof GatehouseConfig);
  for (const { path: at, name, problem } of resolved.unset.filter((ref) => !unused(ref)))
    problems.push(
      problem
        ? `${where(at)}: ${formatPath(at)}: ${problem}`
        : `${where(at)}: ${formatPath(at)}: environment variable ${name} is not set (expected it to be set, or a default as \${${name}:-value})`,
    );
  // A section the caller does not use and cannot resolve falls back to its defaults, as if it were not in the file.
  const dropped = new Set(resolved.unset.filter(unused).flatMap((ref) => withDependents(String(ref.path[0]))));

  const input = applyEnvOverrides(withoutKeys(resolved.value as Record<string, unknown>, dropped), env, problems);
  const settings = environmentSettings(env, cwd, problems);
  const result = configSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    // A field whose ${VAR} is unset already has its problem; the empty stand-in would only add noise.
    const unsetPaths = new Set(resolved.unset.map((ref) => formatPath(ref.path)));
    for (const issue of result.error.issues.filter((candidate) => !unsetPaths.has(formatPath(candidate.path as KeyPath))))
      for (const { at, text } of describeIssue(issue.path as KeyPath, issue, input)) problems.push(`${where(at)}: ${text}`);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);

  const config = result.data;
  const mount = config.mount_path === '/' ? '' : config.mount_path;
  const issuer = (config.issuer ?? `http://localhost:${config.port}${mount}`).replace(/\/$/, '');
  // Discovery is served under the mount path, and RPs require it to sit under the issuer exactly.
  if (new URL(issuer).pathname.replace(/\/$/, '') !== mount)
    throw new ConfigError([
      `${where(['issuer'])}: issuer: path "${new URL(issuer).pathname}" does not match mount_path ` +
        `"${config.mount_path}" (expected the issuer to end with the mount path, e.g. https://id.example.com${mount})`,
    ]);
  const shownFile = (other: string) => (path.relative(cwd, other).startsWith('..') ? other : path.relative(cwd, other));
  const skipPages = only !== undefined && !only.some((section) => PAGE_SECTIONS.includes(section));
  const pages = loadPageFiles(config, path.dirname(file), shownFile, skipPages);
  if (pages.problems.length > 0)
    throw new ConfigError(pages.problems.map(({ at, text }) => (at ? `${where(at)}: ${formatPath(at)}: ${text}` : text)));
  return deepFreeze({ ...config, issuer, file, mount_prefix: mount, ...settings, pages: pages.files });
}

/** Sections that name entries of another: dropping the one on the left must drop those on the right too. */
const DEPENDENT_SECTIONS: Record<string, string[]> = { clients: ['resources', 'default_resource'], resources: ['default_resource'] };

function withDependents(section: string): string[] {
  return [section, ...(DEPENDENT_SECTIONS[section] ?? [])];
}

function withoutKeys(input: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([key]) => !keys.has(key)));
}

function applyEnvOverrides(input: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[]) {
  const out: Record<string, unknown> = { ...input };
  if (env.PORT) {
    if (/^\d+$/.test(env.PORT)) out.port = Number(env.PORT);
    else problems.push(`env PORT: port: not a number: ${JSON.stringify(env.PORT)} (expected an integer 0-65535)`);
  }
  if (env.ISSUER) out.issuer = env.ISSUER;
  // The URI may hold the database password, so it may come from a file too.
  const uri = secretFromEnv(env, 'MONGODB_URI', problems);
  if (uri) out.mongodb = { ...(out.mongodb as object | undefined), uri };
  return out;
}

function describeIssue(at: KeyPath, issue: z.core.$ZodIssue, input: unknown): { at: KeyPath; text: string }[] {
  const client = clientLabel(at, input);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        at: [...at, key],
        text: `${formatPath([...at, key])}${client}: unknown key (expected one of: ${acceptedKeys(at).join(', ')})`,
      }));
    case 'invalid_type': {
      const got = issue.input === undefined ? 'required' : `wrong type ${typeName(issue.input)}`;
      return [{ at, text: `${formatPath(at)}${client}: ${got} (expected ${issue.expected})` }];
    }
    case 'invalid_value':
      return [{ at, text: `${formatPath(at)}${client}: ${issue.message.replace(/^Invalid option: /, 'invalid value; ')}` }];
    default:
      return [{ at, text: `${formatPath(at)}${client}: ${issue.message}` }];
  }
}

/** Names the client an issue belongs to, since admins think in client_ids, not list indexes. */
function clientLabel(at: KeyPath, input: unknown): string {
  if (at[0] !== 'clients' || typeof at[1] !== 'number') return '';
  const entry = (input as { clients?: unknown[] }).clients?.[at[1]] as { client_id?: unknown } | undefined;
  return typeof entry?.client_id === 'string' ? ` (client "${entry.client_id}")` : '';
}

interface SchemaDef {
  type: string;
  innerType?: SchemaNode;
  in?: SchemaNode;
  shape?: Record<string, SchemaNode>;
  element?: SchemaNode;
}
interface SchemaNode {
  def: SchemaDef;
}

/** The keys the schema accepts at a path, read from the schema itself so the message never goes stale. */
function acceptedKeys(at: KeyPath): string[] {
  let node = unwrap(configSchema as unknown as SchemaNode);
  for (const key of at) {
    const next = typeof key === 'string' ? node.def.shape?.[key] : node.def.element;
    if (!next) return [];
    node = unwrap(next);
  }
  return Object.keys(node.def.shape ?? {});
}

function unwrap(node: SchemaNode): SchemaNode {
  let current = node;
  while (current.def.innerType || current.def.in) current = (current.def.innerType ?? current.def.in)!;
  return current;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

function lineOf(doc: Document, lineCounter: LineCounter, at: KeyPath): number {
  // The deepest node that exists on the path: a missing key is reported on its parent's line.
  for (let depth = at.length; depth > 0; depth--) {
    const node = doc.getIn(at.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
