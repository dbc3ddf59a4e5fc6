// The `accounts` collection: stable random `sub`, case-insensitively unique username, OIDC claims, password hash.
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../storage/errors.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { withoutReserved } from '../tokens/reserved-claims.js';

export interface AccountDocument {
  /** The `sub`: random, never reused, never derived from the username so renames keep it. */
  _id: string;
  username: string;
  /** Lower-cased username under a unique index: "Alice" and "alice" are one account. */
  usernameKey: string;
  passwordHash: string;
  disabled: boolean;
  claims: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** The collection accounts live in (the token reads join it by name). */
export const ACCOUNTS_COLLECTION = 'accounts';

/** What signing in to a client needs of an account (no password hash): findAccount, claims, hooks. */
export const ACCOUNT_VIEW_FIELDS = ['_id', 'username', 'claims', 'disabled'] as const;
export type AccountView = Pick<AccountDocument, (typeof ACCOUNT_VIEW_FIELDS)[number]>;
const ACCOUNT_VIEW_PROJECTION = Object.fromEntries(ACCOUNT_VIEW_FIELDS.map((field) => [field, 1]));

/** Claim field names: plain identifiers, so a field can never be a Mongo operator or a dotted path. */
export const CLAIM_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A request the account store refuses (a taken username, a bad field): the caller's mistake, so it may be shown. */
export class AccountError extends GatehouseError {
  override name = 'AccountError';
  override readonly status = 400;
}

/** The stored hash of an account a directory vouches for: it matches no password, so only the directory signs it in. */
export const NO_LOCAL_PASSWORD = '!';

export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

export class AccountStore {
  readonly collection: Collection<AccountDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AccountDocument>(ACCOUNTS_COLLECTION);
  }

  async createIndexes(): Promise<void> {
    await this.collection.createIndex({ usernameKey: 1 }, { unique: true, name: 'username_unique' });
  }

  async count(): Promise<number> {
    return this.collection.countDocuments({});
  }

  async create(username: string, passwordHash: string, claims: Record<string, unknown> = {}): Promise<AccountDocument> {
    const now = new Date();
    const account: AccountDocument = {
      _id: randomUUID(),
      username,
      usernameKey: usernameKey(username),
      passwordHash,
      disabled: false,
      claims: { preferred_username: username, ...claims },
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.collection.insertOne(account);
    } catch (error) {
      if (isDuplicateKey(error)) throw new AccountError(`user "${username}" already exists`);
      throw error;
    }
    return account;
  }

  /**
   * Records an account that an external directory vouched for: created on first sign-in with no local password
   * ("!" matches no hash), claims refreshed each time. Undefined when the username belongs to another account.
   */
  async upsertExternal(sub: string, username: string, claims: Record<string, unknown>): Promise<AccountDocument | undefined> {
    const now = new Date();
    const set: Record<string, unknown> = { updatedAt: now, 'claims.preferred_username': username };
    for (const [field, value] of Object.entries(withoutReserved(claims))) if (CLAIM_FIELD.test(field)) set[`claims.${field}`] = value;
    try {
      return (
        (await this.collection.findOneAndUpdate(
          { _id: String(sub) },
          {
            $setOnInsert: {
              username,
              usernameKey: usernameKey(username),
              passwordHash: NO_LOCAL_PASSWORD,
              disabled: false,
              createdAt: now,
            },
            $set: set,
          },
          { upsert: true, returnDocument: 'after' },
        )) ?? undefined
      );
    } catch (error) {
      if (isDuplicateKey(error)) return undefined;
      throw error;
    }
  }

  /** Looks up by username; the argument is coerced to a string so request data never becomes a query operator. */
  async findByUsername(username: string): Promise<AccountDocument | undefined> {
    return (await this.collection.findOne({ usernameKey: usernameKey(String(username)) })) ?? undefined;
  }

  async requireByUsername(username: string): Promise<AccountDocument> {
    const account = await this.findByUsername(username);
    if (!account) throw new AccountError(`no such user "${username}"`);
    return account;
  }

  async findById(sub: string): Promise<AccountDocument | undefined> {
    return (await this.collection.findOne({ _id: String(sub) })) ?? undefined;
  }

  /** The account without its password hash, for the protocol paths. */
  async findViewById(sub: string): Promise<AccountView | undefined> {
    return (await this.collection.findOne<AccountView>({ _id: String(sub) }, { projection: ACCOUNT_VIEW_PROJECTION })) ?? undefined;
  }

  async list(): Promise<AccountDocument[]> {
    return this.collection.find({}).sort({ usernameKey: 1 }).toArray();
  }

  /** Deletes the account; throws AccountError when there is none. Its audit events stay (they name user and sub). */
  async remove(sub: string): Promise<void> {
    const { deletedCount } = await this.collection.deleteOne({ _id: String(sub) });
    if (deletedCount === 0) throw new AccountError(`no such account ${sub}`);
  }

  /** Applies a change to an existing account; throws AccountError naming the username when there is none. */
  async update(
    username: string,
    change: Partial<Pick<AccountDocument, 'passwordHash' | 'disabled'>> & { claims?: Record<string, unknown> },
  ): Promise<AccountDocument> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    if (change.passwordHash !== undefined) set.passwordHash = change.passwordHash;
    if (change.disabled !== undefined) set.disabled = change.disabled;
    for (const [field, value] of Object.entries(change.claims ?? {})) {
      if (!CLAIM_FIELD.test(field)) throw new AccountError(`invalid field name "${field}" (expected letters, digits and _)`);
      set[`claims.${field}`] = value;
    }
    const updated = await this.collection.findOneAndUpdate(
      { usernameKey: usernameKey(String(username)) },
      { $set: set },
      { returnDocument: 'after' },
    );
    if (!updated) throw new AccountError(`no such user "${username}"`);
    return updated;
  }
}
