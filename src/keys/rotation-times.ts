// How long rotation keeps an old key published: until the longest-lived token it may have signed has expired.
// (Lifetimes a ttl hook answers are not known here; keep them within the configured ones.)
import type { LoadedConfig } from '../config/load.js';
import type { RotationTimes } from './signing-keys.js';

export function rotationTimes(config: LoadedConfig): RotationTimes {
  const lifetimes = [
    config.ttl.id_token,
    config.ttl.access_token,
    ...config.clients.flatMap((client) => [client.access_token_ttl ?? 0, client.id_token_ttl ?? 0]),
    ...config.resources.map((resource) => resource.access_token_ttl ?? 0),
  ];
  // Instances switch up to one reload interval after activation, so their last tokens are that much younger.
  return { activationDelay: config.keys.activation_delay, retireAfter: Math.max(...lifetimes) + config.keys.reload_interval };
}
