// Security-relevant events in the MongoDB `audit` collection, kept for a configurable retention (TTL index).
import type { Collection, Db, Filter } from 'mongodb';

export type AuditType =
  | 'login.success'
  | 'login.failure'
  | 'consent.granted'
  | 'consent.denied'
  | 'grant.revoked'
  | 'token.revoked'
  | 'refresh_token.reuse_detected'
  | 'user.created'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.updated'
  | 'user.removed'
  | 'client.removed'
  | 'keys.rotated'
  | 'config.loaded';

export interface AuditEvent {
  at: Date;
  type: AuditType;
  /** Username or sub; never a password or token. */
  user?: string;
  client?: string;
  ip?: string;
  requestId?: string;
  detail?: Record<string, string | number | boolean>;
}

export class AuditLog {
  private readonly collection: Collection<AuditEvent>;

  constructor(
    db: Db,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.collection = db.collection<AuditEvent>('audit');
  }

  /** The TTL index carries the retention; a changed retention replaces the index. */
  async createIndexes(retentionSeconds: number): Promise<void> {
    const existing = (
      await this.collection
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).find((index) => index.name === 'at_ttl');
    if (existing && existing.expireAfterSeconds !== retentionSeconds) await this.collection.dropIndex('at_ttl');
    await this.collection.createIndex({ at: 1 }, { name: 'at_ttl', expireAfterSeconds: retentionSeconds });
  }

  /** Records an event; a failed write goes to onError (the log), never to the user's response. */
  async record(event: Omit<AuditEvent, 'at'>): Promise<void> {
    await this.collection.insertOne({ at: new Date(), ...event }).catch(this.onError);
  }

  async query(filter: { user?: string; client?: string; since?: Date }, limit = 100): Promise<AuditEvent[]> {
    const query: Filter<AuditEvent> = {};
    if (filter.user !== undefined) query.user = String(filter.user);
    if (filter.client !== undefined) query.client = String(filter.client);
    if (filter.since) query.at = { $gte: filter.since };
    return (await this.collection.find(query).sort({ at: -1 }).limit(limit).toArray()).reverse();
  }
}
