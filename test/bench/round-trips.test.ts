// MongoDB commands per request on the budgeted paths, Gatehouse beside bare oidc-provider on the same adapter and server.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import { hashPassword } from '../../src/accounts/password.js';
import { connectDatabase, type Database } from '../../src/storage/connect.js';
import { createModelIndexes } from '../../src/storage/model-collections.js';
import { createMongoAdapter } from '../../src/storage/mongo-adapter.js';
import { CLIENT_SECRET, USER_CLAIMS, USER_PASSWORD, gatehouseYaml } from '../../bench/fixture.js';
import { mintCodes } from '../../bench/servers/mint.js';
import { BARE_ACCOUNT_ID, createBareProvider } from '../../bench/servers/bare-provider.js';
import { countCommands } from '../../bench/servers/child.js';
import { PROTOCOL_PATHS, countRoundTrips, total, type RoundTrips } from '../../bench/round-trips.js';
import { PROTOCOL_BUDGET, SIGN_IN_BUDGET, budgetCounts } from '../../bench/round-trip-budget.js';
import { freePort, writeConfigFile } from '../helpers/harness.js';
import { TEST_PASSWORD_HASHING } from '../helpers/oidc-flow.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
let gatehouse: Gatehouse;
let bare: { server: Server; database: Database };
let gatehouseCounts: RoundTrips;
let bareCounts: RoundTrips;

beforeAll(async () => {
  storage = await startTestStorage();
  const port = await freePort();
  const file = writeConfigFile(
    // Command monitoring on (metrics.mongodb_commands) so commands can be counted; it changes no command sent.
    `${gatehouseYaml(port, storage.dbName)}password_hashing:\n  argon2_memory_kib: ${TEST_PASSWORD_HASHING.memoryKib}\n` +
      'metrics:\n  mongodb_commands: true\n',
  );
  const config = loadConfig({ GATEHOUSE_CONFIG: file, MONGODB_URI: storage.uri, BENCH_CLIENT_SECRET: CLIENT_SECRET });
  gatehouse = await startGatehouse({ config, logger: createLogger({ level: 'silent' }) });
  const accounts = new AccountStore(gatehouse.db);
  const owner = await accounts.create('owner', await hashPassword(USER_PASSWORD, TEST_PASSWORD_HASHING), USER_CLAIMS);
  await accounts.create('signer', await hashPassword(USER_PASSWORD, TEST_PASSWORD_HASHING), USER_CLAIMS);
  const gatehouseCommands = countCommands(gatehouse.db.client);
  gatehouseCounts = await countRoundTrips({
    url: gatehouse.url.replace('localhost', '127.0.0.1'),
    commands: async () => gatehouseCommands(),
    mintCodes: (count) => mintCodes(gatehouse.provider(), owner._id, count),
    user: { username: 'signer', password: USER_PASSWORD },
  });

  const database = await connectDatabase(storage.uri, `${storage.dbName}_bare`, { monitorCommands: true });
  await createModelIndexes(database.db);
  const barePort = await freePort();
  const provider = await createBareProvider(`http://127.0.0.1:${barePort}`, createMongoAdapter(database.db));
  const server = createServer(provider.callback());
  server.listen(barePort, '127.0.0.1');
  await once(server, 'listening');
  bare = { server, database };
  const bareCommands = countCommands(database.client);
  bareCounts = await countRoundTrips({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    commands: async () => bareCommands(),
    mintCodes: (count) => mintCodes(provider, BARE_ACCOUNT_ID, count),
  });
}, 120_000);

afterAll(async () => {
  bare?.server.closeAllConnections();
  await new Promise((resolve) => bare?.server.close(resolve));
  await bare?.database.db.dropDatabase().catch(() => {});
  await bare?.database.client.close();
  await gatehouse?.close();
  await storage?.stop();
});

describe('MongoDB round trips per request (the budget in bench/round-trip-budget.ts)', () => {
  it('spends exactly the budgeted commands on each protocol path', () => {
    const measured = Object.fromEntries(PROTOCOL_PATHS.map((path) => [path, gatehouseCounts[path]]));
    // A diff here names the path and the command: update the budget in the same commit if the change is meant.
    expect(measured).toEqual(PROTOCOL_BUDGET);
  });

  it('spends no more commands than bare oidc-provider on the same adapter, path by path', () => {
    const over = PROTOCOL_PATHS.filter((path) => total(gatehouseCounts[path]) > total(bareCounts[path])).map(
      (path) => `${path}: Gatehouse ${JSON.stringify(gatehouseCounts[path])}, bare ${JSON.stringify(bareCounts[path])}`,
    );
    expect(over).toEqual([]);
    // Bare oidc-provider does touch storage where expected, so the comparison is not vacuous.
    expect(total(bareCounts.code)).toBeGreaterThan(0);
  });

  it('spends exactly the budgeted commands on a sign-in with remembered consent, each one justified', () => {
    expect(gatehouseCounts['sign-in']).toEqual(budgetCounts(SIGN_IN_BUDGET));
  });
});
