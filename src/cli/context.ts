// What every data command needs: the server's config, its database, and the account store.
import path from 'node:path';
import type { Db, MongoClient } from 'mongodb';
import { loadConfig, type LoadedConfig, type LoadOptions } from '../config/load.js';
import { connectDatabase } from '../storage/connect.js';
import { runningDevDatabase } from '../storage/dev-database.js';
import { DataFolderInUse, selectStorageServer } from '../storage/storage-server.js';
import { AccountStore } from '../accounts/account-store.js';
import { CliError } from './command.js';
import { AuditLog } from '../audit/audit-log.js';

export interface CliContext {
  config: LoadedConfig;
  db: Db;
  accounts: AccountStore;
  audit: AuditLog;
}

/**
 * Runs `action` against the configured database and always closes the connection. `uses` names the config sections
 * the command needs besides `mongodb`; an unset ${VAR} elsewhere (a client secret) does not stop it.
 */
export async function withDatabase<T>(
  env: NodeJS.ProcessEnv,
  action: (context: CliContext) => Promise<T>,
  uses: LoadOptions['only'] = [],
): Promise<T> {
  const config = loadConfig(env, { only: uses && ['mongodb', 'audit', ...uses] });
  const database = await serverDatabase(config);
  let client: MongoClient | undefined;
  try {
    const connected = await connectDatabase(database.uri, config.mongodb.database).catch((error: Error) => {
      throw database.unreachable ? new CliError(`${error.message}; ${database.unreachable}`) : error;
    });
    client = connected.client;
    const accounts = new AccountStore(connected.db);
    await accounts.createIndexes();
    const audit = new AuditLog(connected.db, (error) => process.stderr.write(`gatehouse: audit write failed: ${error.message}\n`));
    return await action({ config, db: connected.db, accounts, audit });
  } finally {
    await client?.close();
    await database.stop();
  }
}

interface ServerDatabase {
  uri: string;
  /** What to tell the operator when the URI does not answer. */
  unreachable?: string;
  /** Stops a database this command opened itself. */
  stop(): Promise<void>;
}

/** How long to wait for a server that holds the data folder but has not recorded its database yet (it is starting). */
const STARTING_SERVER_WAIT_MS = 5000;

/**
 * The database the server uses: MONGODB_URI; in development, the running server's database recorded in the data
 * folder, or else that folder opened by this command for as long as it runs. Never a throwaway database.
 */
async function serverDatabase(config: LoadedConfig): Promise<ServerDatabase> {
  const none = async () => {};
  if (config.mongodb.uri) return { uri: config.mongodb.uri, stop: none };
  if (config.production)
    throw new CliError('no database configured: NODE_ENV=production needs MONGODB_URI, the database the server uses', 2);
  if (config.in_memory)
    throw new CliError(
      'no database configured: GATEHOUSE_IN_MEMORY is set, and a throwaway database would be empty and lost: ' +
        `set MONGODB_URI to the database the server uses, or unset GATEHOUSE_IN_MEMORY to use the one in ${shown(config.data_dir)}`,
      2,
    );
  const deadline = Date.now() + STARTING_SERVER_WAIT_MS;
  for (;;) {
    const running = runningDevDatabase(config.data_dir);
    if (running)
      return {
        uri: running.uri,
        unreachable: `the Gatehouse server (pid ${running.pid}) recorded it in ${shown(config.data_dir)}: is that process still Gatehouse?`,
        stop: none,
      };
    try {
      const opened = await selectStorageServer({
        production: false,
        dataDir: config.data_dir,
        notice: (line) => process.stderr.write(`gatehouse: ${line}\n`),
      });
      return { uri: opened.uri, stop: () => opened.stop() };
    } catch (error) {
      // A server that is starting holds the folder a moment before it records its database.
      if (!(error instanceof DataFolderInUse) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function shown(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative && !relative.startsWith('..') ? relative : dir;
}
