// Structured logging (pino: JSON, or readable lines in development); secrets are redacted by path as a second line of defence.
import { pino, type Logger } from 'pino';
import { batchedStdout } from './log-destination.js';

export type { Logger };

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'client_secret',
  '*.client_secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** JSON in production and wherever a machine reads the logs; readable lines in development on a terminal. */
export function logFormat(
  config: { production: boolean; log_format: 'json' | 'pretty' | undefined },
  terminal: boolean,
): 'json' | 'pretty' {
  if (config.production) return 'json';
  return config.log_format ?? (terminal ? 'pretty' : 'json');
}

/**
 * Without a destination, logs go to stdout in batches (see log-destination.ts): one write per event-loop turn instead
 * of one per line.
 */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream | pino.DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: { service: 'gatehouse' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    (options.destination ?? batchedStdout()) as pino.DestinationStream,
  );
}
