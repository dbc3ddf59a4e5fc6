// The zero-config development database: kept in the data folder across restarts, and found by the CLI with nothing exported.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterAll } from '@jest/globals';
import { CLIENTS_YAML, SECRETS, authorizationRequest, discover, exchange, newBrowser, signIn } from '../helpers/oidc-flow.js';
import { freePort, writeConfigFile } from '../helpers/harness.js';
import { runProcess, startProcess, type RunningProcess } from '../helpers/run-process.js';
import { WireServer } from '@gatehouse/mongo-wire';
import { MongoClient } from 'mongodb';
import { recordDevDatabase } from '../../src/storage/dev-database.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-data-'));
const running: RunningProcess[] = [];
afterAll(async () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startServer(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const server = startProcess('dist/main.js', [], env);
  running.push(server);
  await server.waitFor(/Gatehouse is serving/);
  return server;
}

async function stop(server: RunningProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}

describe('development database in the data folder', () => {
  it('npm start, gatehouse user add bob with nothing exported, restart: bob still signs in with the same keys', async () => {
    const port = await freePort();
    // What `npm start` and `npx gatehouse` see on a fresh clone: no MONGODB_URI, no GATEHOUSE_IN_MEMORY.
    const env = {
      GATEHOUSE_CONFIG: writeConfigFile(`port: ${port}\nhost: 127.0.0.1\n${CLIENTS_YAML}`),
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_IN_MEMORY: '',
      WEB_SECRET: SECRETS.web,
    };
    const url = `http://localhost:${port}`;
    const jwks = async () => ((await (await fetch(`${url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid).sort();

    const first = await startServer(env);
    expect(first.output().stdout).toContain(`data in ${path.join(dataDir, 'wire')}`);
    expect(first.output().stdout).not.toMatch(/"level":40[^\n]*storage/);
    const record = JSON.parse(readFileSync(path.join(dataDir, 'dev-db.json'), 'utf8')) as { uri: string; pid: number };
    expect(record).toEqual({ uri: expect.stringMatching(/^mongodb:\/\/127\.0\.0\.1:\d+\//), pid: first.child.pid });
    const added = await runProcess(
      'dist/cli/index.js',
      ['user', 'add', 'bob', '--email', 'bob@example.com'],
      env,
      'bobs-long-passphrase\n',
    );
    expect([added.code, added.stderr]).toEqual([0, '']);
    const keysBefore = await jwks();

    // A second server on the same folder would write the same files: it refuses in one line naming the holder.
    const second = await runProcess('dist/main.js', [], { ...env, PORT: String(await freePort()) });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`the development database in ${dataDir} is in use by process ${first.child.pid}`);
    expect(second.stderr).not.toMatch(/\n\s+at /);

    await stop(first);
    expect(readdirSync(dataDir).sort()).toEqual(['wire']);
    expect(readdirSync(path.join(dataDir, 'wire'))).toEqual(['data.bson']);

    // No server runs: the CLI opens the folder itself for the command, and frees it afterwards.
    const listed = await runProcess('dist/cli/index.js', ['user', 'list'], env);
    expect([listed.code, listed.stdout]).toEqual([
      0,
      expect.stringMatching(/^username\tstatus\tsub\temail\tmfa\nbob\tactive\t[0-9a-f-]{36}\tbob@example\.com\tno\n$/),
    ]);
    expect(existsSync(path.join(dataDir, 'wire', 'mongo-wire.lock'))).toBe(false);

    const restarted = await startServer(env);
    try {
      expect(await jwks()).toEqual(keysBefore);
      const config = await discover({ url }, 'web');
      const request = await authorizationRequest(config);
      const callback = await signIn(newBrowser(), request, 'bob', 'bobs-long-passphrase');
      const tokens = await exchange(config, callback, request);
      expect(tokens.claims()).toMatchObject({ email: 'bob@example.com' });
    } finally {
      await stop(restarted);
    }
  }, 60_000);

  it('a CLI command meeting a server that is starting waits for its record, then uses its database', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'gatehouse-starting-'));
    // What a starting server holds: the locked folder, its record not written yet.
    const held = await WireServer.start({ dataDir: path.join(folder, 'wire') });
    try {
      const env = { GATEHOUSE_CONFIG: writeConfigFile('port: 3000\n'), GATEHOUSE_DATA_DIR: folder, GATEHOUSE_IN_MEMORY: '' };
      const command = startProcess('dist/cli/index.js', ['user', 'add', 'carol'], env, 'carols-password\n');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const forget = recordDevDatabase(folder, held.uri());
      const result = await command.exited;
      forget();
      expect([result.code, result.stderr]).toEqual([0, '']);
      const client = await MongoClient.connect(held.uri());
      expect(await client.db('gatehouse').collection('accounts').countDocuments({ username: 'carol' })).toBe(1);
      await client.close();
    } finally {
      await held.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a CLI command gives up on a folder held without a record after a few seconds, naming the holder', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'gatehouse-held-'));
    const held = await WireServer.start({ dataDir: path.join(folder, 'wire') });
    try {
      const env = { GATEHOUSE_CONFIG: writeConfigFile('port: 3000\n'), GATEHOUSE_DATA_DIR: folder, GATEHOUSE_IN_MEMORY: '' };
      const result = await runProcess('dist/cli/index.js', ['user', 'list'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `gatehouse: the development database in ${folder} is in use by process ${process.pid} (another Gatehouse server or CLI command): ` +
          'stop it, or set GATEHOUSE_DATA_DIR to another folder, or GATEHOUSE_IN_MEMORY=1 for a throwaway database\n',
      );
    } finally {
      await held.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('the CLI refuses production without MONGODB_URI in one line, never opening the data folder', async () => {
    const config = writeConfigFile('port: 3000\n');
    const untouched = path.join(dataDir, 'never-created');
    const production = await runProcess('dist/cli/index.js', ['user', 'list'], {
      GATEHOUSE_CONFIG: config,
      GATEHOUSE_DATA_DIR: untouched,
      GATEHOUSE_IN_MEMORY: '',
      NODE_ENV: 'production',
    });
    expect([production.code, production.stderr]).toEqual([
      2,
      'gatehouse: no database configured: NODE_ENV=production needs MONGODB_URI, the database the server uses\n',
    ]);
    expect(existsSync(untouched)).toBe(false);
  });
});
