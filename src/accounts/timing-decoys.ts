// Decoy hashes, one per kind of hash the accounts hold, so that every refused sign-in costs the same whatever the account.
import { randomBytes } from 'node:crypto';
import { hashKind, hashPassword, policyOf, verifyPassword, type HashingPolicy } from './password.js';

export type Verify = (password: string, stored: string) => Promise<boolean>;

/**
 * A refused sign-in verifies the password once against every kind of hash in the store (each kind costs its own
 * algorithm and parameters): the account's own hash when it has one, a decoy for each other kind. An unknown user,
 * an external account ("!"), a disabled one, a current hash and one still awaiting rehash then all cost the same sum,
 * even while a migration leaves costlier hashes behind. Once every hash is current, that sum is one verification.
 */
export class TimingDecoys {
  /** Kind → a hash of a random password with that kind's parameters (made once, in the background). */
  private readonly decoys = new Map<string, Promise<string | undefined>>();
  private readonly current: string;

  constructor(
    policy: HashingPolicy,
    private readonly verify: Verify = verifyPassword,
  ) {
    this.current = hashKind(policy);
    this.learn(this.current);
  }

  /** The kinds decoys exist for, the configured one first. */
  kinds(): string[] {
    return [...this.decoys.keys()];
  }

  /** Adds a decoy for a kind met in the store (a no-op for a known kind or text that names no hash kind). */
  learn(kind: string): void {
    if (this.decoys.has(kind)) return;
    const policy = policyOf(kind);
    if (!policy) return;
    // A kind the machine cannot hash (absurd imported parameters) cannot be verified either: no decoy needed.
    this.decoys.set(
      kind,
      hashPassword(randomBytes(16).toString('hex'), policy).catch(() => undefined),
    );
  }

  /** Makes the decoys exactly the kinds the store holds now (plus the configured one): learned on start and refreshed. */
  track(kinds: Iterable<string>): void {
    const present = new Set([this.current, ...kinds]);
    for (const kind of this.decoys.keys()) if (!present.has(kind)) this.decoys.delete(kind);
    for (const kind of present) this.learn(kind);
  }

  /** Verifies `password` against each decoy but `verified` (the kind already checked), one after another. */
  async pad(password: string, verified: string | undefined): Promise<void> {
    for (const [kind, decoy] of [...this.decoys]) {
      if (kind === verified) continue;
      const hash = await decoy;
      if (hash) await this.verify(password, hash);
    }
  }
}
