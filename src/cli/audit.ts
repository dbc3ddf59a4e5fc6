// `gatehouse audit tail`: recent audit events, optionally for one user or client, since a duration ago.
import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';
import { AuditLog } from '../audit/audit-log.js';
import { CliError, type Command } from './command.js';
import { withDatabase } from './context.js';

/** Usernames are typed by strangers: control characters must not reach the operator's terminal. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must not reach the terminal
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const auditTailCommand: Command = {
  name: 'audit tail',
  usage: 'audit tail [--user U] [--client C] [--since 1h] [--limit N]',
  summary: 'print recent audit events, oldest first',
  async run(args, { env, stdout }) {
    const { values } = parseArgs({
      args,
      options: {
        user: { type: 'string' },
        client: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string', default: '100' },
      },
    });
    let since: Date | undefined;
    try {
      since = values.since ? new Date(Date.now() - parseDuration(values.since) * 1000) : undefined;
    } catch (error) {
      throw new CliError(`--since: ${(error as Error).message}`, 64);
    }
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit: expected a positive integer, got "${values.limit}"`, 64);
    return withDatabase(env, async ({ db }) => {
      for (const event of await new AuditLog(db).query({ user: values.user, client: values.client, since }, limit)) {
        const who = [
          event.user && `user=${event.user}`,
          event.client && `client=${event.client}`,
          event.ip && `ip=${event.ip}`,
          event.count && `count=${event.count}`,
        ]
          .filter(Boolean)
          .join(' ');
        const detail = event.detail ? ` ${JSON.stringify(event.detail)}` : '';
        stdout.write(`${event.at.toISOString()}\t${event.type}\t${printable(who + detail)}\n`);
      }
      return 0;
    });
  },
};
