// `gatehouse keys list|rotate`: the signing key ring, and staged rotation that never breaks a relying party.
import { keyState, listSigningKeys, rotateSigningKeys } from '../keys/signing-keys.js';
import { rotationTimes } from '../keys/rotation-times.js';
import { defineCommand } from './command.js';
import { withDatabase } from './context.js';

const iso = (date: Date | undefined) => (date ? date.toISOString() : '-');

export const keysListCommand = defineCommand({
  name: 'keys list',
  summary: 'show each signing key: algorithm, kid, state and its dates',
  async run(_parsed, { env, stdout }) {
    return withDatabase(env, async ({ db }) => {
      const now = new Date();
      stdout.write('alg\tgeneration\tstate\tkid\tcreated\tactivates\tretires\n');
      for (const key of await listSigningKeys(db))
        stdout.write(
          `${key.alg}\t${key.generation}\t${keyState(key, now)}\t${key.kid}\t${iso(key.createdAt)}\t${iso(key.activatesAt)}\t${iso(key.retiresAt)}\n`,
        );
      return 0;
    });
  },
});

export const keysRotateCommand = defineCommand({
  name: 'keys rotate',
  summary: 'add new signing keys: published now, signing after keys.activation_delay; old keys retire once their tokens expire',
  async run(_parsed, { env, stdout }) {
    return withDatabase(
      env,
      async ({ config, db, audit }) => {
        const times = rotationTimes(config);
        const created = await rotateSigningKeys(db, config.key_encryption_key, times);
        await audit.record({
          type: 'keys.rotated',
          detail: { kids: created.map((key) => key.kid).join(','), activatesAt: created[0]!.activatesAt.toISOString() },
        });
        for (const key of created)
          stdout.write(`added ${key.alg} key ${key.kid}: published now, signs from ${key.activatesAt.toISOString()}\n`);
        stdout.write(`replaced keys stay published for ${times.retireAfter} s after that (the longest token lifetime), then retire\n`);
        return 0;
        // Rotation times depend on every configured token lifetime, clients' included.
      },
      undefined,
    );
  },
});

export const keysCommands = [keysListCommand, keysRotateCommand];
