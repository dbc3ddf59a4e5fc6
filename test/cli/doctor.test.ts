// `gatehouse doctor`: static production checks plus live checks against a running instance, each with a fix.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
let gatehouse: Gatehouse;
beforeAll(async () => {
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: 'demo: false\n' });
});
afterAll(async () => {
  await gatehouse.close();
  await storage.stop();
});

describe('gatehouse doctor', () => {
  it('in development reports live findings as ok and production problems as notes with fixes, exiting 0', async () => {
    const result = await runProcess('dist/cli/index.js', ['doctor', '--url', gatehouse.url], {
      MONGODB_URI: storage.uri,
      GATEHOUSE_CONFIG: writeConfigFile(`issuer: ${gatehouse.url}\nmongodb:\n  database: ${storage.dbName}\n`),
    });
    expect([result.code, result.stderr]).toEqual([0, '']);
    const out = result.stdout;
    expect(out).toContain(`ok    discovery issuer is ${gatehouse.url}`);
    expect(out).toContain('ok    endpoints use http like the issuer');
    expect(out).toContain('ok    database reachable from the instance (/readyz)');
    expect(out).toContain('ok    clock: in step with this machine');
    expect(out).toMatch(/ok {4}RS256 key \S+: active, 0 days old/);
    expect(out).toMatch(/^note {2}development: production's findings are notes here; `gatehouse doctor --production` fails on them\n/);
    expect(out).toContain(`note  the issuer ${gatehouse.url} is not https\n      fix: set ISSUER (or issuer) to the public https:// URL`);
    expect(out).toContain('note  GATEHOUSE_KEY_ENCRYPTION_KEY is not set\n      fix:');
    expect(out).not.toMatch(/^fail/m);
  });

  it('with --production or NODE_ENV=production reports the same problems as failures, exiting 1', async () => {
    const config = writeConfigFile(`issuer: ${gatehouse.url}\nmongodb:\n  database: ${storage.dbName}\n`);
    for (const [args, env] of [
      [['--production'], {}],
      [[], { NODE_ENV: 'production' }],
    ] as const) {
      const result = await runProcess('dist/cli/index.js', ['doctor', '--url', gatehouse.url, ...args], {
        MONGODB_URI: storage.uri,
        GATEHOUSE_CONFIG: config,
        ...env,
      });
      expect([args, result.code]).toEqual([args, 1]);
      expect(result.stdout).toContain(
        `fail  the issuer ${gatehouse.url} is not https\n      fix: set ISSUER (or issuer) to the public https:// URL`,
      );
      expect(result.stdout).toContain('fail  GATEHOUSE_KEY_ENCRYPTION_KEY is not set\n      fix:');
      expect(result.stdout).toContain(`ok    discovery issuer is ${gatehouse.url}`);
      expect(result.stdout).not.toMatch(/^note/m);
    }
  });

  it('reports an unreachable instance as a failure with what to do', async () => {
    const result = await runProcess('dist/cli/index.js', ['doctor', '--url', 'http://127.0.0.1:9'], {
      MONGODB_URI: storage.uri,
      GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${storage.dbName}\n`),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/fail {2}cannot reach http:\/\/127\.0\.0\.1:9: .*\n {6}fix: start Gatehouse, or pass --url/);
  });
});
