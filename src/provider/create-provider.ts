// The only place oidc-provider options are assembled, from validated config, loaded keys and hooks.
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from 'mongodb';
import type { JWK } from 'jose';
import type { LoadedConfig } from '../config/load.js';
import type { ClaimPolicy } from '../tokens/claims.js';
import type { HookGuard } from '../hooks/hook-failure.js';
import type { HookModule } from '../hooks/types.js';
import { buildTtl } from '../tokens/ttl.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { createMongoAdapter } from '../storage/mongo-adapter.js';
import type { Render } from '../views/render.js';
import { EXTRA_CLIENT_METADATA, toClientMetadata } from './clients.js';
import { existingGrants, remembersOfflineAccess } from './existing-grant.js';
import { logoutPages, renderError } from './pages.js';
import { narrowingPolicy } from './consent-policy.js';
import { resourceIndicators } from './resources.js';
import { introspectionAllowed } from './introspection-policy.js';

export interface ProviderDeps {
  config: Pick<LoadedConfig, 'issuer' | 'clients' | 'scopes' | 'trust_proxy' | 'mount_prefix'>;
  db: Db;
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  render: Render;
  policy: TokenPolicy;
  claims: ClaimPolicy;
  findAccount: NonNullable<Configuration['findAccount']>;
  hooks: HookModule;
  guard: HookGuard;
}

export function createProvider({
  config,
  db,
  jwks,
  cookieKeys,
  render,
  policy,
  claims,
  findAccount,
  hooks,
  guard,
}: ProviderDeps): Provider {
  const { allowed } = policy;
  const configuration: Configuration = {
    adapter: createMongoAdapter(db),
    clients: config.clients.map(toClientMetadata),
    jwks: jwks as Configuration['jwks'],
    cookies: { keys: cookieKeys },
    findAccount,
    // A copy per provider: oidc-provider keeps what it is given, and providers are rebuilt when keys rotate.
    claims: { ...policy.claimsByScope },
    scopes: ['openid', 'offline_access', ...Object.keys(config.scopes)],
    // Claims reach the ID token when config sends them there, not only when no access token is issued.
    conformIdTokenClaims: false,
    extraTokenClaims: claims.extraTokenClaims as Configuration['extraTokenClaims'],
    ttl: buildTtl(policy, hooks, guard),
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA] },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.metadata().require_pkce !== false },
    // Every refresh rotates; presenting a rotated token again revokes the whole grant (oidc-provider's reuse detection).
    rotateRefreshToken: true,
    // Consent is remembered per account and client, across browser sessions, until the grant is revoked or expires.
    loadExistingGrant: existingGrants(db, allowed),
    // oidc-provider drops offline_access from requests without prompt=consent (OIDC Core §11). A refresh token still goes
    // to a client whose grant already holds offline_access (the user allowed it before, a condition §11 accepts) and to
    // first-party clients. The authorization_code grant sets ctx.oidc.entities.Grant before asking.
    issueRefreshToken: async (ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || remembersOfflineAccess(ctx) || client.metadata().first_party === true),
    // For the same reason a code issued on such a grant outlives the session, as one asked with offline_access does: its
    // tokens survive sign-out, and sign-out does not revoke the grant (the remembered consent stays).
    expiresWithSession: async (ctx, code) => !(code.scopes.has('offline_access') || remembersOfflineAccess(ctx)),
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: introspectionAllowed(policy) as never },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, ...logoutPages(render) },
      resourceIndicators: resourceIndicators(policy),
    },
    interactions: {
      url: (_ctx, interaction) => `${config.mount_prefix}/interaction/${interaction.uid}`,
      policy: narrowingPolicy(allowed),
    },
    renderError: renderError(render),
    // The locales the pages can really be shown in (built-in bundles and the config's locale files).
    discovery: { ui_locales_supported: [...render.locales.available] },
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trust_proxy !== false;
  provider.maxIpsCount = config.trust_proxy || 0;
  provider.use(async (ctx, next) => {
    await next();
    // RFC 7662 lets the server add claims to an active introspection response; config says which.
    const body = ctx.body as { active?: boolean; sub?: string; scope?: string } | undefined;
    if (ctx.oidc?.route === 'introspection' && body?.active)
      ctx.body = { ...(await claims.introspectionClaims(ctx as KoaContextWithOIDC, body)), ...body };
  });
  return provider;
}
