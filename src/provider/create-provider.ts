// The only place oidc-provider options are assembled, from validated config and loaded keys.
import Provider, { type Configuration } from 'oidc-provider';
import type { Db } from 'mongodb';
import type { JWK } from 'jose';
import type { LoadedConfig } from '../config/load.js';
import { createMongoAdapter } from '../storage/mongo-adapter.js';
import { EXTRA_CLIENT_METADATA, toClientMetadata } from './clients.js';

export interface ProviderDeps {
  config: LoadedConfig;
  db: Db;
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

export function createProvider({ config, db, jwks, cookieKeys }: ProviderDeps): Provider {
  const configuration: Configuration = {
    adapter: createMongoAdapter(db),
    clients: config.clients.map(toClientMetadata),
    jwks: jwks as Configuration['jwks'],
    cookies: { keys: cookieKeys },
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA] },
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.metadata().require_pkce !== false },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `${mountPrefix(config.mount_path)}/interaction/${interaction.uid}` },
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trust_proxy;
  return provider;
}

export function mountPrefix(mountPath: string): string {
  return mountPath === '/' ? '' : mountPath;
}
