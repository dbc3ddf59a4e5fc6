// `gatehouse keys list|rotate`: the signing key ring, and staged rotation that never breaks a relying party.
import { keyState, listSigningKeys, rotateSigningKeys } from '../keys/signing-keys.js';
import { rotationTimes } from '../keys/rotation-times.js';
import { formatDuration } from '../config/duration.js';
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
  summary: 'add signing keys; they sign after keys.activation_delay',
  description: [
    'The new keys are stored at once; running instances look for them every keys.reload_interval and then serve them in /jwks. ' +
      'They sign only after keys.activation_delay, which the config requires to be at least keys.reload_interval plus ' +
      'keys.jwks_cache_lifetime, so relying parties have fetched them first. The keys they replace stay published until every ' +
      'token they signed has expired, then retire. It prints the times.',
  ],
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
        const { keys } = config;
        const reload = formatDuration(keys.reload_interval);
        const activatesAt = created[0]!.activatesAt;
        for (const key of created) stdout.write(`added ${key.alg} key ${key.kid}\n`);
        stdout.write(
          [
            // Truthful about where the key is now: in the database, not yet in any instance's /jwks.
            `published: running instances serve the new keys in /jwks within ${reload} (keys.reload_interval), ` +
              `by ${new Date(Date.now() + keys.reload_interval * 1000).toISOString()}`,
            `signing: from ${activatesAt.toISOString()} (keys.activation_delay ${formatDuration(keys.activation_delay)}), each instance ` +
              `within ${reload} of that; relying parties caching /jwks up to ${formatDuration(keys.jwks_cache_lifetime)} ` +
              '(keys.jwks_cache_lifetime) have them by then',
            `retiring: keys they replace stay published until ${new Date(activatesAt.getTime() + times.retireAfter * 1000).toISOString()} ` +
              `(${formatDuration(times.retireAfter)}: the longest token lifetime plus keys.reload_interval), then retire`,
            '',
          ].join('\n'),
        );
        return 0;
        // Rotation times depend on every configured token lifetime, clients' included.
      },
      undefined,
    );
  },
});

export const keysCommands = [keysListCommand, keysRotateCommand];
