// Structured JSON logging (pino); secrets are redacted by path as a second line of defence.
import { pino, type Logger } from 'pino';

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

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: { service: 'gatehouse' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    options.destination as pino.DestinationStream | undefined,
  );
}
