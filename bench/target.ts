// The runner's side of a server under test: forks it, times it to its first good response, sends it commands.
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandBody, Listening, Reply } from './servers/protocol.js';
import { freePort } from '../test/helpers/free-port.js';
import { startDevDb, type DevDb } from './dev-db.js';

export type TargetName = 'gatehouse' | 'bare-memory' | 'bare-mongo' | 'gatehouse-devdb' | 'bare-devdb';

export interface TargetSpec {
  script: string;
  args: string[];
  label: string;
  /** Gatehouse itself, or a bare oidc-provider to compare it with. */
  gatehouse: boolean;
  /** The database runs in a `gatehouse dev-db` process of its own, not in the server's process. */
  separateDb?: boolean;
  /** For Gatehouse: the bare oidc-provider on the same storage, which "our layer" is measured against. */
  sameStorage?: TargetName;
}

export const TARGETS: Record<TargetName, TargetSpec> = {
  gatehouse: { script: 'gatehouse.js', args: [], label: 'Gatehouse', gatehouse: true, sameStorage: 'bare-mongo' },
  'bare-memory': { script: 'bare.js', args: ['memory'], label: 'bare oidc-provider, in memory', gatehouse: false },
  'bare-mongo': { script: 'bare.js', args: ['mongo'], label: "bare oidc-provider, Gatehouse's Mongo adapter", gatehouse: false },
  'gatehouse-devdb': {
    script: 'gatehouse.js',
    args: [],
    label: 'Gatehouse, database in its own process',
    gatehouse: true,
    separateDb: true,
    sameStorage: 'bare-devdb',
  },
  'bare-devdb': {
    script: 'bare.js',
    args: ['mongo'],
    label: "bare oidc-provider, Gatehouse's Mongo adapter, database in its own process",
    gatehouse: false,
    separateDb: true,
  },
};

const here = path.dirname(fileURLToPath(import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export class Target {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    readonly name: TargetName,
    readonly url: string,
    readonly storage: string,
    /** Milliseconds from process start to the first 200 from discovery. */
    readonly readyMs: number,
    private readonly child: ChildProcess,
    /** The database process, for targets whose database runs on its own. */
    readonly devDb?: DevDb,
  ) {
    child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(message.error));
    });
  }

  /**
   * Starts the server; its stdout and stderr (the access log) go to `logFile`; `cpuProfileDir` turns on --cpu-prof;
   * `countCommands` turns on the driver's command monitoring, for counting round trips (never for load: it costs CPU).
   */
  static async start(name: TargetName, logFile: string, cpuProfileDir?: string, countCommands = false): Promise<Target> {
    const { script, separateDb } = TARGETS[name];
    const args = [...TARGETS[name].args];
    // After the port (and bare.js's storage kind).
    if (countCommands) args.push('count-commands');
    // Started first and not timed: it stands for a database server that is already running.
    const devDb = separateDb ? await startDevDb() : undefined;
    const port = await freePort();
    const log = openSync(logFile, 'a');
    const started = performance.now();
    const child = fork(path.join(here, 'servers', script), [String(port), ...args], {
      stdio: ['ignore', log, log, 'ipc'],
      execArgv: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
      env: devDb ? { ...process.env, MONGODB_URI: devDb.uri } : process.env,
    });
    closeSync(log);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready; see ${logFile}`))),
    );
    exited.catch(() => {});
    const listening = new Promise<Listening>((resolve) => child.once('message', (message: Listening) => resolve(message)));
    const url = `http://127.0.0.1:${port}`;
    try {
      await Promise.race([exited, firstGoodResponse(url)]);
      const readyMs = performance.now() - started;
      const { storage } = await Promise.race([exited, listening]);
      return new Target(name, url, devDb ? `${storage}, in its own process (gatehouse dev-db)` : storage, readyMs, child, devDb);
    } catch (error) {
      child.kill('SIGKILL');
      await devDb?.stop();
      throw error;
    }
  }

  command<T>(command: CommandBody): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...command, id });
    });
  }

  /** CPU microseconds (user + system) the server process has used so far. */
  cpuUsage(): Promise<number> {
    return this.command<number>({ type: 'cpu-usage' });
  }

  /** Resident memory of the server process now, in bytes. */
  rss(): Promise<number> {
    return this.command<number>({ type: 'rss' });
  }

  /** Peak resident memory of the server process so far, in bytes. */
  peakRss(): Promise<number> {
    return this.command<number>({ type: 'peak-rss' });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.command({ type: 'stop' }).catch(() => {});
    await exited;
    clearTimeout(killer);
    await this.devDb?.stop();
  }
}

async function firstGoodResponse(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/.well-known/openid-configuration`);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}
