// WebAuthn ceremonies through @simplewebauthn/server: options with single-use challenges, and verified responses.
import type { Collection, Db } from 'mongodb';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyDocument } from './passkeys.js';

/** Loaded at the first ceremony: its ASN.1 and X.509 dependencies take a second or more to import, which start-up need not wait for. */
let library: Promise<typeof import('@simplewebauthn/server')> | undefined;
const simplewebauthn = () => {
  library ??= import('@simplewebauthn/server');
  return library;
};

/** How long a ceremony may take, in the browser and on the server. */
const TIMEOUT_MS = 5 * 60 * 1000;

type Purpose = 'register' | 'authenticate';

interface ChallengeDocument {
  /** The challenge itself (base64url, random): consumed by the response it was issued for. */
  _id: string;
  /** What the ceremony belongs to: an interaction, or an account-page session. Another browser's challenge never fits. */
  binding: string;
  purpose: Purpose;
  expiresAt: Date;
}

export interface RelyingParty {
  /** The issuer's host: passkeys are scoped to it. */
  id: string;
  /** The issuer's origin, which the browser reports in every response. */
  origin: string;
  name: string;
}

export interface NewPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  userVerified: boolean;
}

export interface VerifiedAssertion {
  newCounter: number;
  userVerified: boolean;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

/** Parses the credential a page posted (JSON in a form field); undefined unless it has the shape of a WebAuthn response. */
export function parseCredential<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(text: string): T | undefined {
  try {
    const value = JSON.parse(text) as Partial<T> | null;
    return value && typeof value.id === 'string' && typeof value.response === 'object' && value.response !== null
      ? (value as T)
      : undefined;
  } catch {
    return undefined;
  }
}

export class WebAuthnCeremonies {
  private readonly challenges: Collection<ChallengeDocument>;

  constructor(
    db: Db,
    readonly rp: RelyingParty,
  ) {
    this.challenges = db.collection<ChallengeDocument>('webauthn_challenges');
  }

  async createIndexes(): Promise<void> {
    await this.challenges.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
  }

  /** Options for creating a discoverable passkey (so it can later sign in without a username); existing ones are excluded. */
  async registrationOptions(
    binding: string,
    user: { id: string; name: string; displayName: string },
    existing: readonly PasskeyDocument[],
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { generateRegistrationOptions } = await simplewebauthn();
    const options = await generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: user.name,
      userDisplayName: user.displayName,
      userID: new TextEncoder().encode(user.id),
      timeout: TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({ id: passkey._id, transports: passkey.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await this.remember(options.challenge, binding, 'register');
    return options;
  }

  async verifyRegistration(binding: string, response: RegistrationResponseJSON): Promise<NewPasskey | undefined> {
    const { verifyRegistrationResponse } = await simplewebauthn();
    try {
      const { verified, registrationInfo } = await verifyRegistrationResponse({
        response,
        expectedChallenge: (challenge) => this.consume(challenge, binding, 'register'),
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: false,
      });
      if (!verified) return undefined;
      const { credential } = registrationInfo;
      return {
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? response.response.transports ?? [],
        deviceType: registrationInfo.credentialDeviceType,
        backedUp: registrationInfo.credentialBackedUp,
        userVerified: registrationInfo.userVerified,
      };
    } catch {
      // A malformed or forged response, a wrong origin, a spent challenge: all simply not verified.
      return undefined;
    }
  }

  /**
   * Options for an assertion. Without `allow` the browser offers any passkey for this site (passwordless sign-in,
   * autofill), which must verify its user; with it, one of the account's passkeys as a second factor.
   */
  async authenticationOptions(binding: string, allow?: readonly PasskeyDocument[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { generateAuthenticationOptions } = await simplewebauthn();
    const options = await generateAuthenticationOptions({
      rpID: this.rp.id,
      timeout: TIMEOUT_MS,
      userVerification: allow ? 'preferred' : 'required',
      allowCredentials: allow?.map((passkey) => ({ id: passkey._id, transports: passkey.transports })) ?? [],
    });
    await this.remember(options.challenge, binding, 'authenticate');
    return options;
  }

  /** Verifies an assertion by this passkey; the library refuses a signature counter that went backwards (a cloned key). */
  async verifyAuthentication(
    binding: string,
    response: AuthenticationResponseJSON,
    passkey: PasskeyDocument,
    requireUserVerification: boolean,
  ): Promise<VerifiedAssertion | undefined> {
    const { verifyAuthenticationResponse } = await simplewebauthn();
    try {
      const { verified, authenticationInfo } = await verifyAuthenticationResponse({
        response,
        expectedChallenge: (challenge) => this.consume(challenge, binding, 'authenticate'),
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        credential: {
          id: passkey._id,
          publicKey: Buffer.from(passkey.publicKey, 'base64url'),
          counter: passkey.counter,
          transports: passkey.transports as never,
        },
        requireUserVerification,
      });
      if (!verified) return undefined;
      return {
        newCounter: authenticationInfo.newCounter,
        userVerified: authenticationInfo.userVerified,
        deviceType: authenticationInfo.credentialDeviceType,
        backedUp: authenticationInfo.credentialBackedUp,
      };
    } catch {
      return undefined;
    }
  }

  private async remember(challenge: string, binding: string, purpose: Purpose): Promise<void> {
    await this.challenges.insertOne({ _id: challenge, binding, purpose, expiresAt: new Date(Date.now() + TIMEOUT_MS) });
  }

  /** A challenge is good once, for the binding and purpose it was issued for, until it expires. */
  private async consume(challenge: string, binding: string, purpose: Purpose): Promise<boolean> {
    const found = await this.challenges.findOneAndDelete({ _id: String(challenge), binding, purpose, expiresAt: { $gt: new Date() } });
    return found !== null;
  }
}
