// The account page's own sessions: a random cookie value, stored hashed, tied to the Gatehouse session it signed in with.
import { createHash, randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';

interface AccountSessionDocument {
  /** SHA-256 of the cookie value: the database alone does not give a usable cookie. */
  _id: string;
  accountId: string;
  /** oidc-provider's session uid: when that session ends (sign-out, password change elsewhere), so does this one. */
  sessionUid: string;
  /** A one-time message for the next page view (e.g. "your password was changed"). */
  notice?: string;
  expiresAt: Date;
}

export interface AccountSession {
  accountId: string;
  sessionUid: string;
  notice?: string;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export class AccountSessions {
  private readonly collection: Collection<AccountSessionDocument>;

  constructor(
    db: Db,
    private readonly ttlSeconds: number,
  ) {
    this.collection = db.collection<AccountSessionDocument>('account_sessions');
  }

  async createIndexes(): Promise<void> {
    await this.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
  }

  /** Returns the cookie value. */
  async create(accountId: string, sessionUid: string, notice?: string): Promise<string> {
    const value = randomBytes(32).toString('base64url');
    await this.collection.insertOne({
      _id: hash(value),
      accountId,
      sessionUid,
      ...(notice ? { notice } : {}),
      expiresAt: new Date(Date.now() + this.ttlSeconds * 1000),
    });
    return value;
  }

  async find(value: string): Promise<AccountSession | undefined> {
    const found = await this.collection.findOne({ _id: hash(String(value)), expiresAt: { $gt: new Date() } });
    return found ? { accountId: found.accountId, sessionUid: found.sessionUid, notice: found.notice } : undefined;
  }

  async setNotice(value: string, notice: string | undefined): Promise<void> {
    await this.collection.updateOne({ _id: hash(String(value)) }, notice ? { $set: { notice } } : { $unset: { notice: '' } });
  }

  async remove(value: string): Promise<void> {
    await this.collection.deleteOne({ _id: hash(String(value)) });
  }
}
