// The HTTP listener: request limits from config, and a graceful close that lets in-flight requests finish.
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import type { LoadedConfig } from '../config/load.js';
import { listenFailure } from '../errors/listen-error.js';

/** In-flight requests get this long to finish before their connections are cut: with the accept phase, exit stays under 10 s. */
const DRAIN_MS = 6500;
/**
 * A request whose bytes arrived just before the signal is not parsed yet, and its connection looks idle to Node:
 * idle connections are swept only after this grace, so such requests are answered rather than reset.
 */
const PARSE_GRACE_MS = 1000;
/**
 * Connections the kernel has queued but the process has not yet accepted would be reset by closing the listener: it
 * stays open until no connection has arrived for ACCEPT_QUIET_MS (like a load balancer's deregistration delay, but
 * short), at most ACCEPT_DRAIN_MAX_MS. A busy process accepts slowly, so a fixed wait would cut queued clients.
 */
const ACCEPT_QUIET_MS = 300;
const ACCEPT_DRAIN_MAX_MS = 3000;

async function acceptQueued(server: Server): Promise<void> {
  const started = Date.now();
  let last = started;
  const arrived = () => {
    last = Date.now();
  };
  server.on('connection', arrived);
  while (Date.now() - last < ACCEPT_QUIET_MS && Date.now() - started < ACCEPT_DRAIN_MAX_MS)
    await new Promise((resolve) => setTimeout(resolve, 50));
  server.off('connection', arrived);
}

export interface Listener {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (at most DRAIN_MS), then resolves. */
  close(): Promise<void>;
}

export async function listen(handler: RequestListener, config: Pick<LoadedConfig, 'port' | 'host' | 'limits'>): Promise<Listener> {
  const { limits } = config;
  const server = createServer({ maxHeaderSize: limits.max_header_bytes, requestTimeout: limits.request_timeout * 1000 }, handler);
  server.headersTimeout = Math.min(limits.request_timeout * 1000, 60_000);
  server.listen(config.port, config.host);
  await once(server, 'listening').catch((error: unknown) => {
    throw listenFailure(error, config.port, 'PORT or port in config');
  });
  return { server, port: (server.address() as AddressInfo).port, close: () => closeGracefully(server) };
}

async function closeGracefully(server: Server): Promise<void> {
  // Responses from now on end their keep-alive connections.
  server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
  await acceptQueued(server);
  // net.Server's close stops accepting without http.Server's immediate sweep of "idle" connections.
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
  let idleSweep: NodeJS.Timeout | undefined;
  const grace = setTimeout(() => {
    server.closeIdleConnections();
    idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  }, PARSE_GRACE_MS);
  await closed;
  clearTimeout(grace);
  clearInterval(idleSweep);
  clearTimeout(deadline);
}
