// `gatehouse dev-db`: runs the in-process MongoDB wire server on its own so several processes share one database.
import { importDevDependency } from '../storage/dev-dependencies.js';
import { defineCommand, UsageError } from './command.js';

export const devDbCommand = defineCommand({
  name: 'dev-db',
  summary: 'serve an in-memory development database (never for production)',
  description: ['Prints its mongodb:// URI; give it to the server and the CLI as MONGODB_URI. Stop it with Ctrl-C.'],
  options: { port: { type: 'string', value: 'N', default: '27017', help: 'the TCP port (0 picks a free one)' } },
  async run({ values }, { stdout }) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: not a port number: ${values.port}`);
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
});
