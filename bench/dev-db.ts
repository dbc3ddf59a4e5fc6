// A `gatehouse dev-db` of the bench's own, in its own process: the database is then not in the server's process, as a
// production mongod is not, and the server's CPU is its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/free-port.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'dist', 'cli', 'index.js');
const READY_TIMEOUT_MS = 30_000;

export interface DevDb {
  uri: string;
  /** Resident memory of the database process, in bytes (from /proc; undefined where there is none). */
  rss(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function startDevDb(): Promise<DevDb> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [CLI, 'dev-db', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gatehouse dev-db did not start within ${READY_TIMEOUT_MS / 1000} s: ${output}`)),
      READY_TIMEOUT_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk;
      // Its first line is the connection string.
      const line = /^(mongodb:\/\/\S+)$/m.exec(output);
      if (line) {
        clearTimeout(timer);
        resolve(line[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gatehouse dev-db exited with code ${code} (is dist/ built? npm run build): ${output}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    uri,
    async rss() {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => undefined);
      const kib = status && /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      return kib ? Number(kib) * 1024 : undefined;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
