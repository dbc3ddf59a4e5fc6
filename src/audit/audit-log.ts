// Security-relevant events in the MongoDB `audit` collection, kept for a configurable retention (TTL index).
import type { Collection, Db, Filter } from 'mongodb';

export type AuditType =
  | 'login.success'
  | 'login.failure'
  | 'login.throttled'
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
  | 'mfa.failure'
  | 'mfa.throttled'
  | 'mfa.totp.enrolled'
  | 'mfa.totp.removed'
  | 'mfa.passkey.added'
  | 'mfa.passkey.renamed'
  | 'mfa.passkey.removed'
  | 'mfa.recovery_codes.generated'
  | 'mfa.recovery_code.used'
  | 'mfa.recovery_codes.removed'
  | 'mfa.reset'
  | 'account.password_changed'
  | 'account.sessions_ended'
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
  /** Counted events (see count()): how many happened in the hour starting at `bucket`. */
  count?: number;
  bucket?: Date;
}

/** Repeated events are counted per hour. */
const COUNT_BUCKET_MS = 3600 * 1000;

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

  /**
   * Counts an event that can repeat thousands of times (throttled attempts): one record per type, user, client and IP
   * per hour, with a count, so a flood cannot bloat the audit trail.
   */
  async count(event: Pick<AuditEvent, 'type' | 'user' | 'client' | 'ip'>): Promise<void> {
    const now = Date.now();
    const key = { type: event.type, user: event.user, client: event.client, ip: event.ip, bucket: new Date(now - (now % COUNT_BUCKET_MS)) };
    await this.collection.updateOne(key, { $inc: { count: 1 }, $max: { at: new Date(now) } }, { upsert: true }).catch(this.onError);
  }

  async query(filter: { user?: string; client?: string; since?: Date }, limit = 100): Promise<AuditEvent[]> {
    const query: Filter<AuditEvent> = {};
    if (filter.user !== undefined) query.user = String(filter.user);
    if (filter.client !== undefined) query.client = String(filter.client);
    if (filter.since) query.at = { $gte: filter.since };
    // Events of the same millisecond keep their insertion order (ObjectId), on mongod as on the wire server.
    return (await this.collection.find(query).sort({ at: -1, _id: -1 }).limit(limit).toArray()).reverse();
  }
}
