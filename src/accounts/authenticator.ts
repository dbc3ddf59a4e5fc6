// Checks a username and password with the same cost whether the user exists, is disabled, external, or awaits rehashing.
import { NO_LOCAL_PASSWORD, type AccountDocument, type AccountStore } from './account-store.js';
import { hashInventory } from './hash-inventory.js';
import { hashKind, hashPassword, needsRehash, policyOf, verifyPassword, type HashingPolicy } from './password.js';
import { TimingDecoys, type Verify } from './timing-decoys.js';

/** Longer inputs are refused before hashing so a huge password cannot be used to burn CPU. */
export const MAX_USERNAME_LENGTH = 256;
export const MAX_PASSWORD_LENGTH = 1024;

/** How often the kinds of hash in the store are counted again (another instance or the CLI may have changed them). */
const HASH_KINDS_REFRESH_MS = 10 * 60_000;

/** An external directory (the integrator's `authenticate` hook): an account to sign in, or undefined to fall back. */
export type ExternalDirectory = (
  username: string,
  password: string,
) => Promise<{ accountId: string; claims?: Record<string, unknown> } | undefined>;

export class PasswordAuthenticator {
  private readonly decoys: TimingDecoys;

  constructor(
    private readonly accounts: AccountStore,
    private readonly policy: HashingPolicy,
    /** Verification as the sign-in path does it; tests pass a recording one. */
    private readonly verify: Verify = verifyPassword,
  ) {
    // Made up front so even the first refused attempt costs what later ones do.
    this.decoys = new TimingDecoys(policy, verify);
  }

  /** The account when the credentials are right and the account is enabled; otherwise undefined. */
  async authenticate(username: string, password: string, external?: ExternalDirectory): Promise<AccountDocument | undefined> {
    if (!username || !password || username.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) return undefined;
    const found = await this.accounts.findByUsername(username);
    // Only names with no local password go to the directory: a local user's password never leaves Gatehouse,
    // and a directory that is down (the hook throws) stops only the directory's users from signing in.
    const account = found?.passwordHash === NO_LOCAL_PASSWORD ? undefined : found;
    const fromDirectory = external && !account ? await external(username, password) : undefined;
    if (fromDirectory) {
      const vouched = await this.accounts.upsertExternal(fromDirectory.accountId, username, fromDirectory.claims ?? {});
      return vouched && !vouched.disabled ? vouched : undefined;
    }
    const stored = account ? policyOf(account.passwordHash) : undefined;
    // A kind another instance or an import brought in since the last count: its decoy is made now.
    const kind = stored && hashKind(stored);
    if (kind) this.decoys.learn(kind);
    const valid = kind !== undefined && (await this.verify(password, account!.passwordHash));
    if (!account || !valid || account.disabled) {
      // Every refusal verifies once against each kind of hash present, so its cost says nothing about the account.
      await this.decoys.pad(password, kind);
      return undefined;
    }
    if (needsRehash(account.passwordHash, this.policy))
      await this.accounts.update(account.username, { passwordHash: await hashPassword(password, this.policy) });
    return account;
  }

  /** Counts the kinds of hash in the store now and then every 10 minutes, so the decoys follow a migration; returns stop. */
  async watchHashKinds(intervalMs = HASH_KINDS_REFRESH_MS): Promise<() => void> {
    const refresh = async () => this.decoys.track((await hashInventory(this.accounts.collection)).keys());
    await refresh();
    const timer = setInterval(() => void refresh().catch(() => {}), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The hash kinds a refused sign-in currently pays for (the configured one first). */
  decoyKinds(): string[] {
    return this.decoys.kinds();
  }
}
