// Signing keys and cookie secrets: generated once, stored in MongoDB, identical for every instance.
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** RS256 because OpenID Connect requires it for ID tokens; ES256 and EdDSA for resource servers that prefer them. */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface StoredKey {
  /** `<alg>-<generation>`: a fixed name per generation makes concurrent first starts race-free. */
  _id: string;
  kid: string;
  alg: SigningAlgorithm;
  privateJwk: JWK;
  createdAt: Date;
}

interface CookieSecrets {
  _id: 'cookie-keys';
  keys: string[];
  createdAt: Date;
}

const KEYS = 'keys';
const SECRETS = 'secrets';

async function generateSigningKey(alg: SigningAlgorithm, generation: number): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { _id: `${alg}-${generation}`, kid, alg, privateJwk: { ...jwk, kid, alg, use: 'sig' }, createdAt: new Date() };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

/** Makes sure one key per algorithm exists; when two instances start together, the first insert wins. */
export async function ensureSigningKeys(db: Db): Promise<void> {
  const keys = db.collection<StoredKey>(KEYS);
  for (const alg of SIGNING_ALGORITHMS) {
    if (await keys.findOne({ alg })) continue;
    try {
      await keys.insertOne(await generateSigningKey(alg, 1));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}

/** Private JWKs in the order oidc-provider signs with: for each algorithm, the first key listed signs. */
export async function loadSigningJwks(db: Db): Promise<{ keys: JWK[] }> {
  const stored = await db.collection<StoredKey>(KEYS).find({}).sort({ createdAt: -1, _id: 1 }).toArray();
  return { keys: stored.map((key) => key.privateJwk) };
}

/** Secrets for oidc-provider's signed cookies, created once with an upsert so every instance shares them. */
export async function loadCookieKeys(db: Db): Promise<string[]> {
  const secrets = db.collection<CookieSecrets>(SECRETS);
  await secrets.updateOne(
    { _id: 'cookie-keys' },
    { $setOnInsert: { keys: [randomBytes(32).toString('base64url')], createdAt: new Date() } },
    { upsert: true },
  );
  const found = await secrets.findOne({ _id: 'cookie-keys' });
  if (!found) throw new Error('cookie keys vanished right after being written');
  return found.keys;
}
