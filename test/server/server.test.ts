// A listening Gatehouse: discovery, JWKS from keys persisted in MongoDB, health and readiness, 404s.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { WireServer } from '@gatehouse/mongo-wire';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

interface Jwk {
  kid: string;
  kty: string;
  alg: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

let storage: TestStorage;
beforeAll(async () => {
  storage = await startTestStorage();
});
afterAll(async () => {
  await storage.stop();
});

async function jwksOf(gatehouse: Gatehouse): Promise<Jwk[]> {
  const response = await fetch(`${gatehouse.url}/jwks`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: Jwk[] }).keys;
}

describe('listening server', () => {
  let gatehouse: Gatehouse;
  beforeAll(async () => {
    gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName });
  });
  afterAll(async () => {
    await gatehouse.close();
  });

  it('serves discovery with the configured issuer', async () => {
    const response = await fetch(`${gatehouse.url}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(`http://localhost:${gatehouse.port}`);
    expect(discovery.jwks_uri).toBe(`http://localhost:${gatehouse.port}/jwks`);
    expect(discovery.response_types_supported).toEqual(['code']);
  });

  it('publishes RS256, ES256 and EdDSA public keys only', async () => {
    const keys = await jwksOf(gatehouse);
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    for (const key of keys) for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) expect(key[secret]).toBeUndefined();
    const stored = await storage.db.collection<{ kid: string; privateJwk: { d?: string } }>('keys').find().toArray();
    expect(stored.map((key) => key.kid).sort()).toEqual(keys.map((key) => key.kid).sort());
    expect(stored.every((key) => typeof key.privateJwk.d === 'string')).toBe(true);
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${gatehouse.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gatehouse.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('answers 404 for unknown paths', async () => {
    const response = await fetch(`${gatehouse.url}/no/such/path`);
    expect(response.status).toBe(404);
  });

  it('serves the same kids after a restart and from a second instance on the same database', async () => {
    const before = (await jwksOf(gatehouse)).map((key) => key.kid).sort();
    const second = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName });
    try {
      expect((await jwksOf(second)).map((key) => key.kid).sort()).toEqual(before);
    } finally {
      await second.close();
    }
  });
});

describe('two instances starting at once on an empty database', () => {
  it('agree on one key per algorithm', async () => {
    const dbName = `${storage.dbName}_race`;
    const [a, b] = await Promise.all([
      startTestGatehouse({ mongoUri: storage.uri, dbName }),
      startTestGatehouse({ mongoUri: storage.uri, dbName }),
    ]);
    try {
      const kidsA = (await jwksOf(a)).map((key) => key.kid).sort();
      expect(kidsA).toHaveLength(3);
      expect((await jwksOf(b)).map((key) => key.kid).sort()).toEqual(kidsA);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('readiness follows the database', () => {
  it('turns 503 with a reason when the database goes away and 200 when it is back', async () => {
    // Needs a database server this test may stop: an in-process wire server it owns.
    let database = await WireServer.start();
    const gatehouse = await startTestGatehouse({ mongoUri: database.uri(), dbName: 'readiness' });
    try {
      expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(200);
      const { port, store } = database;
      await database.stop();
      const down = await fetch(`${gatehouse.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' });
      expect((await fetch(`${gatehouse.url}/healthz`)).status).toBe(200);

      database = await WireServer.start({ port, store });
      const deadline = Date.now() + 20_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = (await fetch(`${gatehouse.url}/readyz`)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
    } finally {
      await gatehouse.close();
      await database.stop();
    }
  }, 40_000);
});
