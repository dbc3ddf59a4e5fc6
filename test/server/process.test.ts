// The server process as an admin meets it: exit codes, start-up lines, refusal in production, clean SIGTERM.
import { describe, it, expect } from '@jest/globals';
import { writeConfigFile, freePort } from '../helpers/harness.js';
import { runProcess, startProcess } from '../helpers/run-process.js';

describe('gatehouse server process', () => {
  it('exits 2 listing config problems as file:line: key.path without a stack trace', async () => {
    const file = writeConfigFile('port: 3000\nmongodb:\n  databse: x\nclients:\n  - client_id: web\n    redirect_uris: [nope]\n');
    const result = await runProcess('dist/main.js', [], { GATEHOUSE_CONFIG: file });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gatehouse\.yaml:3: mongodb\.databse: unknown key/);
    expect(result.stderr).toMatch(/gatehouse\.yaml:6: clients\[0\]\.redirect_uris\[0\] \(client "web"\): invalid URL/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to start in production listing every unsafe setting with its fix', async () => {
    const file = writeConfigFile(`port: 3000
clients:
  - client_id: web
    client_secret: changeme
    redirect_uris: [https://app.example.com/cb]
  - client_id: short
    client_secret: only-twenty-bytes-xx
    redirect_uris: [https://app.example.com/cb]
`);
    const result = await runProcess('dist/main.js', [], {
      GATEHOUSE_CONFIG: file,
      NODE_ENV: 'production',
      GATEHOUSE_KEY_ENCRYPTION_KEY: 'secret',
    });
    expect(result.code).toBe(1);
    // (Node 20 adds oidc-provider's "unsupported runtime" warning; the refusal lines are what matter.)
    expect(result.stderr.split('\n').filter((line) => line.startsWith('refusing'))).toEqual([
      'refusing to start in production: MONGODB_URI is not set: set MONGODB_URI (or mongodb.uri) to your MongoDB replica set',
      'refusing to start in production: the issuer http://localhost:3000 is not https: set ISSUER (or issuer) to the public https:// URL',
      expect.stringMatching(/^refusing to start in production: client "web": client_secret looks like a placeholder: generate one with/),
      expect.stringMatching(/^refusing to start in production: client "short": client_secret is shorter than 32 bytes/),
      'refusing to start in production: /metrics is served on the public port without a bearer token: ' +
        'set metrics.bearer_token: ${METRICS_TOKEN} (and METRICS_TOKEN), or metrics.port for a port ' +
        'only your network reaches',
      expect.stringMatching(/^refusing to start in production: GATEHOUSE_KEY_ENCRYPTION_KEY looks like a placeholder/),
    ]);
    expect(result.stderr).not.toContain('changeme');
  });

  it('refuses an https issuer without trust_proxy, since the listener is plain http', async () => {
    const file = writeConfigFile(
      'port: 3000\nissuer: https://id.example.com\nmetrics:\n  bearer_token: a-metrics-token-for-tests-0123456789\n',
    );
    const result = await runProcess('dist/main.js', [], {
      GATEHOUSE_CONFIG: file,
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      GATEHOUSE_KEY_ENCRYPTION_KEY: 'k'.repeat(48),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('refusing'))).toEqual([
      'refusing to start in production: the issuer is https but Gatehouse listens on plain http without ' +
        'trust_proxy: put it behind a TLS proxy and set trust_proxy to the number of proxies in front ' +
        'of Gatehouse (trust_proxy: 1)',
    ]);
  });

  it('fails within 10 s with a clear error when MONGODB_URI is unreachable', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runProcess('dist/main.js', [], {
      GATEHOUSE_CONFIG: writeConfigFile('port: 0\n'),
      MONGODB_URI: `mongodb://user:hunter2@127.0.0.1:${port}/`,
    });
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.stderr).toMatch(new RegExp(`cannot reach MongoDB at mongodb://user:\\*\\*\\*@127\\.0\\.0\\.1:${port}/`));
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  it('says in one line that the port is in use and exits 1, with no stack trace before it', async () => {
    const { createServer } = await import('node:net');
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const result = await runProcess('dist/main.js', [], { GATEHOUSE_CONFIG: writeConfigFile('host: 127.0.0.1\n'), PORT: String(port) });
      expect(result.code).toBe(1);
      // (Node 20 adds oidc-provider's "unsupported runtime" warning; everything else on stderr is the one line.)
      const lines = result.stderr.split('\n').filter((line) => line && !line.startsWith('oidc-provider WARNING'));
      expect(lines).toEqual([`gatehouse: port ${port} is already in use (set PORT or port in config)`]);
      expect(result.stdout + result.stderr).not.toMatch(/MongoClientClosedError|\n\s+at /);
    } finally {
      squatter.close();
    }
  });

  it('starts with embedded storage, prints issuer and storage, serves discovery, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const server = startProcess('dist/main.js', [], { GATEHOUSE_CONFIG: writeConfigFile(`port: ${port}\n`), PORT: String(port) });
    try {
      await server.waitFor(/Gatehouse is serving/);
      const { stdout } = server.output();
      expect(stdout).toContain(`http://localhost:${port}`);
      expect(stdout).toMatch(/"storage":"(wire-server|mongodb-memory-server)"/);
      // Throwaway storage (GATEHOUSE_IN_MEMORY, as run-process sets) is said once, as a warning.
      expect(stdout.split('\n').filter((line) => /lost on exit/.test(line))).toEqual([expect.stringMatching(/^\{"level":40,/)]);
      const discovery = (await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(`http://localhost:${port}`);
    } finally {
      server.child.kill('SIGTERM');
    }
    const result = await server.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/shutting down/);
  });

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const port = await freePort();
    const server = startProcess('dist/main.js', [], { GATEHOUSE_CONFIG: writeConfigFile(`port: ${port}\n`) });
    await server.waitFor(/Gatehouse is serving/);
    // A request whose body is still arriving when the signal lands must still get its full answer.
    const { request } = await import('node:http');
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/token',
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.write('grant_type=authorization_code');
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end('&code=x'), 300);
      }, 100);
    });
    const answered = await response;
    expect(answered.status).toBe(400);
    expect(JSON.parse(answered.body)).toHaveProperty('error');
    expect((await server.exited).code).toBe(0);
  });
});

describe('graceful shutdown under load', () => {
  it('completes every in-flight request, none cut mid-response, then exits 0', async () => {
    const port = await freePort();
    const server = startProcess('dist/main.js', [], { GATEHOUSE_CONFIG: writeConfigFile(`port: ${port}\n`) });
    try {
      await server.waitFor(/Gatehouse is serving/);
    } catch (error) {
      server.child.kill('SIGKILL');
      throw error;
    }
    const { request } = await import('node:http');
    // 40 requests, all connected and with their headers sent before SIGTERM, their bodies still arriving after it.
    const connected: Promise<void>[] = [];
    const finishers: (() => void)[] = [];
    const responses = Array.from(
      { length: 40 },
      (_, i) =>
        new Promise<{ status: number; complete: boolean }>((resolve, reject) => {
          // A fresh connection each: the global agent could hand back a stale keep-alive socket to a reused port.
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: '/token',
              method: 'POST',
              agent: false,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            },
            (res) => {
              let body = '';
              res.on('data', (chunk) => (body += chunk));
              res.on('end', () => resolve({ status: res.statusCode!, complete: body.endsWith('}') && res.complete }));
            },
          );
          req.on('error', reject);
          connected.push(
            new Promise((ready) =>
              req.on('socket', (socket) => socket.once('connect', () => req.write('grant_type=authorization_code', () => ready()))),
            ),
          );
          finishers.push(() => req.end(`&code=c${i}`));
        }),
    );
    await Promise.all(connected);
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const finish of finishers) finish();
    const results = await Promise.all(responses).catch((error: Error) => {
      throw new Error(`${error.message}; server said:\n${server.output().stdout.slice(-3000)}\n${server.output().stderr}`);
    });
    expect(results.filter((result) => !result.complete)).toEqual([]);
    expect(new Set(results.map((result) => result.status))).toEqual(new Set([400]));
    expect((await server.exited).code).toBe(0);
  });
});
