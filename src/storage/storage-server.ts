// Decides once, at start, which MongoDB server the driver talks to: MONGODB_URI, embedded mongod, or the wire server.
// mongodb-memory-server and @gatehouse/mongo-wire are development dependencies, imported only when there is no URI.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { DevDependencyMissing, importDevDependency } from './dev-dependencies.js';
import { haveMongodBinary, startEmbeddedMongod, type EmbeddedMongod } from './embedded-mongod.js';

export type StorageKind = 'mongodb' | 'mongodb-memory-server' | 'wire-server';

export interface StorageServer {
  readonly kind: StorageKind;
  /** The connection string to hand to MongoClient; may hold credentials, so never log it unredacted. */
  readonly uri: string;
  /** One line for the start-up log saying what holds the data. */
  readonly description: string;
  /** False for a throwaway development database whose data is lost when it stops. */
  readonly persistent: boolean;
  /** Stops a server we started ourselves; a no-op for an external MONGODB_URI. */
  stop(): Promise<void>;
}

export class StorageSelectionError extends GatehouseError {
  override name = 'StorageSelectionError';
}

/** Another process (a running server, or a CLI command) holds the development data folder. */
export class DataFolderInUse extends StorageSelectionError {
  override name = 'DataFolderInUse';
}

export interface SelectOptions {
  /** The MongoDB URI from config or env, when one is set. */
  uri?: string;
  production: boolean;
  /**
   * Development only: keep the data in this folder (an embedded mongod's dbPath in `mongod/`, else the wire server's
   * snapshot in `wire/`). Without it the database is a throwaway one (tests, --in-memory).
   */
  dataDir?: string;
  /** Hears one line before something slow happens that the user should know about (a mongod download). */
  notice?: (line: string) => void;
}

const MONGOD_FOLDER = 'mongod';
const WIRE_FOLDER = 'wire';

const IN_USE_ADVICE = 'stop it, or set GATEHOUSE_DATA_DIR to another folder, or GATEHOUSE_IN_MEMORY=1 for a throwaway database';

const NO_EMBEDDED_DATABASE =
  'so there is no embedded database for development: set MONGODB_URI (or mongodb.uri in the config file) to a MongoDB server';

export async function selectStorageServer({ uri, production, dataDir, notice = () => {} }: SelectOptions): Promise<StorageServer> {
  if (uri) return { kind: 'mongodb', uri, description: `MongoDB at ${redactUri(uri)}`, persistent: true, stop: async () => {} };
  if (production)
    throw new StorageSelectionError(
      'NODE_ENV=production requires a MongoDB server: set MONGODB_URI (e.g. MONGODB_URI=mongodb://db.internal:27017/?replicaSet=rs0) ' +
        'or mongodb.uri in the config file',
    );
  // A data folder keeps the server that first wrote it: switching would hide its data (and skips probing for mongod).
  const kept = dataDir && keptBy(dataDir);
  if (kept === 'wire-server') return wireServer(dataDir);
  return (await embeddedMongod(dataDir, notice, kept === 'mongodb-memory-server')) ?? (await wireServer(dataDir));
}

function keptBy(dataDir: string): StorageKind | undefined {
  const mongodFiles = existsSync(path.join(dataDir, MONGOD_FOLDER)) ? readdirSync(path.join(dataDir, MONGOD_FOLDER)) : [];
  if (mongodFiles.length > 0) return 'mongodb-memory-server';
  if (existsSync(path.join(dataDir, WIRE_FOLDER, 'data.bson'))) return 'wire-server';
  return undefined;
}

async function embeddedMongod(
  dataDir: string | undefined,
  notice: (line: string) => void,
  required: boolean,
): Promise<StorageServer | undefined> {
  const dbPath = dataDir && path.join(dataDir, MONGOD_FOLDER);
  let available = false;
  try {
    available = await haveMongodBinary(notice, NO_EMBEDDED_DATABASE);
  } catch (error) {
    if (error instanceof DevDependencyMissing) throw error;
  }
  if (!available && required)
    throw new StorageSelectionError(
      `the development data in ${dbPath} needs a mongod binary, and none is available: set MONGOMS_SYSTEM_BINARY to a mongod, ` +
        `or move ${dbPath} away to start over with the wire server`,
    );
  if (!available) return undefined;
  let mongod: EmbeddedMongod;
  try {
    mongod = await startEmbeddedMongod(dbPath);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    // Kept data may not be swapped for an empty wire server, or it would silently vanish; a new folder may.
    if (dbPath && required) {
      if (/DBPathInUse/.test((error as Error).message))
        throw new DataFolderInUse(`the development database in ${dataDir} is in use by another mongod (${reason}): ${IN_USE_ADVICE}`);
      throw new StorageSelectionError(`the embedded mongod could not start on ${dbPath}: ${reason}`);
    }
    if (dbPath) rmSync(dbPath, { recursive: true, force: true });
    notice(`the embedded mongod could not start (${reason}): using the in-process wire server`);
    return undefined;
  }
  return {
    kind: 'mongodb-memory-server',
    uri: mongod.uri,
    description: dbPath
      ? `embedded mongod ${mongod.version} (mongodb-memory-server) at ${mongod.uri}, data in ${dbPath}`
      : `embedded mongod ${mongod.version} (mongodb-memory-server) at ${mongod.uri}: data is in a temporary directory and lost on exit`,
    persistent: Boolean(dbPath),
    stop: () => mongod.stop(),
  };
}

async function wireServer(dataDir: string | undefined): Promise<StorageServer> {
  const { WireServer, DataDirLockedError } = await importDevDependency(
    '@gatehouse/mongo-wire',
    () => import('@gatehouse/mongo-wire'),
    NO_EMBEDDED_DATABASE,
  );
  const folder = dataDir && path.join(dataDir, WIRE_FOLDER);
  const server = await WireServer.start({ dataDir: folder }).catch((error: Error) => {
    if (!(error instanceof DataDirLockedError)) throw error;
    throw new DataFolderInUse(
      `the development database in ${dataDir} is in use by process ${error.pid} (another Gatehouse server or CLI command): ${IN_USE_ADVICE}`,
    );
  });
  return {
    kind: 'wire-server',
    uri: server.uri(),
    description: folder
      ? `in-process MongoDB wire-protocol server at ${server.uri()} (no mongod found), data in ${folder}`
      : `in-process MongoDB wire-protocol server at ${server.uri()} (no mongod found): data is in memory and lost on exit`,
    persistent: Boolean(folder),
    stop: () => server.stop(),
  };
}

/** The URI with any password replaced, safe for logs and error messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
