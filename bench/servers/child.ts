// Runs a server under test inside a forked child: answers the runner's commands over IPC until told to stop.
import type { MongoClient } from 'mongodb';
import type Provider from 'oidc-provider';
import type { CommandCounts } from '../round-trips.js';
import type { Command, KdfCost, Listening, Reply } from './protocol.js';
import { mintCodes } from './mint.js';

export interface ServerUnderTest {
  url: string;
  storage: string;
  provider(): Provider;
  /** The account the pre-minted codes belong to. */
  accountId: string;
  /** Creates sign-in users named prefix-0, prefix-1, … (Gatehouse only: bare oidc-provider has no login pages). */
  createUsers?(count: number, prefix: string): Promise<string[]>;
  /** MongoDB commands its driver has started so far, by name (servers on MongoDB only). */
  commands?(): CommandCounts;
  /** Times the password KDF as configured (Gatehouse only). */
  kdfCost?(concurrency: number): Promise<KdfCost>;
  close(): Promise<void>;
}

async function handle(server: ServerUnderTest, command: Command): Promise<unknown> {
  switch (command.type) {
    case 'mint-codes':
      return mintCodes(server.provider(), server.accountId, command.count, command.resource);
    case 'create-users':
      if (!server.createUsers) throw new Error('this server has no users to create');
      return server.createUsers(command.count, command.prefix);
    case 'kdf-cost':
      if (!server.kdfCost) throw new Error('this server verifies no passwords');
      return server.kdfCost(command.concurrency);
    case 'commands':
      if (!server.commands) throw new Error('this server sends no MongoDB commands');
      return server.commands();
    case 'cpu-usage': {
      // Microseconds of CPU (user + system) the server process has used so far: per request, steadier than req/s
      // on a machine shared with other work.
      const { user, system } = process.cpuUsage();
      return user + system;
    }
    case 'rss':
      return process.memoryUsage().rss;
    case 'peak-rss':
      // resourceUsage reports kilobytes.
      return process.resourceUsage().maxRSS * 1024;
    case 'stop':
      await server.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

/**
 * Running counts of the commands a client starts, by command and collection ("find oidc_Grant"); the client must be
 * created with monitorCommands, as Gatehouse's is.
 */
export function countCommands(client: MongoClient): () => CommandCounts {
  const counts: CommandCounts = {};
  client.on('commandStarted', (event) => {
    const target: unknown = event.command[event.commandName];
    const key = typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName;
    counts[key] = (counts[key] ?? 0) + 1;
  });
  return () => ({ ...counts });
}

export async function serveUnderBench(start: () => Promise<ServerUnderTest>): Promise<void> {
  if (!process.send) throw new Error('run this through the bench runner (it needs an IPC channel)');
  const server = await start();
  process.on('message', (command: Command) => {
    handle(server, command).then(
      (value) => process.send!({ id: command.id, ok: true, value } satisfies Reply),
      (error: Error) => process.send!({ id: command.id, ok: false, error: error.message } satisfies Reply),
    );
  });
  // The runner going away must not leave a server behind.
  process.on('disconnect', () => void server.close().finally(() => process.exit(0)));
  process.send({ type: 'listening', url: server.url, storage: server.storage } satisfies Listening);
}
