// Brute-force protection for the login form: per (username, IP) lockout, per-IP lockout, per-username slowdown.
import type { MongoClient } from 'mongodb';
import type { GatehouseConfig } from '../config/schema.js';
import { Counter } from './failure-throttle.js';

/** A source that signed in as a user is remembered this long, and is never slowed down for that user. */
const KNOWN_SOURCE_SECONDS = 30 * 24 * 3600;
/** The per-username counter only counts: it never locks, so its point budget is effectively unlimited. */
const COUNT_ONLY = 1_000_000_000;

export interface LoginVerdict {
  /** Seconds until this source may try this username again; 0 when it may proceed. */
  retryAfter: number;
  /** How long to wait before checking the password: the username is under attack from many sources. */
  delayMs: number;
}

/**
 * The model of hosted identity services: a guesser is locked out per (username, source IP) pair and per source across
 * usernames, so the owner signing in from elsewhere is unaffected. A username attacked from many sources is slowed,
 * never locked: once its failures pass the limit, each attempt waits 1 s, doubling up to max_delay, except from
 * sources that signed in as that user before. The owner's correct password is never refused because of others.
 */
export class LoginThrottle {
  private readonly pair: Counter;
  private readonly source: Counter;
  private readonly username: Counter;
  private readonly known: Counter;

  /** `collection` keeps kinds apart: passwords count in login_throttle, second factors in mfa_throttle, with the same rules. */
  constructor(
    client: MongoClient,
    dbName: string,
    private readonly rules: GatehouseConfig['login_throttling'],
    collection = 'login_throttle',
  ) {
    this.pair = new Counter(client, dbName, collection, 'pair', rules.per_username_and_ip);
    this.source = new Counter(client, dbName, collection, 'ip', rules.per_ip);
    const { window } = rules.per_username;
    this.username = new Counter(client, dbName, collection, 'user', { attempts: COUNT_ONLY, window, lockout: window });
    this.known = new Counter(client, dbName, collection, 'known', { attempts: COUNT_ONLY, window: KNOWN_SOURCE_SECONDS, lockout: 1 });
  }

  /** The counters' TTL and unique-key indexes, created at start like every other index; the counters share them. */
  async createIndexes(): Promise<void> {
    await this.pair.createIndexes();
  }

  /** Takes an attempt for the pair and the source before the password is checked, so parallel guesses cannot slip past. */
  async begin(username: string, ip: string): Promise<LoginVerdict> {
    const pairKey = `${username}|${ip}`;
    const waits = await Promise.all([this.pair.take(pairKey), this.source.take(ip)]);
    const retryAfter = Math.max(...waits);
    if (retryAfter > 0) return { retryAfter, delayMs: 0 };
    const excess = (await this.username.failures(username)) - this.rules.per_username.attempts;
    if (excess < 0 || (await this.known.failures(pairKey)) > 0) return { retryAfter: 0, delayMs: 0 };
    return { retryAfter: 0, delayMs: Math.min(1000 * 2 ** excess, this.rules.per_username.max_delay * 1000) };
  }

  /** Settles an attempt taken with begin(). */
  async end(username: string, ip: string, succeeded: boolean): Promise<void> {
    const pairKey = `${username}|${ip}`;
    if (succeeded)
      await Promise.all([this.pair.succeeded(pairKey, 'reset'), this.source.succeeded(ip, 'refund'), this.known.addFailure(pairKey)]);
    else await Promise.all([this.pair.failed(pairKey), this.source.failed(ip), this.username.addFailure(username)]);
  }
}
