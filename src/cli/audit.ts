// `gatehouse audit tail`: recent audit events, optionally for one user or client, since a duration ago.
import { parseDuration } from '../config/duration.js';
import { AuditLog } from '../audit/audit-log.js';
import { defineCommand, UsageError } from './command.js';
import { withDatabase } from './context.js';
import { printable } from './printable.js';

export const auditTailCommand = defineCommand({
  name: 'audit tail',
  summary: 'print recent audit events, oldest first',
  options: {
    user: { type: 'string', value: 'USERNAME', help: "only this user's events" },
    client: { type: 'string', value: 'CLIENT_ID', help: "only this client's events" },
    since: { type: 'string', value: 'DURATION', help: 'only events newer than this, e.g. 1h or 7d' },
    limit: { type: 'string', value: 'N', default: '100', help: 'at most N events, the most recent ones' },
  },
  async run({ values }, { env, stdout }) {
    let since: Date | undefined;
    try {
      since = values.since ? new Date(Date.now() - parseDuration(values.since) * 1000) : undefined;
    } catch (error) {
      throw new UsageError(`--since: ${(error as Error).message}`);
    }
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${values.limit}"`);
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
});
