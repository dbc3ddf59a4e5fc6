// Staged key rotation on a controllable clock, sealing at rest, and running instances picking rotations up.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import {
  ensureSigningKeys,
  keyState,
  listSigningKeys,
  loadSigningJwks,
  rotateSigningKeys,
  type StoredKey,
} from '../../src/keys/signing-keys.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { addUser, authorizationRequest, discover, exchange, newBrowser, signIn, startFlowEnv, type FlowEnv } from '../helpers/oidc-flow.js';

const KEK = 'test-key-encryption-key-0123456789abcdef0123456789';
const HOUR = 3600 * 1000;

let storage: TestStorage;
beforeAll(async () => {
  storage = await startTestStorage();
});
afterAll(async () => {
  await storage.stop();
});

const kidsFor = (jwks: { keys: { kid?: string; alg?: string }[] }, alg: string) =>
  jwks.keys.filter((key) => key.alg === alg).map((key) => key.kid);

describe('staged rotation timeline', () => {
  it('publishes a new key at once, signs with it only after the delay, and retires the old one after the longest token lifetime', async () => {
    const db = storage.client.db(`${storage.dbName}_timeline`);
    const t0 = new Date('2026-01-01T00:00:00Z');
    await ensureSigningKeys(db, KEK, t0);
    const [old] = (await listSigningKeys(db)).filter((key) => key.alg === 'ES256') as [StoredKey];

    const rotatedAt = new Date(t0.getTime() + 24 * HOUR);
    const created = await rotateSigningKeys(db, KEK, { activationDelay: 3600, retireAfter: 7200 }, rotatedAt);
    const fresh = created.find((key) => key.alg === 'ES256')!;

    const at = (ms: number) => new Date(rotatedAt.getTime() + ms);
    // Before activation: both published, the old key first (it signs).
    expect(kidsFor(await loadSigningJwks(db, KEK, at(60_000)), 'ES256')).toEqual([old.kid, fresh.kid]);
    expect([keyState(old, at(60_000)), keyState(fresh, at(60_000))]).toEqual(['active', 'pending']);
    // After activation: the new key signs, the old one is still published for tokens it signed.
    const after = await listSigningKeys(db);
    const oldNow = after.find((key) => key.kid === old.kid)!;
    expect(kidsFor(await loadSigningJwks(db, KEK, at(HOUR + 60_000)), 'ES256')).toEqual([fresh.kid, old.kid]);
    expect(keyState(oldNow, at(HOUR + 60_000))).toBe('retiring');
    // After the longest token lifetime: the old key is gone.
    expect(kidsFor(await loadSigningJwks(db, KEK, at(3 * HOUR + 60_000)), 'ES256')).toEqual([fresh.kid]);
    expect(keyState(oldNow, at(3 * HOUR + 60_000))).toBe('retired');
  });

  it('seals private keys at rest, and refuses to load them with the wrong key', async () => {
    const db = storage.client.db(`${storage.dbName}_sealed`);
    await ensureSigningKeys(db, KEK);
    const stored = await db.collection('keys').find().toArray();
    expect(stored).toHaveLength(3);
    for (const key of stored) {
      expect(key.privateJwk).toBeUndefined();
      expect(JSON.stringify(key)).not.toMatch(/"d":/);
      expect(key.sealedJwk).toMatchObject({ alg: 'A256GCM' });
    }
    expect((await loadSigningJwks(db, KEK)).keys.every((key) => typeof key.d === 'string')).toBe(true);
    await expect(loadSigningJwks(db, 'another-key-encryption-key-0123456789abcdef012')).rejects.toThrow(/cannot decrypt signing key/);
    await expect(loadSigningJwks(db, undefined)).rejects.toThrow(/set GATEHOUSE_KEY_ENCRYPTION_KEY/);
  });
});

describe('keys left in plaintext by a development start', () => {
  it('are reported by doctor, and sealed by the next start with a key-encryption key, keeping their kids', async () => {
    const dbName = `${storage.dbName}_plain`;
    const development = await startTestGatehouse({ mongoUri: storage.uri, dbName, yaml: 'demo: false\n' });
    const published = ((await (await fetch(`${development.url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    await development.close();
    const env = { MONGODB_URI: storage.uri, GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${dbName}\n`) };
    const before = await runProcess('dist/cli/index.js', ['doctor', '--production', '--url', 'http://127.0.0.1:9'], env);
    expect(before.stdout).toContain(`fail  signing key ${published[0]} is stored unsealed`);

    const sealedStart = await startTestGatehouse({
      mongoUri: storage.uri,
      dbName,
      yaml: 'demo: false\n',
      env: { GATEHOUSE_KEY_ENCRYPTION_KEY: KEK },
    });
    try {
      const stored = await storage.client.db(dbName).collection<StoredKey>('keys').find().toArray();
      expect(stored.map((key) => [key.privateJwk, key.sealedJwk?.alg])).toEqual(stored.map(() => [undefined, 'A256GCM']));
      const after = ((await (await fetch(`${sealedStart.url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
      expect(after.sort()).toEqual([...published].sort());
    } finally {
      await sealedStart.close();
    }
    const doctor = await runProcess('dist/cli/index.js', ['doctor', '--url', 'http://127.0.0.1:9'], {
      ...env,
      GATEHOUSE_KEY_ENCRYPTION_KEY: KEK,
    });
    expect(doctor.stdout).not.toContain('stored unsealed');
  });
});

const KEYS_YAML = 'keys:\n  activation_delay: 2s\n  reload_interval: 1s\n  jwks_cache_lifetime: 1s\n';

describe('rotation while Gatehouse runs', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    // A test-sized rotation: the config requires activation_delay >= reload_interval + jwks_cache_lifetime.
    env = await startFlowEnv(KEYS_YAML);
    await addUser(env.accounts, 'rita', 'rita-password-1');
  });
  afterAll(async () => {
    await env.stop();
  });

  it('gatehouse keys rotate: new kids appear in /jwks without a restart, then sign new ID tokens', async () => {
    const jwks = async () => (await (await fetch(`${env.gatehouse.url}/jwks`)).json()) as { keys: { kid: string; alg: string }[] };
    const before = kidsFor(await jwks(), 'RS256');
    expect(before).toHaveLength(1);

    const cliEnv = {
      MONGODB_URI: env.storage.uri,
      GATEHOUSE_CONFIG: writeConfigFile(`mongodb:\n  database: ${env.storage.dbName}\n${KEYS_YAML}`),
    };
    const ranAt = Date.now();
    const rotated = await runProcess('dist/cli/index.js', ['keys', 'rotate'], cliEnv);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^added RS256 key \S+\nadded ES256 key \S+\nadded EdDSA key \S+\n/);
    // It says when instances publish the keys (one reload interval), not "now": they are only in the database yet.
    const by = Date.parse(
      /\npublished: running instances serve the new keys in \/jwks within 1s \(keys\.reload_interval\), by (\S+)\n/.exec(
        rotated.stdout,
      )![1]!,
    );
    expect(by).toBeGreaterThanOrEqual(ranAt + 1000);
    expect(rotated.stdout).toMatch(
      /\nsigning: from \S+ \(keys\.activation_delay 2s\), each instance within 1s of that; relying parties caching \/jwks up to 1s/,
    );

    const deadline = Date.now() + 15_000;
    let published = before;
    while (published.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      published = kidsFor(await jwks(), 'RS256');
    }
    expect(published).toHaveLength(2);
    // Published within the interval it printed, give or take a slow test machine.
    expect(Date.now()).toBeLessThan(by + 5000);
    const fresh = published.find((kid) => !before.includes(kid))!;

    const config = await discover(env.gatehouse, 'web');
    let signedBy = before[0];
    let consented = false;
    while (signedBy !== fresh && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const request = await authorizationRequest(config, { scope: 'openid' });
      // Consent is remembered per account and client: only rita's first sign-in shows the consent page.
      const tokens = await exchange(config, await signIn(newBrowser(), request, 'rita', 'rita-password-1', !consented), request);
      consented = true;
      signedBy = decodeProtectedHeader(tokens.id_token!).kid!;
    }
    expect(signedBy).toBe(fresh);

    const listed = await runProcess('dist/cli/index.js', ['keys', 'list'], cliEnv);
    expect(listed.stdout).toMatch(new RegExp(`RS256\\t2\\tactive\\t${fresh}`));
    expect(listed.stdout).toMatch(new RegExp(`RS256\\t1\\tretiring\\t${before[0]}`));
  }, 40_000);
});
