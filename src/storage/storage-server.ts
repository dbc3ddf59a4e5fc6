// Decides once, at start, which MongoDB server the driver talks to: MONGODB_URI, embedded mongod, or the wire server.
// mongodb-memory-server and @gatehouse/mongo-wire are development dependencies, imported only when there is no URI.
import { GatehouseError } from '../errors/gatehouse-error.js';
import { importDevDependency } from './dev-dependencies.js';

export type StorageKind = 'mongodb' | 'mongodb-memory-server' | 'wire-server';

export interface StorageServer {
  readonly kind: StorageKind;
  /** The connection string to hand to MongoClient; may hold credentials, so never log it unredacted. */
  readonly uri: string;
  /** One line for the start-up log saying what holds the data. */
  readonly description: string;
  /** Stops a server we started ourselves; a no-op for an external MONGODB_URI. */
  stop(): Promise<void>;
}

export class StorageSelectionError extends GatehouseError {
  override name = 'StorageSelectionError';
}

export interface SelectOptions {
  /** The MongoDB URI from config or env, when one is set. */
  uri?: string;
  production: boolean;
}

const NO_EMBEDDED_DATABASE =
  'so there is no embedded database for development: set MONGODB_URI (or mongodb.uri in the config file) to a MongoDB server';

export async function selectStorageServer({ uri, production }: SelectOptions): Promise<StorageServer> {
  if (uri) return { kind: 'mongodb', uri, description: `MongoDB at ${redactUri(uri)}`, stop: async () => {} };
  if (production)
    throw new StorageSelectionError(
      'NODE_ENV=production requires a MongoDB server: set MONGODB_URI (e.g. MONGODB_URI=mongodb://db.internal:27017/?replicaSet=rs0) ' +
        'or mongodb.uri in the config file',
    );
  return (await startEmbeddedMongod()) ?? (await startWireServer());
}

async function startEmbeddedMongod(): Promise<StorageServer | undefined> {
  // mongodb-memory-server takes its download retry count only from the environment (MONGOMS_MAX_RETRIES; or a
  // package.json "config" section), never from an option we could pass, hence this one write to process.env.
  // Without a cap it retries a failing download for seconds on every start, so an offline machine would pay
  // that each time before falling back. An operator's own MONGOMS_MAX_RETRIES wins.
  process.env.MONGOMS_MAX_RETRIES ??= '0';
  const { MongoBinary, MongoMemoryServer } = await importDevDependency(
    'mongodb-memory-server',
    () => import('mongodb-memory-server'),
    NO_EMBEDDED_DATABASE,
  );
  try {
    // Locating (or downloading) the binary first keeps a missing mongod quiet; create() would warn loudly.
    await MongoBinary.getPath();
  } catch {
    return undefined;
  }
  try {
    const mongod = await MongoMemoryServer.create();
    return {
      kind: 'mongodb-memory-server',
      uri: mongod.getUri(),
      description: `embedded mongod (mongodb-memory-server) at ${mongod.getUri()}, data in a temporary directory, lost on exit`,
      stop: async () => {
        await mongod.stop();
      },
    };
  } catch {
    return undefined;
  }
}

async function startWireServer(): Promise<StorageServer> {
  const { WireServer } = await importDevDependency('@gatehouse/mongo-wire', () => import('@gatehouse/mongo-wire'), NO_EMBEDDED_DATABASE);
  const server = await WireServer.start();
  return {
    kind: 'wire-server',
    uri: server.uri(),
    description: `in-process MongoDB wire-protocol server at ${server.uri()} (no mongod found): data is in memory and lost on exit`,
    stop: () => server.stop(),
  };
}

/** The URI with any password replaced, safe for logs and error messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
