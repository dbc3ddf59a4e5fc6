// Development only: the running server records its database in the data folder so the CLI reaches the same data.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DEV_DATABASE_FILE = 'dev-db.json';

export interface DevDatabase {
  /** The development database's URI (a loopback server without credentials). */
  uri: string;
  /** The server process that serves it: the record is stale once that process is gone. */
  pid: number;
}

/** Writes the record (atomically, so a reader never sees half of it); the returned function removes it again. */
export function recordDevDatabase(dataDir: string, uri: string): () => void {
  const file = path.join(dataDir, DEV_DATABASE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ uri, pid: process.pid } satisfies DevDatabase)}\n`);
  renameSync(temp, file);
  return () => {
    // Only our own record: a later server on the folder may have written its own.
    if (readRecord(file)?.pid === process.pid) rmSync(file, { force: true });
  };
}

/** The database of a server running on this data folder, or undefined when none runs (no record, or a stale one). */
export function runningDevDatabase(dataDir: string): DevDatabase | undefined {
  const record = readRecord(path.join(dataDir, DEV_DATABASE_FILE));
  return record && isRunning(record.pid) ? record : undefined;
}

function readRecord(file: string): DevDatabase | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevDatabase>;
    return typeof parsed.uri === 'string' && Number.isInteger(parsed.pid) ? { uri: parsed.uri, pid: parsed.pid! } : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 tests for the process without signalling it; EPERM means it exists under another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
