// Development only: on an empty database, a demo user and a demo client so a newcomer can sign in at once.
import type { Db } from 'mongodb';
import { AccountError, type AccountStore } from '../accounts/account-store.js';
import type { ProductionProblem } from '../security/production-checks.js';
import { hashPassword, type HashingPolicy } from '../accounts/password.js';
import { modelCollectionName, type StoredModel } from '../storage/model-collections.js';

export const DEMO_USERNAME = 'demo';
/** A published, well-known password: the demo user exists only in development and production refuses it. */
export const DEMO_PASSWORD = 'demo';
export const DEMO_CLIENT_ID = 'gatehouse-demo';

export function demoRedirectUri(issuer: string): string {
  return new URL('/demo/callback', issuer).href;
}

export function demoHome(issuer: string): string {
  return new URL('/demo', issuer).href;
}

/** Production refuses to run while the well-known demo credentials could sign in to real clients. */
export async function demoLeftovers(db: Db, accounts: AccountStore): Promise<ProductionProblem[]> {
  const found: ProductionProblem[] = [];
  if (await accounts.findByUsername(DEMO_USERNAME))
    found.push({
      what: `the demo user "${DEMO_USERNAME}" exists`,
      fix: `run \`gatehouse demo remove\` (or \`gatehouse user remove ${DEMO_USERNAME}\`)`,
    });
  if (await db.collection<StoredModel>(modelCollectionName('Client')).findOne({ _id: DEMO_CLIENT_ID }))
    found.push({
      what: `the demo client "${DEMO_CLIENT_ID}" exists`,
      fix: 'run `gatehouse demo remove`',
    });
  return found;
}

/** Creates the demo user when there is no account at all; keeps the demo client's URLs current. Returns true when it created the user. */
export async function seedDemo(db: Db, accounts: AccountStore, issuer: string, params: HashingPolicy): Promise<boolean> {
  let created = false;
  if ((await accounts.count()) === 0) {
    const hash = await hashPassword(DEMO_PASSWORD, params);
    const claims = {
      name: 'Demo User',
      given_name: 'Demo',
      family_name: 'User',
      email: 'demo@example.com',
      email_verified: true,
      locale: 'en',
    };
    // Two instances starting together on an empty database race here; the unique username lets one win.
    created = await accounts.create(DEMO_USERNAME, hash, claims).then(
      () => true,
      (error: unknown) => {
        if (error instanceof AccountError) return false;
        throw error;
      },
    );
  }
  if (!(await accounts.findByUsername(DEMO_USERNAME))) return created;
  // Stored as a dynamic client (oidc-provider reads the Client model through the adapter), so production can detect it.
  await db.collection<StoredModel>(modelCollectionName('Client')).updateOne(
    { _id: DEMO_CLIENT_ID },
    {
      $set: {
        payload: {
          client_id: DEMO_CLIENT_ID,
          client_name: 'Gatehouse demo',
          redirect_uris: [demoRedirectUri(issuer)],
          post_logout_redirect_uris: [demoHome(issuer)],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          scope: 'openid profile email offline_access',
        },
      },
    },
    { upsert: true },
  );
  return created;
}
