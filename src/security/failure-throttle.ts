// Failure counters with lockouts, kept in MongoDB (rate-limiter-flexible) so every instance shares them.
import type { MongoClient } from 'mongodb';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleRule {
  attempts: number;
  /** Seconds the failures are counted over. */
  window: number;
  /** Seconds of refusal once the attempts are used up. */
  lockout: number;
}

/** One counted dimension, e.g. failed logins per username. */
class Counter {
  private readonly limiter: RateLimiterMongo;

  constructor(client: MongoClient, dbName: string, collection: string, prefix: string, private readonly rule: ThrottleRule) {
    this.limiter = new RateLimiterMongo({ storeClient: client, dbName, tableName: collection, keyPrefix: prefix, points: rule.attempts, duration: rule.window });
  }

  /** Seconds until this key may try again; 0 when it may now. */
  async wait(key: string): Promise<number> {
    const res = await this.limiter.get(key);
    return res && res.consumedPoints >= this.rule.attempts ? Math.ceil(res.msBeforeNext / 1000) : 0;
  }

  /** Counts a failure; the one that uses up the last attempt starts the lockout. */
  async fail(key: string): Promise<void> {
    try {
      const res = await this.limiter.consume(key);
      if (res.consumedPoints >= this.rule.attempts) await this.limiter.block(key, this.rule.lockout);
    } catch (error) {
      // A RateLimiterRes rejection means already locked out (nothing to add); an Error is a store failure.
      if (!(error instanceof RateLimiterRes)) throw error;
    }
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

/** Two dimensions counted together, e.g. per username and per IP: either one being locked out refuses. */
export class FailureThrottle {
  private readonly subject: Counter;
  private readonly source: Counter;

  constructor(client: MongoClient, dbName: string, collection: string, rules: { subject: ThrottleRule; source: ThrottleRule }) {
    this.subject = new Counter(client, dbName, collection, 'subject', rules.subject);
    this.source = new Counter(client, dbName, collection, 'ip', rules.source);
  }

  /** Seconds until another attempt is allowed for this subject (username, client_id) or IP; 0 when allowed now. */
  async retryAfter(subject: string | undefined, ip: string): Promise<number> {
    const waits = await Promise.all([subject === undefined ? 0 : this.subject.wait(subject), this.source.wait(ip)]);
    return Math.max(...waits);
  }

  async failed(subject: string | undefined, ip: string): Promise<void> {
    await Promise.all([subject === undefined ? undefined : this.subject.fail(subject), this.source.fail(ip)]);
  }

  /** A success clears the subject's counter (the IP's keeps counting other subjects). */
  async succeeded(subject: string): Promise<void> {
    await this.subject.reset(subject);
  }
}
