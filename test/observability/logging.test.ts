// Log levels and formats: probes at debug, readable lines in development on a terminal, JSON elsewhere and in production.
import { PassThrough } from 'node:stream';
import { describe, it, expect } from '@jest/globals';
import { freePort, startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { startProcess } from '../helpers/run-process.js';
import { startTestStorage } from '../helpers/test-storage.js';
import { createLogger, logFormat } from '../../src/observability/logger.js';
import { formatLine, prettyDestination } from '../../src/observability/pretty-logs.js';
import { accessLogWriter } from '../../src/http/request-context.js';
import type { Context } from 'koa';

describe('access log levels', () => {
  it('logs /healthz and /readyz at debug and real requests at info', async () => {
    const storage = await startTestStorage();
    const sink = new PassThrough();
    let logs = '';
    sink.on('data', (chunk) => (logs += chunk));
    const gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: 'demo: false\n', logTo: sink });
    try {
      for (const path of ['/healthz', '/readyz', '/.well-known/openid-configuration'])
        await (await fetch(`${gatehouse.url}${path}`)).text();
    } finally {
      await gatehouse.close();
      await storage.stop();
    }
    const access = logs
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; path: string; level: number })
      .filter((record) => record.msg === 'request');
    expect(access.map((record) => [record.path, record.level])).toEqual([
      ['/healthz', 20],
      ['/readyz', 20],
      ['/.well-known/openid-configuration', 30],
    ]);
  });
});

describe('access line', () => {
  const request = (fields: Record<string, unknown>) => fields as unknown as Context;

  it("is one JSON record in pino's format with the request fields, whatever the path holds", async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    const write = accessLogWriter(logger);
    const path = '/odd"path\\with\nnew\u2028line';
    write(
      request({ state: {}, method: 'POST', path, status: 401, oidc: { client: { clientId: 'we"b' } } }),
      'req-0123456789',
      'token',
      1.5,
    );
    write(request({ state: {}, method: 'GET', path: '/jwks', status: 200 }), 'req-abcdefghij', undefined, 0.25);
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('}\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({
      level: 30,
      time: expect.any(Number),
      service: 'gatehouse',
      requestId: 'req-0123456789',
      method: 'POST',
      path,
      route: 'token',
      status: 401,
      ms: 1.5,
      clientId: 'we"b',
      msg: 'request',
    });
    expect(Object.keys(JSON.parse(lines[1]))).toEqual(['level', 'time', 'service', 'requestId', 'method', 'path', 'status', 'ms', 'msg']);
  });

  it("follows the logger's level: a probe's debug line only when debug is on", () => {
    for (const level of ['info', 'debug']) {
      const lines: string[] = [];
      const write = accessLogWriter(createLogger({ level, destination: { write: (line: string) => lines.push(line) } }));
      write(request({ state: { logLevel: 'debug' }, method: 'GET', path: '/healthz', status: 200 }), 'req-0123456789', '/healthz', 0.1);
      expect(lines.map((line) => JSON.parse(line).level)).toEqual(level === 'debug' ? [20] : []);
    }
  });
});

describe('log format', () => {
  it('is pretty only in development, on a terminal or when LOG_FORMAT=pretty; JSON in production whatever is asked', () => {
    const dev = { production: false, log_format: undefined };
    expect([logFormat(dev, true), logFormat(dev, false)]).toEqual(['pretty', 'json']);
    expect(logFormat({ production: false, log_format: 'json' }, true)).toBe('json');
    expect(logFormat({ production: false, log_format: 'pretty' }, false)).toBe('pretty');
    expect(logFormat({ production: true, log_format: 'pretty' }, true)).toBe('json');
  });

  it('writes one readable line per record: time, level, message, the other fields; access lines as "METHOD path status"', () => {
    let out = '';
    const logger = createLogger({
      level: 'debug',
      destination: prettyDestination({ write: (text: string) => (out += text) } as never, false),
    });
    logger.info({ storage: 'wire-server' }, 'storage: somewhere');
    logger.info({ requestId: '0123456789abcdef', method: 'GET', path: '/jwks', status: 200, ms: 2.74, clientId: 'web' }, 'request');
    logger.error({ err: { message: 'boom', stack: 'Error: boom\n    at here' }, password: 'hunter2' }, 'request failed');
    expect(out.split('\n')).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d INFO {2}storage: somewhere storage=wire-server$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d INFO {2}GET \/jwks 200 2\.7 ms client=web id=01234567$/),
      // Redaction happens before formatting, and an error's stack follows its line, indented.
      expect.stringMatching(/^\d\d:\d\d:\d\d ERROR request failed password=\[redacted\]$/),
      '    Error: boom',
      '        at here',
      '',
    ]);
  });

  it('colours the level and dims the details only for a terminal', () => {
    const line = JSON.stringify({ level: 40, time: Date.now(), msg: 'careful', detail: 1 });
    const esc = '\u001b';
    expect(formatLine(line, true).endsWith(`${esc}[33mWARN ${esc}[0m careful ${esc}[90mdetail=1${esc}[0m\n`)).toBe(true);
    expect(formatLine(line, false)).not.toContain('\u001b');
  });

  it('the server process logs readable lines with LOG_FORMAT=pretty and JSON lines when its output is not a terminal', async () => {
    const run = async (env: NodeJS.ProcessEnv) => {
      const port = await freePort();
      const server = startProcess('dist/main.js', [], { GATEHOUSE_CONFIG: writeConfigFile(`port: ${port}\nhost: 127.0.0.1\n`), ...env });
      try {
        await server.waitFor(/Gatehouse is serving/);
      } finally {
        server.child.kill('SIGTERM');
      }
      await server.exited;
      return server
        .output()
        .stdout.split('\n')
        .find((line) => line.includes('Gatehouse is serving'))!;
    };
    expect(await run({ LOG_FORMAT: 'pretty' })).toMatch(/^\d\d:\d\d:\d\d INFO {2}Gatehouse is serving http:\/\/localhost:\d+ .* port=\d+$/);
    expect(JSON.parse(await run({}))).toMatchObject({ level: 30, msg: expect.stringMatching(/^Gatehouse is serving/) });
  });
});
