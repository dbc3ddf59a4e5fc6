// A relying party's back-channel logout endpoint on 127.0.0.1 (http, or https with a test certificate) that keeps what it receives.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReceivedLogout {
  /** Path and query the provider posted to. */
  url: string;
  contentType: string | undefined;
  logoutToken: string | null;
}

export interface LogoutReceiver {
  /** The backchannel_logout_uri to register. */
  url: string;
  received: ReceivedLogout[];
  /** Resolves with the first received logout matching `predicate`; rejects after timeoutMs. */
  waitFor(predicate: (logout: ReceivedLogout) => boolean, timeoutMs?: number): Promise<ReceivedLogout>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** Read the request and never answer: a receiver that hangs. */
  hang?: boolean;
  /** Serve https with this key and certificate. */
  tls?: { key: string; cert: string };
  path?: string;
}

export async function startLogoutReceiver({
  hang = false,
  tls,
  path = '/backchannel-logout',
}: ReceiverOptions = {}): Promise<LogoutReceiver> {
  const received: ReceivedLogout[] = [];
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        url: request.url ?? '',
        contentType: request.headers['content-type'],
        logoutToken: new URLSearchParams(body).get('logout_token'),
      });
      if (!hang) response.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}${path}`,
    received,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching logout within ${timeoutMs} ms; received ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
