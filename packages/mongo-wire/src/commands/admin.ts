// Handshake and server-level commands: hello/isMaster, ping, buildInfo, set/getParameter, endSessions, listDatabases.
import type { Document } from 'mongodb';
import { WireError } from '../errors.js';
import type { CommandContext, CommandHandler } from './context.js';

export const SERVER_VERSION = '7.0.0-gatehouse-wire';

/**
 * No topologyVersion (keeps the driver on plain polling instead of streaming hello) and no
 * compression list (we only speak uncompressed OP_MSG).
 */
export function helloReply(ctx: Pick<CommandContext, 'connectionId' | 'settings'>): Document {
  return {
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: ctx.settings.maxMessageBytes,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

const hello: CommandHandler = (_body, ctx) => helloReply(ctx);

const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  versionArray: [7, 0, 0, 0],
  gitVersion: 'gatehouse-wire',
  bits: 64,
  maxBsonObjectSize: 16 * 1024 * 1024,
  javascriptEngine: 'none',
  ok: 1,
});

/** Parameters that exist in the body of a setParameter/getParameter but are not parameters. */
const NON_PARAMETER_FIELDS = new Set(['setParameter', 'getParameter', '$db', 'lsid', '$readPreference', '$clusterTime', 'comment']);

function requireAdmin(ctx: CommandContext, command: string): void {
  if (ctx.db !== 'admin') throw new WireError('Unauthorized', `${command} may only be run against the admin database.`);
}

const setParameter: CommandHandler = (body, ctx) => {
  requireAdmin(ctx, 'setParameter');
  const names = Object.keys(body).filter((k) => !NON_PARAMETER_FIELDS.has(k));
  if (names.length === 0) throw new WireError('BadValue', 'no option found to set, use help:true to see options');
  const reply: Document = { ok: 1 };
  for (const name of names) {
    if (name !== 'ttlMonitorSleepSecs') {
      throw new WireError(
        'InvalidOptions',
        `attempted to set unrecognized parameter [${name}]; this server supports only ttlMonitorSleepSecs`,
      );
    }
    const value = body[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new WireError('BadValue', 'ttlMonitorSleepSecs must be a positive integer');
    }
    reply.was = ctx.settings.ttlMonitorSleepSecs;
    ctx.settings.ttlMonitorSleepSecs = value;
  }
  return reply;
};

const getParameter: CommandHandler = (body, ctx) => {
  requireAdmin(ctx, 'getParameter');
  const names = Object.keys(body).filter((k) => !NON_PARAMETER_FIELDS.has(k));
  if (body.getParameter === '*' || names.includes('ttlMonitorSleepSecs')) {
    return { ttlMonitorSleepSecs: ctx.settings.ttlMonitorSleepSecs, ok: 1 };
  }
  throw new WireError('InvalidOptions', 'no option found to get');
};

const listDatabases: CommandHandler = (body, ctx) => {
  requireAdmin(ctx, 'listDatabases');
  const names = ctx.store.databaseNames();
  const databases = names.map((name) => ({ name, sizeOnDisk: 0, empty: false }));
  return body.nameOnly ? { databases: names.map((name) => ({ name })), ok: 1 } : { databases, totalSize: 0, ok: 1 };
};

export const adminCommands: Record<string, CommandHandler> = {
  hello,
  ismaster: hello,
  isMaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  setParameter,
  getParameter,
  // Sessions are accepted for the driver's sake but carry no server state here.
  endSessions: () => ({ ok: 1 }),
  listDatabases,
  configureFailPoint: (body, ctx) => {
    requireAdmin(ctx, 'configureFailPoint');
    return ctx.settings.failPoints.configure(body);
  },
};
