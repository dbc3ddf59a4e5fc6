// `gatehouse dev-db`: runs the in-process MongoDB wire server on its own so several processes share one database.
import { parseArgs } from 'node:util';
import { importDevDependency } from '../storage/dev-dependencies.js';
import { CliError, type Command } from './command.js';

export const devDbCommand: Command = {
  name: 'dev-db',
  usage: 'dev-db [--port N]',
  summary: 'serve an in-memory development database (never for production)',
  async run(args, { stdout }) {
    const { values } = parseArgs({ args, options: { port: { type: 'string', default: '27017' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: not a port number: ${values.port}`, 64);
    // A development dependency: a production install (npm ci --omit=dev) has no wire server, so import it only here.
    const { WireServer } = await importDevDependency(
      '@gatehouse/mongo-wire',
      () => import('@gatehouse/mongo-wire'),
      'so gatehouse dev-db cannot run: install them (npm ci), or set MONGODB_URI to a MongoDB server instead',
    );
    const server = await WireServer.start({ port });
    stdout.write(`${server.uri('gatehouse')}\n`);
    stdout.write('in-memory development database: data is lost when this process stops (Ctrl-C)\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.stop();
    return 0;
  },
};
