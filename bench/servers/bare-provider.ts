// Bare node-oidc-provider configured as close to Gatehouse as it allows: the same client, grants, PKCE, rotation,
// algorithms and lifetimes, on any adapter. The bench serves it; the round-trip test counts its MongoDB commands.
import { randomBytes } from 'node:crypto';
import Provider, { errors, type Adapter, type Configuration } from 'oidc-provider';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { STANDARD_SCOPE_CLAIMS } from '../../src/tokens/scopes.js';
import { API, API_SCOPE, CLIENT_METADATA, USER_CLAIMS } from '../fixture.js';

/** The account every pre-minted code belongs to; bare oidc-provider answers it with fixed claims, from no store. */
export const BARE_ACCOUNT_ID = 'bench-owner';
const ACCOUNT_ID = BARE_ACCOUNT_ID;
const DAY = 86_400;

async function signingKeys(): Promise<JWK[]> {
  // The algorithms Gatehouse publishes: RS256 for ID tokens, ES256 for API tokens, EdDSA on offer.
  const keys: JWK[] = [];
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    keys.push({ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg}-bench` });
  }
  return keys;
}

export async function createBareProvider(issuer: string, adapter: (model: string) => Adapter): Promise<Provider> {
  const configuration: Configuration = {
    adapter,
    clients: [CLIENT_METADATA],
    jwks: { keys: (await signingKeys()) as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Plain functions, not async ones, like Gatehouse's hooks where their answer is at hand: the comparison is of the layers.
    findAccount: (_ctx, id) => (id === ACCOUNT_ID ? { accountId: id, claims: () => ({ sub: id, ...USER_CLAIMS }) } : undefined),
    claims: STANDARD_SCOPE_CLAIMS,
    scopes: ['openid', 'offline_access'],
    conformIdTokenClaims: false,
    // Gatehouse's default lifetimes.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 2 * DAY,
      Grant: 14 * DAY,
      Session: 14 * DAY,
      Interaction: 3600,
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== API) throw new errors.InvalidTarget();
          return { audience: API, scope: API_SCOPE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
  };
  return new Provider(issuer, configuration);
}
