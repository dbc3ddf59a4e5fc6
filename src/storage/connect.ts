// Opens the MongoClient with bounded timeouts so an unreachable server fails fast instead of hanging.
import { MongoClient, type Db } from 'mongodb';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { redactUri } from './storage-server.js';

export class StorageConnectError extends GatehouseError {
  override name = 'StorageConnectError';
  override readonly status = 503;
}

export interface Database {
  client: MongoClient;
  db: Db;
}

export interface ConnectOptions {
  timeoutMs?: number;
  /**
   * Command events (per-command latency metrics, counting commands in tests and the bench). Off by default: the driver
   * then decodes every reply a second time for its event, tens of microseconds of CPU per command.
   */
  monitorCommands?: boolean;
}

export async function connectDatabase(
  uri: string,
  database: string,
  { timeoutMs = 5000, monitorCommands = false }: ConnectOptions = {},
): Promise<Database> {
  const client = new MongoClient(uri, {
    appName: 'gatehouse',
    // Undefined payload fields are dropped rather than stored as null, so adapter round trips stay faithful.
    ignoreUndefined: true,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    monitorCommands,
  });
  try {
    await client.connect();
    const db = client.db(database);
    await db.command({ ping: 1 });
    return { client, db };
  } catch (error) {
    await client.close().catch(() => {});
    throw new StorageConnectError(`cannot reach MongoDB at ${redactUri(uri)}: ${(error as Error).message}`);
  }
}

/** Resolves true when the database answers a ping within `timeoutMs`. */
export async function pingDatabase(db: Db, timeoutMs = 2000): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.command({ ping: 1 }, { timeoutMS: timeoutMs }), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
