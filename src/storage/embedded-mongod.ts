// A real mongod through mongodb-memory-server when a binary is at hand: cached, installed, or downloaded after saying so.
import { mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { importDevDependency } from './dev-dependencies.js';

export interface EmbeddedMongod {
  uri: string;
  version: string;
  stop(): Promise<void>;
}

/** How long the size probe of a download may take; an offline machine fails it in milliseconds (no DNS). */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Whether mongodb-memory-server has a mongod to run: cached, installed (MONGOMS_SYSTEM_BINARY), or downloaded now;
 * `notice` hears one line before a download starts. False when none can be had.
 */
export async function haveMongodBinary(notice: (line: string) => void, missingDependency: string): Promise<boolean> {
  const { DryMongoBinary } = await importDevDependency('mongodb-memory-server', () => import('mongodb-memory-server'), missingDependency);
  const options = await DryMongoBinary.generateOptions();
  return Boolean((await DryMongoBinary.locateBinary(options)) ?? (await download(options, notice)));
}

/** Starts mongod with its data in `dbPath` (kept across restarts) or, without one, in a temporary directory. */
export async function startEmbeddedMongod(dbPath: string | undefined): Promise<EmbeddedMongod> {
  const { DryMongoBinary, MongoMemoryServer } = await import('mongodb-memory-server');
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  // create() finds the binary haveMongodBinary located (mongodb-memory-server caches it) and downloads nothing.
  const mongod = await MongoMemoryServer.create(dbPath ? { instance: { dbPath, storageEngine: 'wiredTiger' } } : {});
  return {
    uri: mongod.getUri(),
    version: (await DryMongoBinary.generateOptions()).version,
    // The default cleanup removes only a temporary directory mongodb-memory-server made itself, never a given dbPath.
    stop: async () => {
      await mongod.stop();
    },
  };
}

type BinaryOptions = Awaited<ReturnType<typeof import('mongodb-memory-server')['DryMongoBinary']['generateOptions']>>;

/** Downloads mongod (after one line saying what, how big, and where to) when mongodb-memory-server may and can. */
async function download(options: BinaryOptions, notice: (line: string) => void): Promise<string | undefined> {
  // mongodb-memory-server exports these only from its core package's files; it is the same installed project.
  const config = await import('mongodb-memory-server-core/lib/util/resolveConfig.js');
  if (!config.envToBool(config.resolveConfig(config.ResolveConfigVariables.RUNTIME_DOWNLOAD))) return undefined;
  const { MongoBinaryDownloadUrl } = await import('mongodb-memory-server-core/lib/util/MongoBinaryDownloadUrl.js');
  const url = await new MongoBinaryDownloadUrl(options).getDownloadUrl();
  const bytes = await downloadSize(url);
  // Unreachable (offline, or a proxy this probe does not use): no download is attempted, the wire server is used.
  if (bytes === undefined) return undefined;
  notice(
    `downloading mongod ${options.version} for the development database (${Math.round(bytes / 1e6)} MB, once) ` +
      `from ${url} to ${options.downloadDir}; MONGOMS_RUNTIME_DOWNLOAD=false skips it`,
  );
  const { MongoBinary } = await import('mongodb-memory-server');
  try {
    return await MongoBinary.getPath();
  } catch (error) {
    // Announced, so its failure is announced too; the start goes on with the wire server.
    notice(`the mongod download failed: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** The Content-Length of a HEAD request, or undefined when the server cannot be reached or does not say. */
function downloadSize(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'HEAD', timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      const length = Number(res.headers['content-length']);
      resolve(res.statusCode === 200 && Number.isFinite(length) && length > 0 ? length : undefined);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
