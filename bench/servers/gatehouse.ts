// Server under test: Gatehouse as it ships (its defaults, access log on, storage chosen as `npm start --in-memory` would).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGatehouse } from '../../src/gatehouse.js';
import { AccountStore } from '../../src/accounts/account-store.js';
import { hashPassword, hashingPolicy, verifyPassword, type HashingPolicy } from '../../src/accounts/password.js';
import { CLIENT_SECRET, benchDatabase, storageLabel, USER_CLAIMS, USER_PASSWORD, gatehouseYaml } from '../fixture.js';
import { countCommands, serveUnderBench } from './child.js';

/** For the results table (a `$`-separated hash prefix would read as math in Markdown). */
function describe(policy: HashingPolicy): string {
  return policy.algorithm === 'scrypt'
    ? `scrypt N=${policy.N}, r=${policy.r}, p=${policy.p}`
    : `argon2id m=${policy.memoryKib} KiB, t=${policy.iterations}, p=${policy.parallelism}`;
}

await serveUnderBench(async () => {
  const port = Number(process.argv[2]);
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-'));
  const file = path.join(dir, 'gatehouse.yaml');
  // Command monitoring (to count commands) costs CPU per command: only in the round-trip run, never under load.
  const counting = process.argv[3] === 'count-commands';
  writeFileSync(file, gatehouseYaml(port, benchDatabase('gatehouse')) + (counting ? 'metrics:\n  mongodb_commands: true\n' : ''));
  // Throwaway storage like the other targets (and nothing written to the project's .gatehouse/); MONGODB_URI still wins.
  const env = { ...process.env, GATEHOUSE_CONFIG: file, BENCH_CLIENT_SECRET: CLIENT_SECRET, GATEHOUSE_IN_MEMORY: '1' };
  const config = loadConfig(env);
  const gatehouse = await startGatehouse({ config, logger: createLogger({ level: config.log_level }) });
  const accounts = new AccountStore(gatehouse.db);
  const params = hashingPolicy(config.password_hashing);
  const owner = await accounts.create('bench-owner', await hashPassword(USER_PASSWORD, params), USER_CLAIMS);
  return {
    url: gatehouse.url.replace('localhost', '127.0.0.1'),
    storage: storageLabel(gatehouse.storage.kind),
    provider: gatehouse.provider,
    accountId: owner._id,
    commands: counting ? countCommands(gatehouse.db.client) : undefined,
    async createUsers(count: number, prefix: string) {
      const hash = await hashPassword(USER_PASSWORD, params);
      const names = Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
      // One hash for all: what is measured is verification at sign-in, not account creation.
      for (const name of names) await accounts.create(name, hash, USER_CLAIMS);
      return names;
    },
    async kdfCost(concurrency: number) {
      const hash = await hashPassword(USER_PASSWORD, params);
      const SAMPLES = 5;
      let started = performance.now();
      for (let index = 0; index < SAMPLES; index++) await verifyPassword(USER_PASSWORD, hash);
      const msPerVerification = (performance.now() - started) / SAMPLES;
      const ROUNDS = 3;
      started = performance.now();
      for (let round = 0; round < ROUNDS; round++)
        await Promise.all(Array.from({ length: concurrency }, () => verifyPassword(USER_PASSWORD, hash)));
      const perSecondAtConcurrency = (ROUNDS * concurrency) / ((performance.now() - started) / 1000);
      return { params: describe(params), msPerVerification, perSecondAtConcurrency, concurrency };
    },
    async close() {
      await gatehouse.db.dropDatabase().catch(() => {});
      await gatehouse.close();
    },
  };
});
