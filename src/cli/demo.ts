// `gatehouse demo remove`: deletes the development demo user and client, which production refuses to start with.
import { DEMO_CLIENT_ID, DEMO_USERNAME } from '../demo/seed.js';
import { modelCollection, revokeByClientId } from '../storage/model-collections.js';
import { defineCommand } from './command.js';
import { withDatabase } from './context.js';
import { removeAccount } from './user.js';

export const demoRemoveCommand = defineCommand({
  name: 'demo remove',
  summary: 'remove the development demo user and client',
  description: [
    `Deletes the user "${DEMO_USERNAME}" as \`gatehouse user remove\` does, and the client "${DEMO_CLIENT_ID}" with its grants and tokens.`,
    'What `gatehouse doctor` and a production start ask for when the development demo is still in the database. ' +
      'A development server with `demo: true` creates the demo again at its next start on a database without accounts; ' +
      'set `demo: false` to stop that.',
  ],
  async run(_parsed, { env, stdout }) {
    return withDatabase(env, async (context) => {
      const { db, accounts, audit } = context;
      const lines: string[] = [];
      if (await accounts.findByUsername(DEMO_USERNAME)) lines.push(await removeAccount(context, DEMO_USERNAME));
      const { deletedCount } = await modelCollection(db, 'Client').deleteOne({ _id: DEMO_CLIENT_ID });
      if (deletedCount) {
        const revoked = await revokeByClientId(db, DEMO_CLIENT_ID);
        await audit.record({ type: 'client.removed', client: DEMO_CLIENT_ID, detail: { revoked, via: 'cli' } });
        lines.push(`removed client "${DEMO_CLIENT_ID}"; revoked ${revoked} grant(s) and token(s)`);
      }
      stdout.write(`${lines.length ? lines.join('\n') : 'no demo user or client: nothing to remove'}\n`);
      return 0;
    });
  },
});

export const demoCommands = [demoRemoveCommand];
