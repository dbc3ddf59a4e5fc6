// Signing keys and cookie secrets in MongoDB: generated once, rotated in stages, sealed at rest, shared by every instance.
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { isDuplicateKey } from '../storage/errors.js';
import { openJwk, sealJwk, type SealedJwk } from './key-encryption.js';

/** RS256 because OpenID Connect requires it for ID tokens; ES256 and EdDSA for resource servers that prefer them. */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface StoredKey {
  /** `<alg>-<generation>`: a fixed name per generation makes concurrent starts and rotations race-free. */
  _id: string;
  kid: string;
  alg: SigningAlgorithm;
  generation: number;
  /** Only in development without GATEHOUSE_KEY_ENCRYPTION_KEY; otherwise sealedJwk. */
  privateJwk?: JWK;
  sealedJwk?: SealedJwk;
  createdAt: Date;
  /** Published from creation, but signs only from here on, so caches of the JWKS learn it first. */
  activatesAt: Date;
  /** Set when a successor is created: unpublished from here, after every token it signed has expired. */
  retiresAt?: Date;
}

export type KeyState = 'pending' | 'active' | 'retiring' | 'retired';

export function keyState(key: StoredKey, now: Date): KeyState {
  if (key.retiresAt && key.retiresAt <= now) return 'retired';
  if (key.activatesAt > now) return 'pending';
  return key.retiresAt ? 'retiring' : 'active';
}

interface CookieSecrets {
  _id: 'cookie-keys';
  keys: string[];
  createdAt: Date;
}

const keysOf = (db: Db) => db.collection<StoredKey>('keys');

async function generateSigningKey(
  alg: SigningAlgorithm,
  generation: number,
  kek: string | undefined,
  now: Date,
  activatesAt: Date,
): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const exported = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(exported);
  const jwk = { ...exported, kid, alg, use: 'sig' };
  const material = kek ? { sealedJwk: sealJwk(jwk, kek, kid) } : { privateJwk: jwk };
  return { _id: `${alg}-${generation}`, kid, alg, generation, ...material, createdAt: now, activatesAt };
}

/** Makes sure one key per algorithm exists; when two instances start together, the first insert wins. */
export async function ensureSigningKeys(db: Db, kek: string | undefined, now = new Date()): Promise<void> {
  for (const alg of SIGNING_ALGORITHMS) {
    if (await keysOf(db).findOne({ alg })) continue;
    await keysOf(db)
      .insertOne(await generateSigningKey(alg, 1, kek, now, now))
      .catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
  }
}

/**
 * Seals private keys stored in plaintext (by a development start without a key-encryption key) once one is set, so a
 * database that moves to production holds no readable private key. Returns the kids it sealed.
 */
export async function sealPlaintextKeys(db: Db, kek: string): Promise<string[]> {
  const sealed: string[] = [];
  for (const key of await keysOf(db)
    .find({ privateJwk: { $exists: true } })
    .toArray()) {
    const { matchedCount } = await keysOf(db).updateOne(
      { _id: key._id, privateJwk: { $exists: true } },
      { $set: { sealedJwk: sealJwk(key.privateJwk!, kek, key.kid) }, $unset: { privateJwk: '' } },
    );
    if (matchedCount) sealed.push(key.kid);
  }
  return sealed;
}

/** Kids of keys whose private half is stored in plaintext. */
export async function unsealedKeyIds(db: Db): Promise<string[]> {
  return (
    await keysOf(db)
      .find({ privateJwk: { $exists: true } })
      .toArray()
  ).map((key) => key.kid);
}

export interface RotationTimes {
  /** How long a new key is published before it signs. */
  activationDelay: number;
  /** How long after the new key activates the old one stays published (the longest token lifetime). */
  retireAfter: number;
}

/** Adds the next generation of every algorithm and schedules the retirement of the keys it replaces. */
export async function rotateSigningKeys(db: Db, kek: string | undefined, times: RotationTimes, now = new Date()): Promise<StoredKey[]> {
  if (!kek && (await keysOf(db).findOne({ sealedJwk: { $exists: true } })))
    throw new Error('the stored keys are encrypted: set GATEHOUSE_KEY_ENCRYPTION_KEY so the new keys are sealed too');
  const activatesAt = new Date(now.getTime() + times.activationDelay * 1000);
  const retiresAt = new Date(activatesAt.getTime() + times.retireAfter * 1000);
  const created: StoredKey[] = [];
  for (const alg of SIGNING_ALGORITHMS) {
    const newest = await keysOf(db).find({ alg }).sort({ generation: -1 }).limit(1).next();
    const key = await generateSigningKey(alg, (newest?.generation ?? 0) + 1, kek, now, activatesAt);
    await keysOf(db).insertOne(key);
    await keysOf(db).updateMany({ alg, generation: { $lt: key.generation }, retiresAt: { $exists: false } }, { $set: { retiresAt } });
    created.push(key);
  }
  return created;
}

/** Every stored key with its state, newest first. */
export async function listSigningKeys(db: Db): Promise<StoredKey[]> {
  return keysOf(db).find({}).sort({ alg: 1, generation: -1 }).toArray();
}

/**
 * Private JWKs in the order oidc-provider needs: it signs with the first key of an algorithm, so for each algorithm
 * the newest active key comes first, then older ones still published, then pending ones. Retired keys are left out.
 */
export async function loadSigningJwks(db: Db, kek: string | undefined, now = new Date()): Promise<{ keys: JWK[] }> {
  const rank: Record<KeyState, number> = { active: 0, retiring: 1, pending: 2, retired: 3 };
  const published = (await listSigningKeys(db))
    .filter((key) => keyState(key, now) !== 'retired')
    .sort((a, b) => rank[keyState(a, now)] - rank[keyState(b, now)] || b.generation - a.generation);
  return { keys: published.map((key) => privateJwkOf(key, kek)) };
}

function privateJwkOf(key: StoredKey, kek: string | undefined): JWK {
  if (key.sealedJwk) {
    if (!kek) throw new Error(`signing key ${key.kid} is encrypted: set GATEHOUSE_KEY_ENCRYPTION_KEY`);
    return openJwk(key.sealedJwk, kek, key.kid);
  }
  return key.privateJwk!;
}

/** Changes whenever what /jwks publishes or which key signs would change: the reload trigger. */
export async function keyringFingerprint(db: Db, now = new Date()): Promise<string> {
  return (await listSigningKeys(db)).map((key) => `${key.kid}:${keyState(key, now)}`).join(',');
}

/** Secrets for oidc-provider's signed cookies, created once with an upsert so every instance shares them. */
export async function loadCookieKeys(db: Db): Promise<string[]> {
  const secrets = db.collection<CookieSecrets>('secrets');
  await secrets.updateOne(
    { _id: 'cookie-keys' },
    { $setOnInsert: { keys: [randomBytes(32).toString('base64url')], createdAt: new Date() } },
    { upsert: true },
  );
  const found = await secrets.findOne({ _id: 'cookie-keys' });
  if (!found) throw new Error('cookie keys vanished right after being written');
  return found.keys;
}
