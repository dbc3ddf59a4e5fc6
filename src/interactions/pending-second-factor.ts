// Sign-ins between the password and the second factor: the interaction knows whose password was right, for a few minutes.
import type { Collection, Db } from 'mongodb';
import { PENDING_SECOND_FACTOR } from '../storage/model-collections.js';

/** Time to fetch a phone or a security key; the interaction itself may live longer. */
const PENDING_MS = 10 * 60 * 1000;

interface PendingDocument {
  /** The interaction's uid: the browser holding that interaction's cookie is the one that gave the password. */
  _id: string;
  accountId: string;
  expiresAt: Date;
}

/**
 * Kept apart from oidc-provider's interaction result on purpose: a login result would let the interaction resume as a
 * signed-in session before the second factor, so a password-only session would exist for an account that has factors.
 */
export class PendingSecondFactor {
  private readonly collection: Collection<PendingDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PendingDocument>(PENDING_SECOND_FACTOR);
  }

  async createIndexes(): Promise<void> {
    await this.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
    await this.collection.createIndex({ accountId: 1 }, { name: 'accountId' });
  }

  async begin(uid: string, accountId: string): Promise<void> {
    await this.collection.replaceOne(
      { _id: String(uid) },
      { accountId: String(accountId), expiresAt: new Date(Date.now() + PENDING_MS) },
      { upsert: true },
    );
  }

  /** The account whose password this interaction checked, while that is recent. */
  async accountFor(uid: string): Promise<string | undefined> {
    return (await this.collection.findOne({ _id: String(uid), expiresAt: { $gt: new Date() } }))?.accountId;
  }

  async end(uid: string): Promise<void> {
    await this.collection.deleteOne({ _id: String(uid) });
  }
}
