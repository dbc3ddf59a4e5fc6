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

  /** Counts an attempt before it is checked, so parallel guesses cannot slip past; returns seconds to wait, 0 if allowed. */
  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (error) {
      // A RateLimiterRes rejection means past the limit or locked out; an Error is a store failure.
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw error;
    }
  }

  /** After a failure: the one that used up the last attempt starts the lockout. */
  async failed(key: string): Promise<void> {
    const res = await this.limiter.get(key);
    if (res && res.consumedPoints >= this.rule.attempts) await this.limiter.block(key, this.rule.lockout);
  }

  /** After a success: forget the key entirely, or just give back the attempt that was taken. */
  async succeeded(key: string, how: 'reset' | 'refund'): Promise<void> {
    if (how === 'reset') await this.limiter.delete(key);
    else await this.limiter.reward(key, 1);
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

  /** Takes an attempt for this subject (username, client_id) and IP; returns seconds to wait, 0 when it may proceed. */
  async begin(subject: string | undefined, ip: string): Promise<number> {
    const waits = await Promise.all([subject === undefined ? 0 : this.subject.take(subject), this.source.take(ip)]);
    return Math.max(...waits);
  }

  /** Settles an attempt taken with begin(). A success clears the subject and refunds the IP's attempt. */
  async end(subject: string | undefined, ip: string, succeeded: boolean): Promise<void> {
    if (succeeded) await Promise.all([subject === undefined ? undefined : this.subject.succeeded(subject, 'reset'), this.source.succeeded(ip, 'refund')]);
    else await Promise.all([subject === undefined ? undefined : this.subject.failed(subject), this.source.failed(ip)]);
  }
}
