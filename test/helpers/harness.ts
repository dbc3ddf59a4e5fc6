// Starts a real Gatehouse on a random port from a YAML config written for the test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { freePort } from './free-port.js';

export function writeConfigFile(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-test-'));
  const file = path.join(dir, 'gatehouse.yaml');
  writeFileSync(file, yaml);
  return file;
}

export { freePort };

export interface HarnessOptions {
  mongoUri: string;
  dbName: string;
  /** Extra YAML appended to the base config (clients, ttl, …). */
  yaml?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Receives the JSON log lines (otherwise logging is off). */
  logTo?: NodeJS.WritableStream;
}

export async function startTestGatehouse({ mongoUri, dbName, yaml = '', port, env = {}, logTo }: HarnessOptions): Promise<Gatehouse> {
  const listenPort = port ?? (await freePort());
  const file = writeConfigFile(`port: ${listenPort}\nhost: 127.0.0.1\nmongodb:\n  database: ${dbName}\n${yaml}`);
  const fullEnv = { ...env, GATEHOUSE_CONFIG: file, MONGODB_URI: mongoUri };
  const config = loadConfig(fullEnv);
  const logger = logTo ? createLogger({ level: 'debug', destination: logTo }) : createLogger({ level: 'silent' });
  return startGatehouse({ config, logger });
}
