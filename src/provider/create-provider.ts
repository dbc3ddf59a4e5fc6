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
import { READ_AHEAD_JOINS } from './read-ahead-joins.js';
import type { Render } from '../views/render.js';
import { accountClient, EXTRA_CLIENT_METADATA, toClientMetadata } from './clients.js';
import { addMfaPrompt, SUPPORTED_ACR_VALUES } from './mfa-policy.js';
import { existingGrants } from './existing-grant.js';
import { OFFLINE_ACCESS_ASKED, recordOfflineAccessAsked } from './offline-access.js';
import { logoutPages, renderError } from './pages.js';
import { narrowingPolicy } from './consent-policy.js';
import { resourceIndicators } from './resources.js';
import { introspectionAllowed } from './introspection-policy.js';
import { jwtIntrospection } from './jwt-introspection.js';
import { outgoingFetch } from './logout-fetch.js';

export interface ProviderDeps {
  config: Pick<LoadedConfig, 'issuer' | 'clients' | 'scopes' | 'trust_proxy' | 'mount_prefix' | 'backchannel_logout' | 'mfa' | 'account'>;
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
  const allowedToIntrospect = introspectionAllowed(policy);
  const configuration: Configuration = {
    adapter: createMongoAdapter(db, READ_AHEAD_JOINS),
    clients: [...config.clients.map(toClientMetadata), ...(config.account.enabled ? [accountClient(config.issuer)] : [])],
    jwks: jwks as Configuration['jwks'],
    cookies: { keys: cookieKeys },
    findAccount,
    // A copy per provider: oidc-provider keeps what it is given, and providers are rebuilt when keys rotate. How the user
    // signed in (acr, amr) and when (auth_time) go with openid: oidc-provider releases them only when a scope lists them.
    claims: { ...policy.claimsByScope, openid: [...(policy.claimsByScope.openid ?? []), 'acr', 'amr', 'auth_time'] },
    acrValues: SUPPORTED_ACR_VALUES,
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
    // A refresh token goes to requests that asked for offline_access and were allowed it (with prompt=consent, or on a
    // grant that already holds it: see offline-access.ts), and to first-party clients.
    extraParams: { [OFFLINE_ACCESS_ASKED]: recordOfflineAccessAsked },
    issueRefreshToken: (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || client.metadata().first_party === true),
    // Tokens of an offline_access code survive sign-out, and sign-out does not revoke its grant (the remembered consent).
    expiresWithSession: (_ctx, code) => !code.scopes.has('offline_access'),
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: allowedToIntrospect as never },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, ...logoutPages(render) },
      // Sign-out POSTs a logout token to each client of the session that registered a backchannel_logout_uri.
      backchannelLogout: { enabled: true },
      resourceIndicators: resourceIndicators(policy),
    },
    interactions: {
      url: (_ctx, interaction) => `${config.mount_prefix}/interaction/${interaction.uid}`,
      policy: addMfaPrompt(narrowingPolicy(allowed), { required: config.mfa.required }),
    },
    renderError: renderError(render),
    fetch: outgoingFetch(config),
    // The locales the pages can really be shown in (built-in bundles and the config's locale files).
    discovery: { ui_locales_supported: [...render.locales.available] },
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trust_proxy !== false;
  provider.maxIpsCount = config.trust_proxy || 0;
  const answerJwtIntrospection = jwtIntrospection(config.issuer, jwks, allowedToIntrospect, findAccount);
  const introspectionSteps = async (ctx: KoaContextWithOIDC) => {
    await answerJwtIntrospection(ctx);
    // RFC 7662 lets the server add claims to an active introspection response (JWT access tokens' too); config says which.
    const body = ctx.body as { active?: boolean; sub?: string; scope?: string } | undefined;
    if (body?.active) ctx.body = { ...(await claims.introspectionClaims(ctx, body)), ...body };
  };
  // One layer for both introspection steps, and no async function of its own: each costs every provider request a promise.
  provider.use((ctx, next) =>
    next().then(() => (ctx.oidc?.route === 'introspection' ? introspectionSteps(ctx as KoaContextWithOIDC) : undefined)),
  );
  return provider;
}
