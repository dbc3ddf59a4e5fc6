// An account's passkeys (WebAuthn credentials): public key, signature counter, name, created and last-used dates.
import type { Collection, Db } from 'mongodb';
import type { NewPasskey } from './webauthn.js';

export interface PasskeyDocument {
  /** The credential id (base64url), unique across all accounts. */
  _id: string;
  accountId: string;
  name: string;
  /** COSE public key, base64url. Public: nothing to seal. */
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export const MAX_PASSKEY_NAME = 64;

/** A name to show: trimmed, control characters dropped, bounded; a default when empty. */
export function passkeyName(input: string, fallback: string): string {
  // Control characters (below U+0020, and U+007F) are dropped; filtered by code so no regex spells them out.
  const name = [...input]
    .filter((char) => char >= ' ' && char !== '\u007f')
    .join('')
    .trim()
    .slice(0, MAX_PASSKEY_NAME);
  return name || fallback;
}

export class PasskeyStore {
  readonly collection: Collection<PasskeyDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PasskeyDocument>('mfa_passkeys');
  }

  async createIndexes(): Promise<void> {
    await this.collection.createIndex({ accountId: 1, createdAt: 1 }, { name: 'accountId_createdAt' });
  }

  async list(accountId: string): Promise<PasskeyDocument[]> {
    return this.collection
      .find({ accountId: String(accountId) })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
  }

  async count(accountId: string): Promise<number> {
    return this.collection.countDocuments({ accountId: String(accountId) });
  }

  async find(credentialId: string): Promise<PasskeyDocument | undefined> {
    return (await this.collection.findOne({ _id: String(credentialId) })) ?? undefined;
  }

  async add(passkey: PasskeyDocument): Promise<void> {
    await this.collection.insertOne(passkey);
  }

  /** Stores a passkey a registration ceremony just verified, under the name the user gave it. */
  async addRegistered(accountId: string, name: string, created: NewPasskey): Promise<void> {
    const { credentialId, publicKey, counter, transports, deviceType, backedUp } = created;
    await this.add({
      _id: credentialId,
      accountId,
      name,
      publicKey,
      counter,
      transports,
      deviceType,
      backedUp,
      createdAt: new Date(),
      lastUsedAt: null,
    });
  }

  /** Renames one of the account's own passkeys: the account id is part of the filter, so another's passkey is never touched. */
  async rename(accountId: string, credentialId: string, name: string): Promise<boolean> {
    const { matchedCount } = await this.collection.updateOne(
      { _id: String(credentialId), accountId: String(accountId) },
      { $set: { name } },
    );
    return matchedCount === 1;
  }

  async remove(accountId: string, credentialId: string): Promise<boolean> {
    const { deletedCount } = await this.collection.deleteOne({ _id: String(credentialId), accountId: String(accountId) });
    return deletedCount === 1;
  }

  async removeAll(accountId: string): Promise<number> {
    return (await this.collection.deleteMany({ accountId: String(accountId) })).deletedCount;
  }

  /** After a verified assertion: the authenticator's new signature counter and when it was used. */
  async recordUse(credentialId: string, counter: number, backedUp: boolean): Promise<void> {
    await this.collection.updateOne({ _id: String(credentialId) }, { $set: { counter, backedUp, lastUsedAt: new Date() } });
  }
}
