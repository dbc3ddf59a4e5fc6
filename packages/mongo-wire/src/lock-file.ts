// One process per data folder: a lock file holding the owner's pid, taken over only when that process is gone.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'mongo-wire.lock';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';

  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the data folder ${dir} is in use by process ${pid}: one wire server per folder`);
  }
}

/** Folders this process holds: a second open here must fail as one from another process would. */
const heldHere = new Set<string>();

export function acquireLock(dir: string): void {
  const file = path.join(dir, LOCK_FILE);
  // Two rounds: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      heldHere.add(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPid(file);
    // Our own pid in a lock we do not hold is a leftover of an earlier process that had the same pid (containers).
    const live = holder !== undefined && (holder === process.pid ? heldHere.has(dir) : isRunning(holder));
    if (live) throw new DataDirLockedError(dir, holder);
    rmSync(file, { force: true });
  }
  throw new Error(`could not lock the data folder ${dir}: another process keeps taking ${LOCK_FILE}`);
}

export function releaseLock(dir: string): void {
  if (!heldHere.delete(dir)) return;
  const file = path.join(dir, LOCK_FILE);
  if (readPid(file) === process.pid) rmSync(file, { force: true });
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 checks existence without signalling; EPERM means it exists under another user. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
