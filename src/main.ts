// Composition root of the server process: config → Gatehouse → signals, with exit codes admins can script on.
import { loadConfig } from './config/load.js';
import { ConfigError } from './config/errors.js';
import { createLogger } from './logger.js';
import { startGatehouse, StartupRefused } from './gatehouse.js';

const logger = createLogger({ level: process.env.LOG_LEVEL });

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const gatehouse = await startGatehouse({ config, env: process.env, logger });
  logger.info({ issuer: config.issuer, port: gatehouse.port }, `Gatehouse is serving ${config.issuer} (listening on port ${gatehouse.port})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    gatehouse.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error({ err: { message: error.message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: Error) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`${problem}\n`);
    process.exit(2);
  }
  if (error instanceof StartupRefused) for (const reason of error.reasons) process.stderr.write(`${reason}\n`);
  else process.stderr.write(`gatehouse: ${error.message}\n`);
  process.exit(1);
});
