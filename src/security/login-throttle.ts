// Failed-login counters per username and per IP, kept in MongoDB (rate-limiter-flexible) so all instances share them.
import type { MongoClient } from 'mongodb';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { usernameKey } from '../accounts/account-store.js';

interface Rule {
  attempts: number;
  window: number;
  lockout: number;
}

export interface ThrottleVerdict {
  /** Seconds until another attempt is allowed; 0 when allowed now. */
  retryAfter: number;
}

export class LoginThrottle {
  private readonly byUsername: RateLimiterMongo;
  private readonly byIp: RateLimiterMongo;
  private readonly lockouts: { user: number; ip: number };

  constructor(client: MongoClient, dbName: string, rules: { per_username: Rule; per_ip: Rule }) {
    const limiter = (prefix: string, rule: Rule) =>
      new RateLimiterMongo({
        storeClient: client,
        dbName,
        tableName: 'login_throttle',
        keyPrefix: prefix,
        points: rule.attempts,
        duration: rule.window,
      });
    this.byUsername = limiter('user', rules.per_username);
    this.byIp = limiter('ip', rules.per_ip);
    this.lockouts = { user: rules.per_username.lockout, ip: rules.per_ip.lockout };
  }

  private static keys(username: string, ip: string) {
    return { user: usernameKey(username), ip };
  }

  /** Whether this username or IP has used up its attempts and is locked out. */
  async check(username: string, ip: string): Promise<ThrottleVerdict> {
    const { user } = LoginThrottle.keys(username, ip);
    const [byUser, byIp] = await Promise.all([this.byUsername.get(user), this.byIp.get(ip)]);
    const waits = [
      [byUser, this.byUsername],
      [byIp, this.byIp],
    ]
      .filter(([res, limiter]) => res && (res as RateLimiterRes).consumedPoints >= (limiter as RateLimiterMongo).points)
      .map(([res]) => (res as RateLimiterRes).msBeforeNext);
    return { retryAfter: waits.length ? Math.ceil(Math.max(...waits) / 1000) : 0 };
  }

  /** Counts a failure; the failure that uses up the last attempt starts the lockout. */
  async failed(username: string, ip: string): Promise<void> {
    const { user } = LoginThrottle.keys(username, ip);
    await Promise.all([count(this.byUsername, user, this.lockouts.user), count(this.byIp, ip, this.lockouts.ip)]);
  }

  /** A successful sign-in clears the username's counter (the IP's keeps counting other usernames). */
  async succeeded(username: string): Promise<void> {
    await this.byUsername.delete(usernameKey(username));
  }
}

async function count(limiter: RateLimiterMongo, key: string, lockout: number): Promise<void> {
  try {
    const res = await limiter.consume(key);
    if (res.consumedPoints >= limiter.points) await limiter.block(key, lockout);
  } catch (error) {
    // rate-limiter-flexible rejects with a RateLimiterRes when already past the limit (locked out: nothing to add),
    // and with an Error when the store fails.
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}

export function isBlocked(verdict: ThrottleVerdict): boolean {
  return verdict.retryAfter > 0;
}
