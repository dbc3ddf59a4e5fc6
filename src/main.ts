// Composition root of the server process: config → Gatehouse → signals, with exit codes admins can script on.
import { loadConfig } from './config/load.js';
import { GatehouseError } from './errors/gatehouse-error.js';
import { createLogger, logFormat } from './observability/logger.js';
import { prettyDestination } from './observability/pretty-logs.js';
import { startGatehouse } from './gatehouse.js';

async function main(): Promise<void> {
  // `--in-memory` is GATEHOUSE_IN_MEMORY=1 for one run: a throwaway development database.
  const inMemory = process.argv.slice(2).includes('--in-memory');
  const config = loadConfig(inMemory ? { ...process.env, GATEHOUSE_IN_MEMORY: '1' } : process.env);
  const terminal = Boolean(process.stdout.isTTY);
  const pretty = logFormat(config, terminal) === 'pretty';
  const logger = createLogger({ level: config.log_level, destination: pretty ? prettyDestination(process.stdout, terminal) : undefined });
  const gatehouse = await startGatehouse({ config, logger });
  logger.info(
    { issuer: config.issuer, port: gatehouse.port },
    `Gatehouse is serving ${config.issuer} (listening on port ${gatehouse.port})`,
  );

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
  // Gatehouse's own errors print as their lines; anything else is unexpected and prints its message.
  const known = error instanceof GatehouseError;
  for (const line of known ? error.lines() : [`gatehouse: ${error.message}`]) process.stderr.write(`${line}\n`);
  process.exit(known ? error.exitCode : 1);
});
