// Back-channel logouts owed for sessions ended outside a server (the CLI), waiting for a running instance to deliver them.
import type { Db } from 'mongodb';
import type { AdapterPayload } from 'oidc-provider';

export const PENDING_LOGOUTS = 'pending_logouts';

/** A logout older than this is dropped undelivered: no instance ran for a day, and the relying party's session has likely ended. */
const KEEP_SECONDS = 24 * 3600;

export interface PendingLogout {
  clientId: string;
  accountId: string;
  sid: string;
  createdAt: Date;
  expiresAt: Date;
}

/** What oidc-provider keeps per client in a session payload: the per-client `sid` that client's ID tokens carry. */
type SessionAuthorizations = Record<string, { sid?: unknown } | undefined>;

function pendingLogouts(db: Db) {
  return db.collection<PendingLogout>(PENDING_LOGOUTS);
}

export async function createPendingLogoutIndexes(db: Db): Promise<void> {
  await pendingLogouts(db).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
  await pendingLogouts(db).createIndex({ createdAt: 1 }, { name: 'createdAt' });
}

/**
 * Records one logout per client of each of the account's sessions (oidc-provider Session payloads), before those sessions
 * are deleted. Which clients have a back-channel logout URI is the delivering server's business: its config counts.
 */
export async function recordPendingLogouts(db: Db, accountId: string, sessions: AdapterPayload[]): Promise<number> {
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + KEEP_SECONDS * 1000);
  const logouts = sessions.flatMap((session) =>
    Object.entries((session.authorizations ?? {}) as SessionAuthorizations).flatMap(([clientId, authorization]) =>
      typeof authorization?.sid === 'string'
        ? [{ clientId, accountId: String(accountId), sid: authorization.sid, createdAt, expiresAt }]
        : [],
    ),
  );
  if (logouts.length > 0) await pendingLogouts(db).insertMany(logouts);
  return logouts.length;
}

/** Removes and returns the oldest pending logout: exactly one instance gets each, so a receiver hears of it once. */
export async function takePendingLogout(db: Db): Promise<PendingLogout | null> {
  return pendingLogouts(db).findOneAndDelete(
    { expiresAt: { $gt: new Date() } },
    { sort: { createdAt: 1, _id: 1 }, projection: { _id: 0 } },
  );
}
