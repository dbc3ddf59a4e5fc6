// Log levels and formats: probes at debug, readable lines in development on a terminal, JSON elsewhere and in production.
import { PassThrough } from 'node:stream';
import { describe, it, expect } from '@jest/globals';
import { freePort, startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { startProcess } from '../helpers/run-process.js';
import { startTestStorage } from '../helpers/test-storage.js';
import { createLogger, logFormat } from '../../src/observability/logger.js';
import { formatLine, prettyDestination } from '../../src/observability/pretty-logs.js';

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
