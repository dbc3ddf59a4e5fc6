// The only place oidc-provider options are assembled, from validated config and loaded keys.
import Provider, { type Configuration } from 'oidc-provider';
import type { Db } from 'mongodb';
import type { JWK } from 'jose';
import type { LoadedConfig } from '../config/load.js';
import type { AccountStore } from '../accounts/account-store.js';
import { createFindAccount } from '../accounts/find-account.js';
import { createMongoAdapter } from '../storage/mongo-adapter.js';
import type { Render } from '../views/render.js';
import { EXTRA_CLIENT_METADATA, toClientMetadata } from './clients.js';
import { scopeClaims } from './scopes.js';
import { loadExistingGrant } from './first-party-grant.js';
import { logoutPages, renderError } from './pages.js';

export interface ProviderDeps {
  config: LoadedConfig;
  db: Db;
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  accounts: AccountStore;
  render: Render;
}

export function createProvider({ config, db, jwks, cookieKeys, accounts, render }: ProviderDeps): Provider {
  const configuration: Configuration = {
    adapter: createMongoAdapter(db),
    clients: config.clients.map(toClientMetadata),
    jwks: jwks as Configuration['jwks'],
    cookies: { keys: cookieKeys },
    findAccount: createFindAccount(accounts),
    claims: scopeClaims(config),
    scopes: ['openid', 'offline_access', ...Object.keys(config.scopes)],
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA] },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.metadata().require_pkce !== false },
    // Every refresh rotates; presenting a rotated token again revokes the whole grant (oidc-provider's reuse detection).
    rotateRefreshToken: true,
    loadExistingGrant,
    // OIDC Core drops offline_access unless prompt=consent; first-party clients get refresh tokens without that dance.
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || client.metadata().first_party === true),
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, ...logoutPages(render) },
    },
    interactions: { url: (_ctx, interaction) => `${mountPrefix(config.mount_path)}/interaction/${interaction.uid}` },
    renderError: renderError(render),
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trust_proxy;
  return provider;
}

export function mountPrefix(mountPath: string): string {
  return mountPath === '/' ? '' : mountPath;
}
