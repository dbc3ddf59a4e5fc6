// The collections behind oidc-provider's models: names, indexes, an account's latest grant, and account-wide revocation
// (no oidc-provider import, so the CLI can use it without loading the provider).
import type { Collection, Db } from 'mongodb';
import type { AdapterPayload } from 'oidc-provider';
import { recordPendingLogouts } from './pending-logouts.js';
import { retryOnFailover } from './errors.js';

/** Models whose artifacts belong to a grant and die with it (oidc-provider's grant-bound tokens). */
export const GRANT_BOUND_MODELS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
] as const;

/** Every model oidc-provider may ask an adapter for; their indexes are created at start. */
export const MODELS = [
  ...GRANT_BOUND_MODELS,
  'Session',
  'Interaction',
  'Grant',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'ReplayDetection',
  'PushedAuthorizationRequest',
] as const;

/** Sign-ins whose password was right and whose second factor is still to come (src/interactions/pending-second-factor.ts). */
export const PENDING_SECOND_FACTOR = 'pending_second_factor';

export interface StoredModel {
  _id: string;
  payload: AdapterPayload;
  expiresAt?: Date;
}

export function modelCollectionName(model: string): string {
  return `oidc_${model}`;
}

export function modelCollection(db: Db, model: string): Collection<StoredModel> {
  return db.collection<StoredModel>(modelCollectionName(model));
}

/** Creates the TTL and lookup indexes for every model; safe to run at every start. */
export async function createModelIndexes(db: Db): Promise<void> {
  await Promise.all(
    MODELS.map(async (model) => {
      const collection = modelCollection(db, model);
      await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
      if ((GRANT_BOUND_MODELS as readonly string[]).includes(model) || model === 'Grant')
        await collection.createIndex({ 'payload.grantId': 1 }, { name: 'grantId' });
      if (model === 'Grant')
        await collection.createIndex(
          { 'payload.accountId': 1, 'payload.clientId': 1, 'payload.iat': -1 },
          { name: 'accountId_clientId_iat' },
        );
      if (model === 'Session') {
        await collection.createIndex({ 'payload.uid': 1 }, { name: 'uid', unique: true });
        // The account page lists an account's sessions; sign-out everywhere and a password change end them.
        await collection.createIndex({ 'payload.accountId': 1 }, { name: 'accountId' });
      }
      if (model === 'DeviceCode') await collection.createIndex({ 'payload.userCode': 1 }, { name: 'userCode', unique: true });
    }),
  );
}

/**
 * The newest unexpired Grant an account holds for a client, or undefined: what the user consented to in another (or
 * an ended) browser session. Callers load it through oidc-provider's Grant model, which checks it again.
 */
export async function latestGrant(db: Db, accountId: string, clientId: string): Promise<StoredModel | undefined> {
  const found = await modelCollection(db, 'Grant').findOne(
    {
      'payload.accountId': String(accountId),
      'payload.clientId': String(clientId),
      // The TTL monitor sweeps only every minute or so; a grant without expiresAt never expires.
      $or: [{ expiresAt: { $gt: new Date() } }, { expiresAt: { $exists: false } }],
    },
    // iat has whole seconds: grants from the same second are ordered by _id, so every server returns the same one.
    { sort: { 'payload.iat': -1, _id: -1 } },
  );
  return found ?? undefined;
}

/** Deletes a grant and every artifact bound to it, as oidc-provider's own revocation does. */
export async function revokeGrant(db: Db, grantId: string): Promise<void> {
  const filter = { 'payload.grantId': String(grantId) };
  await Promise.all([
    ...GRANT_BOUND_MODELS.map((model) => retryOnFailover(() => modelCollection(db, model).deleteMany(filter))),
    retryOnFailover(() => modelCollection(db, 'Grant').deleteOne({ _id: String(grantId) })),
  ]);
}

/**
 * Deletes every session, grant and token of an account, and its sign-ins still in progress, e.g. when an admin
 * disables it or changes its password. Ending those sessions owes their clients a back-channel logout; it is recorded
 * first, for a running server to deliver (the CLI calls this). `keepSessionUid` spares the session the user is changing
 * their password from (the account page). Returns how many were deleted.
 */
export async function revokeByAccountId(db: Db, accountId: string, { keepSessionUid }: { keepSessionUid?: string } = {}): Promise<number> {
  const id = String(accountId);
  const byAccount = { 'payload.accountId': id };
  const sessionFilter = keepSessionUid === undefined ? byAccount : { ...byAccount, 'payload.uid': { $ne: String(keepSessionUid) } };
  const sessions = await modelCollection(db, 'Session').find(sessionFilter).toArray();
  await recordPendingLogouts(
    db,
    accountId,
    sessions.map(({ payload }) => payload),
  );
  const results = await Promise.all([
    ...MODELS.filter((model) => model !== 'Interaction').map((model) =>
      retryOnFailover(() => modelCollection(db, model).deleteMany(model === 'Session' ? sessionFilter : byAccount)),
    ),
    // An interaction holds the account in its session or, once the login step passed, in its result: resuming it
    // would sign in again with what was checked before the change.
    retryOnFailover(() =>
      modelCollection(db, 'Interaction').deleteMany({
        $or: [{ 'payload.session.accountId': id }, { 'payload.result.login.accountId': id }],
      }),
    ),
    // A password checked before the change must not complete a sign-in with a second factor afterwards.
    retryOnFailover(() => db.collection(PENDING_SECOND_FACTOR).deleteMany({ accountId: id })),
  ]);
  return results.reduce((sum, result) => sum + result.deletedCount, 0);
}

/** Ends an account's sessions except one ("sign out everywhere else"), with their back-channel logouts recorded; returns how many. */
export async function endOtherSessions(db: Db, accountId: string, keepSessionUid: string): Promise<number> {
  const filter = { 'payload.accountId': String(accountId), 'payload.uid': { $ne: String(keepSessionUid) } };
  const sessions = await modelCollection(db, 'Session').find(filter).toArray();
  await recordPendingLogouts(
    db,
    accountId,
    sessions.map(({ payload }) => payload),
  );
  return (await retryOnFailover(() => modelCollection(db, 'Session').deleteMany(filter))).deletedCount;
}

/** An account's live browser sessions (oidc-provider Session payloads), newest sign-in first. */
export async function sessionsOf(db: Db, accountId: string): Promise<AdapterPayload[]> {
  const docs = await modelCollection(db, 'Session')
    .find({ 'payload.accountId': String(accountId), $or: [{ expiresAt: { $gt: new Date() } }, { expiresAt: { $exists: false } }] })
    .toArray();
  return docs.map(({ payload }) => payload).sort((a, b) => Number(b.loginTs ?? 0) - Number(a.loginTs ?? 0));
}

/** An account's unexpired grants (what it allowed which client), for the account page's connected apps. */
export async function grantsOf(db: Db, accountId: string): Promise<StoredModel[]> {
  return modelCollection(db, 'Grant')
    .find({ 'payload.accountId': String(accountId), $or: [{ expiresAt: { $gt: new Date() } }, { expiresAt: { $exists: false } }] })
    .toArray();
}

/** Deletes every grant a client holds and the tokens bound to them, e.g. when the client itself is removed. */
export async function revokeByClientId(db: Db, clientId: string): Promise<number> {
  const filter = { 'payload.clientId': String(clientId) };
  const results = await Promise.all(
    [...GRANT_BOUND_MODELS, 'Grant'].map((model) => retryOnFailover(() => modelCollection(db, model).deleteMany(filter))),
  );
  return results.reduce((sum, result) => sum + result.deletedCount, 0);
}
