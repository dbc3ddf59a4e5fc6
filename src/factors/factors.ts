// An account's sign-in factors together: which ones it has and may use under config, and removing them all.
import type { Db } from 'mongodb';
import type { MfaFactor } from '../config/schema.js';
import { PasskeyStore } from './passkeys.js';
import { RecoveryCodes } from './recovery-codes.js';
import { TotpStore } from './totp.js';
import { type RelyingParty, WebAuthnCeremonies } from './webauthn.js';

export interface FactorSummary {
  totp: boolean;
  passkeys: number;
  recoveryCodes: number;
  /** A second factor it may use now: an allowed TOTP or passkey (recovery codes only stand in for one). */
  usable: boolean;
}

export interface FactorOptions {
  kek: string | undefined;
  allowed: readonly MfaFactor[];
  rp: RelyingParty;
}

export class Factors {
  readonly totp: TotpStore;
  readonly passkeys: PasskeyStore;
  readonly recoveryCodes: RecoveryCodes;
  readonly webauthn: WebAuthnCeremonies;
  readonly allowed: ReadonlySet<MfaFactor>;

  constructor(db: Db, options: FactorOptions) {
    this.totp = new TotpStore(db, options.kek, options.rp.name);
    this.passkeys = new PasskeyStore(db);
    this.recoveryCodes = new RecoveryCodes(db);
    this.webauthn = new WebAuthnCeremonies(db, options.rp);
    this.allowed = new Set(options.allowed);
  }

  async createIndexes(): Promise<void> {
    await Promise.all([this.passkeys.createIndexes(), this.recoveryCodes.createIndexes(), this.webauthn.createIndexes()]);
  }

  /** What the account has, counting only factors config allows. */
  async summary(accountId: string): Promise<FactorSummary> {
    const [confirmed, passkeys, recoveryCodes] = await Promise.all([
      this.allowed.has('totp') ? this.totp.confirmedAt(accountId) : undefined,
      this.allowed.has('passkey') ? this.passkeys.count(accountId) : 0,
      this.allowed.has('recovery_code') ? this.recoveryCodes.remaining(accountId) : 0,
    ]);
    const totp = confirmed !== undefined;
    return { totp, passkeys, recoveryCodes, usable: totp || passkeys > 0 };
  }

  /** Removes every factor of the account, whatever config allows (an admin's reset, an account's removal). */
  async removeAll(accountId: string): Promise<{ totp: boolean; passkeys: number; recoveryCodes: number }> {
    const [totp, passkeys, recoveryCodes] = await Promise.all([
      this.totp.remove(accountId),
      this.passkeys.removeAll(accountId),
      this.recoveryCodes.remove(accountId),
    ]);
    return { totp, passkeys, recoveryCodes };
  }
}

/** The WebAuthn relying party of an issuer: passkeys belong to its host and are used from its origin. */
export function relyingParty(issuer: string, name: string): RelyingParty {
  const url = new URL(issuer);
  return { id: url.hostname, origin: url.origin, name };
}
