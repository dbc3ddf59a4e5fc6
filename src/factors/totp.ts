// TOTP (RFC 6238) for one account: enrolment with a QR code, confirmation, and codes each accepted at most once.
import type { Collection, Db } from 'mongodb';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { readSecret, type StoredSecret, storeSecret } from './factor-secret.js';

const PERIOD = 30;
const DIGITS = 6;
/** One period either side, for clocks a little apart (RFC 6238 §5.2 recommends at most one step of drift). */
const WINDOW = 1;
/** An unconfirmed enrolment keeps its secret this long, so reloading the page does not change the QR code under the user. */
const PENDING_MS = 15 * 60 * 1000;

interface TotpDocument {
  /** The account id: one TOTP per account. */
  _id: string;
  secret: StoredSecret;
  createdAt: Date;
  /** Unset while the enrolment waits for its first code. */
  confirmedAt?: Date;
  /** The last time step whose code was accepted: no code of that step or an earlier one is accepted again. */
  lastStep?: number;
}

export interface TotpEnrolment {
  /** Base32, for typing into an app by hand. */
  secret: string;
  /** otpauth:// URI the QR code carries. */
  uri: string;
  /** The QR code as an SVG data: URI (an img the CSP allows, with alt text). */
  qrCode: string;
}

/** Codes are six digits; spaces people type between groups are dropped. */
function normalise(code: string): string | undefined {
  const digits = code.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

export class TotpStore {
  private readonly collection: Collection<TotpDocument>;

  constructor(
    db: Db,
    private readonly kek: string | undefined,
    /** The issuer authenticator apps show beside the account name. */
    private readonly issuer: string,
  ) {
    this.collection = db.collection<TotpDocument>('mfa_totp');
  }

  /** Seals secrets stored in plaintext (development) once a key-encryption key is set; returns how many. */
  async sealPlaintext(): Promise<number> {
    if (!this.kek) return 0;
    let sealed = 0;
    for await (const doc of this.collection.find({ 'secret.plain': { $exists: true } })) {
      const secret = storeSecret(readSecret(doc.secret, undefined, doc._id), this.kek, doc._id);
      const { modifiedCount } = await this.collection.updateOne({ _id: doc._id, 'secret.plain': { $exists: true } }, { $set: { secret } });
      sealed += modifiedCount;
    }
    return sealed;
  }

  async confirmedAt(accountId: string): Promise<Date | undefined> {
    const found = await this.collection.findOne({ _id: String(accountId), confirmedAt: { $exists: true } });
    return found?.confirmedAt;
  }

  /** Starts (or resumes) an enrolment; undefined when the account already has a confirmed TOTP. */
  async startEnrolment(accountId: string, username: string): Promise<TotpEnrolment | undefined> {
    const id = String(accountId);
    const existing = await this.collection.findOne({ _id: id });
    if (existing?.confirmedAt) return undefined;
    let secret: string;
    if (existing && Date.now() - existing.createdAt.getTime() < PENDING_MS) secret = readSecret(existing.secret, this.kek, id);
    else {
      secret = new Secret({ size: 20 }).base32;
      await this.collection.replaceOne({ _id: id }, { secret: storeSecret(secret, this.kek, id), createdAt: new Date() }, { upsert: true });
    }
    const uri = this.totp(secret, username).toString();
    const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return { secret, uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /** Confirms a pending enrolment with one valid code; false when there is none or the code is wrong. */
  async confirm(accountId: string, code: string): Promise<boolean> {
    const id = String(accountId);
    const pending = await this.collection.findOne({ _id: id, confirmedAt: { $exists: false } });
    if (!pending || Date.now() - pending.createdAt.getTime() >= PENDING_MS) return false;
    const step = this.acceptedStep(readSecret(pending.secret, this.kek, id), code);
    if (step === undefined) return false;
    // Conditional on the same pending secret: a restarted enrolment in another tab is not confirmed by this code.
    const { modifiedCount } = await this.collection.updateOne(
      { _id: id, createdAt: pending.createdAt, confirmedAt: { $exists: false } },
      { $set: { confirmedAt: new Date(), lastStep: step } },
    );
    return modifiedCount === 1;
  }

  /** Checks a code of a confirmed TOTP. A code is accepted once: the step is recorded atomically, so a replay (or a race) fails. */
  async verify(accountId: string, code: string): Promise<boolean> {
    const id = String(accountId);
    const enrolled = await this.collection.findOne({ _id: id, confirmedAt: { $exists: true } });
    if (!enrolled) return false;
    const step = this.acceptedStep(readSecret(enrolled.secret, this.kek, id), code);
    if (step === undefined) return false;
    const { modifiedCount } = await this.collection.updateOne(
      { _id: id, confirmedAt: { $exists: true }, $or: [{ lastStep: { $exists: false } }, { lastStep: { $lt: step } }] },
      { $set: { lastStep: step } },
    );
    return modifiedCount === 1;
  }

  async remove(accountId: string): Promise<boolean> {
    const { deletedCount } = await this.collection.deleteOne({ _id: String(accountId) });
    return deletedCount === 1;
  }

  /** The time step a code belongs to, when it is valid now (within the window); otherwise undefined. */
  private acceptedStep(secret: string, code: string): number | undefined {
    const token = normalise(code);
    if (!token) return undefined;
    const now = Date.now();
    const delta = this.totp(secret, '').validate({ token, timestamp: now, window: WINDOW });
    return delta === null ? undefined : TOTP.counter({ period: PERIOD, timestamp: now }) + delta;
  }

  private totp(secret: string, label: string): TOTP {
    return new TOTP({ issuer: this.issuer, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: DIGITS, period: PERIOD });
  }
}
