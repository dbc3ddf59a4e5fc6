// `gatehouse dev-db` serves a database other processes share through MONGODB_URI.
import { describe, it, expect } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { freePort, writeConfigFile } from '../helpers/harness.js';
import { startProcess, runProcess } from '../helpers/run-process.js';

describe('gatehouse dev-db', () => {
  it('prints a mongodb:// URI that a Gatehouse server process and the driver share', async () => {
    const dbPort = await freePort();
    const devDb = startProcess('dist/cli/index.js', ['dev-db', '--port', String(dbPort)], {});
    const gatehousePort = await freePort();
    try {
      await devDb.waitFor(/mongodb:\/\/127\.0\.0\.1:\d+\/gatehouse/);
      const uri = /mongodb:\/\/\S+/.exec(devDb.output().stdout)![0];
      expect(uri).toContain(`127.0.0.1:${dbPort}`);

      const server = startProcess('dist/main.js', [], { GATEHOUSE_CONFIG: writeConfigFile(`port: ${gatehousePort}\n`), MONGODB_URI: uri });
      try {
        await server.waitFor(/Gatehouse is serving/);
        const jwks = (await (await fetch(`http://127.0.0.1:${gatehousePort}/jwks`)).json()) as { keys: { kid: string }[] };
        const client = await MongoClient.connect(uri);
        try {
          const stored = await client.db('gatehouse').collection<{ kid: string }>('keys').find().toArray();
          expect(stored.map((key) => key.kid).sort()).toEqual(jwks.keys.map((key) => key.kid).sort());
        } finally {
          await client.close();
        }
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    } finally {
      devDb.child.kill('SIGTERM');
    }
    expect((await devDb.exited).code).toBe(0);
  });

  it('gatehouse config check validates without starting anything', async () => {
    const good = await runProcess('dist/cli/index.js', ['config', 'check'], { GATEHOUSE_CONFIG: writeConfigFile('port: 4000\n') });
    expect([good.code, good.stdout]).toEqual([0, expect.stringMatching(/: ok \(issuer http:\/\/localhost:4000, 0 client\(s\)\)/)]);
    const bad = await runProcess('dist/cli/index.js', ['config', 'check'], { GATEHOUSE_CONFIG: writeConfigFile('port: x\n') });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/gatehouse\.yaml:1: port: wrong type/)]);
  });

  it('gatehouse config check explains what default_resource does to clients and /userinfo', async () => {
    const yaml = [
      'resources:\n  - indicator: https://api.example.com\n    scopes: { "read:orders": Read your orders }',
      'default_resource: https://api.example.com',
    ].join('\n');
    const checked = await runProcess('dist/cli/index.js', ['config', 'check'], { GATEHOUSE_CONFIG: writeConfigFile(`${yaml}\n`) });
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(
      'note: default_resource: a request from every client with no resource parameter that asks for one of read:orders gets an access token ' +
        'for https://api.example.com; /userinfo refuses such a token',
    );
  });
});
