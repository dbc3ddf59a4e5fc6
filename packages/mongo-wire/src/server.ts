// WireServer: a loopback TCP listener speaking enough of the MongoDB wire protocol for the official driver.
import { FailPoints } from './fail-points.js';
import { createServer, type Server, type Socket } from 'node:net';
import { serveConnection } from './connection.js';
import type { ServerSettings } from './commands/index.js';
import { CursorRegistry } from './cursors.js';
import { DataDir } from './data-dir.js';
import { WireStore } from './store.js';
import { TtlMonitor } from './ttl-monitor.js';

export { WireStore } from './store.js';

export interface WireServerOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Pass an existing store to restart on the same data (in memory; see dataDir for data on disk). */
  store?: WireStore;
  /**
   * Keep the data in this folder (created when missing): loaded at start, saved shortly after each change and at
   * stop. The folder is locked to this server until stop(); another process opening it fails with DataDirLockedError.
   */
  dataDir?: string;
  /** With dataDir: how long after a change the data is written (changes within it share one write). Default 100. */
  saveDelayMs?: number;
  /** With dataDir: told when a save fails (it is retried on the next change and at stop). Default: a line on stderr. */
  onSaveError?: (error: Error) => void;
  /** TTL sweep interval, default 60 like mongod; also settable via the setParameter command. */
  ttlMonitorSleepSecs?: number;
  /** Default 48_000_000, mongod's maxMessageSizeBytes. */
  maxMessageBytes?: number;
}

export class WireServer {
  private readonly sockets = new Set<Socket>();
  private readonly cursors = new CursorRegistry();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly store: WireStore,
    private readonly ttl: TtlMonitor,
    private readonly dataDir: DataDir | undefined,
  ) {}

  static async start(options: WireServerOptions = {}): Promise<WireServer> {
    if (options.store && options.dataDir) throw new TypeError('pass either store or dataDir, not both');
    const dataDir = options.dataDir === undefined ? undefined : openDataDir(options.dataDir, options);
    try {
      return await WireServer.listen(options, dataDir);
    } catch (error) {
      await dataDir?.close();
      throw error;
    }
  }

  private static async listen(options: WireServerOptions, dataDir: DataDir | undefined): Promise<WireServer> {
    const store = dataDir?.store ?? options.store ?? new WireStore();
    const ttl = new TtlMonitor(store, positive(options.ttlMonitorSleepSecs, 60));
    const maxMessageBytes = positive(options.maxMessageBytes, 48_000_000);
    const settings: ServerSettings = {
      maxMessageBytes,
      failPoints: new FailPoints(),
      get ttlMonitorSleepSecs() {
        return ttl.intervalSecs;
      },
      set ttlMonitorSleepSecs(secs: number) {
        ttl.intervalSecs = secs;
      },
    };
    let connectionIds = 0;
    let instance: WireServer | undefined;
    const server = createServer((socket) => {
      if (!instance) {
        socket.destroy();
        return;
      }
      const sockets = instance.sockets;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      serveConnection(socket, ++connectionIds, { store, cursors: instance.cursors, settings });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback only: this server has no authentication and must never be reachable from outside.
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('wire server did not bind a TCP port');
    instance = new WireServer(server, address.port, store, ttl, dataDir);
    ttl.start();
    return instance;
  }

  uri(dbName?: string): string {
    return `mongodb://127.0.0.1:${this.port}/${dbName ?? ''}?directConnection=true`;
  }

  /** The absolute data folder, when the data is kept on disk. */
  get dataPath(): string | undefined {
    return this.dataDir?.dir;
  }

  /** With dataDir: writes pending changes now and resolves once they are on disk. */
  async flush(): Promise<void> {
    await this.dataDir?.flush();
  }

  /** Closes the listener and every connection; with dataDir, then saves and unlocks the folder. */
  async stop(): Promise<void> {
    this.ttl.stop();
    this.cursors.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
    await this.dataDir?.close();
  }
}

function openDataDir(dir: string, options: WireServerOptions): DataDir {
  return DataDir.open(dir, {
    saveDelayMs: options.saveDelayMs ?? 100,
    onSaveError:
      options.onSaveError ?? ((error) => process.stderr.write(`mongo-wire: could not save the data in ${dir}: ${error.message}\n`)),
  });
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`expected a positive number, got ${value}`);
  return value;
}
