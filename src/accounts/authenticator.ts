// Checks a username and password at no less than one current-parameter hash, whatever the account or its absence.
import { randomBytes } from 'node:crypto';
import { hashPassword, needsRehash, verifyPassword, type ScryptParams } from './password.js';
import { NO_LOCAL_PASSWORD, type AccountDocument, type AccountStore } from './account-store.js';

/** Longer inputs are refused before hashing so a huge password cannot be used to burn CPU. */
export const MAX_USERNAME_LENGTH = 256;
export const MAX_PASSWORD_LENGTH = 1024;

/** An external directory (the integrator's `authenticate` hook): an account to sign in, or undefined to fall back. */
export type ExternalDirectory = (
  username: string,
  password: string,
) => Promise<{ accountId: string; claims?: Record<string, unknown> } | undefined>;

export class PasswordAuthenticator {
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly accounts: AccountStore,
    private readonly params: ScryptParams,
    /** The check of a password against a hash; tests observe which hashes a sign-in costs. */
    private readonly verify: (password: string, hash: string) => Promise<boolean> = verifyPassword,
  ) {}

  /**
   * Makes the decoy hash now, so even the first unknown-user attempt costs one hash, like a known user's. The server
   * calls it once it listens: the hash (a third of a second of CPU at the default cost) then does not slow the start.
   */
  warmUp(): void {
    void this.decoy();
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
    const valid = account ? await this.verify(password, account.passwordHash) : false;
    // Anyone without a current local hash (unknown, provisioned by the hook, or hashed with weaker parameters that verify
    // faster) also pays a verification at the current parameters, so a sign-in never costs less than a known user's.
    if (!account || needsRehash(account.passwordHash, this.params)) await this.verify(password, await this.decoy());
    if (!account || !valid || account.disabled) return undefined;
    if (needsRehash(account.passwordHash, this.params))
      await this.accounts.update(account.username, { passwordHash: await hashPassword(password, this.params) });
    return account;
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(randomBytes(16).toString('hex'), this.params);
    return this.decoyHash;
  }
}

export function scryptParams(config: { scrypt_cost: number; scrypt_block_size: number; scrypt_parallelization: number }): ScryptParams {
  return { N: config.scrypt_cost, r: config.scrypt_block_size, p: config.scrypt_parallelization };
}
