// WireServer: a loopback TCP listener speaking enough of the MongoDB wire protocol for the official driver.
import { FailPoints } from './fail-points.js';
import { createServer, type Server, type Socket } from 'node:net';
import { serveConnection } from './connection.js';
import type { ServerSettings } from './commands/index.js';
import { CursorRegistry } from './cursors.js';
import { WireStore } from './store.js';
import { TtlMonitor } from './ttl-monitor.js';

export { WireStore } from './store.js';

export interface WireServerOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Pass an existing store to restart on the same data. */
  store?: WireStore;
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
  ) {}

  static async start(options: WireServerOptions = {}): Promise<WireServer> {
    const store = options.store ?? new WireStore();
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
    instance = new WireServer(server, address.port, store, ttl);
    ttl.start();
    return instance;
  }

  uri(dbName?: string): string {
    return `mongodb://127.0.0.1:${this.port}/${dbName ?? ''}?directConnection=true`;
  }

  async stop(): Promise<void> {
    this.ttl.stop();
    this.cursors.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`expected a positive number, got ${value}`);
  return value;
}
