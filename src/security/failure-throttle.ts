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

/** How long this instance trusts a "not locked out" answer from MongoDB before asking again. */
const LOOKUP_CACHE_MS = 1000;
const LOOKUP_CACHE_ENTRIES = 10_000;

/** Whole seconds until `until` (at least 1), or 0 when it has passed. */
function secondsUntil(until: number, now: number): number {
  return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : 0;
}

/** One counted dimension, e.g. failed logins per username. */
export class Counter {
  private readonly limiter: RateLimiterMongo;
  /** key → when it was looked up, until when it is locked out (ms), and whether it has failures on record. */
  private readonly lookups = new Map<string, { at: number; lockedUntil: number; failures: boolean }>();

  constructor(
    client: MongoClient,
    dbName: string,
    collection: string,
    prefix: string,
    private readonly rule: ThrottleRule,
  ) {
    this.limiter = new RateLimiterMongo({
      storeClient: client,
      dbName,
      tableName: collection,
      keyPrefix: prefix,
      points: rule.attempts,
      duration: rule.window,
      // Its own background index creation would print a stack when start-up fails and closes the client meanwhile.
      disableIndexesCreation: true,
    });
  }

  createIndexes(): Promise<void> {
    return this.limiter.createIndexes();
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

  /**
   * Seconds this key is still locked out, 0 if it is not. Counts nothing. A clean answer is reused for up to a second,
   * so a busy client costs MongoDB one read per second rather than one per request; a reused answer comes back
   * without a promise (this runs before every token request).
   */
  lockedFor(key: string): number | Promise<number> {
    const now = Date.now();
    const lookup = this.lookups.get(key);
    if (lookup && (lookup.lockedUntil > now || now - lookup.at <= LOOKUP_CACHE_MS)) return secondsUntil(lookup.lockedUntil, now);
    return this.lookUp(key, now);
  }

  private async lookUp(key: string, now: number): Promise<number> {
    const res = await this.limiter.get(key);
    // block() stores one point past the limit, so "locked" is strictly more consumed than attempts allowed.
    const lockedUntil = res && res.consumedPoints > this.rule.attempts ? now + res.msBeforeNext : 0;
    this.remember(key, { at: now, lockedUntil, failures: (res?.consumedPoints ?? 0) > 0 });
    return secondsUntil(lockedUntil, now);
  }

  /** Counts a failure after the fact; the one that uses up the last attempt starts the lockout. */
  async countFailure(key: string): Promise<void> {
    const now = Date.now();
    const res = await this.limiter.consume(key).catch((error: unknown) => {
      if (error instanceof RateLimiterRes) return error;
      throw error;
    });
    let lockedUntil = 0;
    if (res.consumedPoints >= this.rule.attempts) {
      await this.limiter.block(key, this.rule.lockout);
      lockedUntil = now + this.rule.lockout * 1000;
    }
    this.remember(key, { at: now, lockedUntil, failures: true });
  }

  /**
   * After a success counted with countFailure's scheme: clears the key's failures, only when it has some on record
   * (otherwise at once, without a promise).
   */
  clearFailures(key: string): void | Promise<void> {
    if (!this.lookups.get(key)?.failures) return;
    return this.limiter.delete(key).then(() => void this.lookups.delete(key));
  }

  private remember(key: string, lookup: { at: number; lockedUntil: number; failures: boolean }): void {
    this.lookups.delete(key);
    // Bounded: the oldest entry goes first (a Map iterates in insertion order).
    if (this.lookups.size >= LOOKUP_CACHE_ENTRIES) this.lookups.delete(this.lookups.keys().next().value!);
    this.lookups.set(key, lookup);
  }

  /** Failures on record for the key within the window (no lockout logic): what an escalating delay is computed from. */
  async failures(key: string): Promise<number> {
    return (await this.limiter.get(key))?.consumedPoints ?? 0;
  }

  /** Counts a failure without ever locking out. */
  async addFailure(key: string): Promise<void> {
    await this.limiter.penalty(key, 1);
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

  /** The counters' TTL and unique-key indexes, created at start like every other index; both counters share them. */
  async createIndexes(): Promise<void> {
    await this.subject.createIndexes();
  }

  /**
   * For guessable secrets (passwords): takes an attempt for this subject (username) and IP before the check, so
   * parallel guesses cannot slip past; returns seconds to wait, 0 when it may proceed. Settle with end().
   */
  async begin(subject: string | undefined, ip: string): Promise<number> {
    const waits = await Promise.all([subject === undefined ? 0 : this.subject.take(subject), this.source.take(ip)]);
    return Math.max(...waits);
  }

  /**
   * For secrets too long to guess (client secrets; production refuses ones under 32 bytes): nothing is counted up
   * front, so a busy client's concurrent requests are never refused and successes cost no writes; settle() counts a
   * failure when it happens.
   * Returns seconds to wait while the subject or the IP is locked out, 0 otherwise.
   */
  lockedFor(subject: string | undefined, ip: string): number | Promise<number> {
    const bySubject = subject === undefined ? 0 : this.subject.lockedFor(subject);
    const bySource = this.source.lockedFor(ip);
    if (typeof bySubject === 'number' && typeof bySource === 'number') return Math.max(bySubject, bySource);
    return Promise.all([bySubject, bySource]).then((waits) => Math.max(...waits));
  }

  /** Settles a request checked with lockedFor(): a failure counts against both; a success clears the subject's. */
  settle(subject: string | undefined, ip: string, succeeded: boolean): void | Promise<void> {
    if (succeeded) return subject === undefined ? undefined : this.subject.clearFailures(subject);
    return Promise.all([subject === undefined ? undefined : this.subject.countFailure(subject), this.source.countFailure(ip)]).then(
      () => undefined,
    );
  }

  /** Settles an attempt taken with begin(). A success clears the subject and refunds the IP's attempt. */
  async end(subject: string | undefined, ip: string, succeeded: boolean): Promise<void> {
    if (succeeded)
      await Promise.all([
        subject === undefined ? undefined : this.subject.succeeded(subject, 'reset'),
        this.source.succeeded(ip, 'refund'),
      ]);
    else await Promise.all([subject === undefined ? undefined : this.subject.failed(subject), this.source.failed(ip)]);
  }
}
