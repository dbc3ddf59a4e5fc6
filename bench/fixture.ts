// What every server under test shares: the relying party, the API, the user and the PKCE pair, so runs compare alike.
import { createHash } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';

export const CLIENT_ID = 'bench-app';
export const CLIENT_SECRET = 'bench-secret-0123456789abcdef0123456789ab';
export const REDIRECT_URI = 'http://127.0.0.1:9/cb';
export const API = 'https://api.bench.example';
export const API_SCOPE = 'orders:read';
/** Scopes of a sign-in: the refresh token (offline_access) needs prompt=consent, which the scripted users send. */
export const SCOPE = 'openid profile email offline_access';
export const USER_CLAIMS = {
  name: 'Bench User',
  given_name: 'Bench',
  family_name: 'User',
  email: 'bench@example.com',
  email_verified: true,
  locale: 'en',
};
export const USER_PASSWORD = 'bench password that is long enough';

// One verifier for every pre-minted code: PKCE is still checked (hashed) on each exchange.
export const CODE_VERIFIER = 'bench-verifier-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ';
export const CODE_CHALLENGE = createHash('sha256').update(CODE_VERIFIER).digest('base64url');

export const BASIC_AUTH = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;

/** A short name for where the data lives, for the results table (the start-up log line is longer). */
export function storageLabel(kind: string): string {
  if (kind === 'wire-server') return 'the in-process MongoDB wire-protocol server (no mongod on this machine)';
  if (kind === 'mongodb-memory-server') return 'an embedded mongod (mongodb-memory-server)';
  return 'MongoDB at MONGODB_URI';
}

/** A database of the bench's own, dropped when it ends (never one an admin could be using). */
export function benchDatabase(kind: string): string {
  return `bench_${kind}_${process.pid}_${Date.now()}`;
}

/** Gatehouse's config file for the bench: its shipped defaults plus one client and one API. */
export function gatehouseYaml(port: number, database: string): string {
  return `port: ${port}
host: 127.0.0.1
demo: false
mongodb:
  database: ${database}
resources:
  - indicator: ${API}
    scopes: { "${API_SCOPE}": Read your orders }
clients:
  - client_id: ${CLIENT_ID}
    client_name: Bench App
    client_secret: \${BENCH_CLIENT_SECRET}
    redirect_uris: [${REDIRECT_URI}]
    grant_types: [authorization_code, refresh_token]
    scope: ${SCOPE} ${API_SCOPE}
`;
}

/** The same client as RFC 7591 metadata, for bare oidc-provider (which has no per-client scope narrowing for APIs). */
export const CLIENT_METADATA: ClientMetadata = {
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  client_name: 'Bench App',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};
