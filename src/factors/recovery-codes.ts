// Ten one-time recovery codes per account: shown once, stored as hashes, each usable once, replaced as a set.
import { createHash, randomInt } from 'node:crypto';
import type { Collection, Db } from 'mongodb';

const COUNT = 10;
/** No 0/o, 1/l/i: codes are read off paper. 31 symbols, 16 of them: 79 bits, beyond offline guessing of a SHA-256 hash. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const LENGTH = 16;

interface RecoveryCodeDocument {
  /** SHA-256 of the normalised code. The code has 79 random bits, so a fast hash is enough (no password to stretch). */
  _id: string;
  accountId: string;
  createdAt: Date;
  usedAt: Date | null;
}

function hash(code: string): string {
  return createHash('sha256').update(`gatehouse-recovery-code:${code}`).digest('hex');
}

/** Lower case, without the dashes and spaces people copy along. */
function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** xxxx-xxxx-xxxx-xxxx */
function newCode(): string {
  const symbols = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return symbols.match(/.{4}/g)!.join('-');
}

export class RecoveryCodes {
  readonly collection: Collection<RecoveryCodeDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RecoveryCodeDocument>('mfa_recovery_codes');
  }

  async createIndexes(): Promise<void> {
    await this.collection.createIndex({ accountId: 1 }, { name: 'accountId' });
  }

  /** Replaces the account's codes with ten new ones and returns them: the only time they are readable. */
  async regenerate(accountId: string): Promise<string[]> {
    const codes = Array.from({ length: COUNT }, newCode);
    const createdAt = new Date();
    await this.collection.deleteMany({ accountId: String(accountId) });
    await this.collection.insertMany(
      codes.map((code) => ({ _id: hash(normalise(code)), accountId: String(accountId), createdAt, usedAt: null })),
    );
    return codes;
  }

  /** Spends a code: true once per code, atomically, so two requests racing with the same code cannot both pass. */
  async use(accountId: string, code: string): Promise<boolean> {
    const normalised = normalise(code);
    if (normalised.length !== LENGTH) return false;
    const { modifiedCount } = await this.collection.updateOne(
      { _id: hash(normalised), accountId: String(accountId), usedAt: null },
      { $set: { usedAt: new Date() } },
    );
    return modifiedCount === 1;
  }

  async remaining(accountId: string): Promise<number> {
    return this.collection.countDocuments({ accountId: String(accountId), usedAt: null });
  }

  async remove(accountId: string): Promise<number> {
    return (await this.collection.deleteMany({ accountId: String(accountId) })).deletedCount;
  }
}
