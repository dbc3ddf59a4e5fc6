// What every data command needs: the server's config, its database, and the account store.
import type { Db, MongoClient } from 'mongodb';
import { loadConfig, type LoadedConfig, type LoadOptions } from '../config/load.js';
import { connectDatabase } from '../storage/connect.js';
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
  // An embedded or in-process server would be a fresh, empty database: the CLI must reach the server's own.
  if (!config.mongodb.uri)
    throw new CliError(
      'no database configured: set MONGODB_URI to the database the server uses (npm start logs it; `gatehouse dev-db` serves a shared one)',
      2,
    );
  let client: MongoClient | undefined;
  try {
    const connected = await connectDatabase(config.mongodb.uri, config.mongodb.database);
    client = connected.client;
    const accounts = new AccountStore(connected.db);
    await accounts.createIndexes();
    const audit = new AuditLog(connected.db, (error) => process.stderr.write(`gatehouse: audit write failed: ${error.message}\n`));
    return await action({ config, db: connected.db, accounts, audit });
  } finally {
    await client?.close();
  }
}
