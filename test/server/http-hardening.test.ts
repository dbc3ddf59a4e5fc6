// Browser-facing security and request limits: headers on pages, Secure cookies behind TLS, size limits, HSTS in production.
import { request as httpRequest } from 'node:http';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startTestGatehouse } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { authorizationRequest, CLIENTS_YAML, discover, expectPage, newBrowser, SECRETS } from '../helpers/oidc-flow.js';
import type { Gatehouse } from '../../src/gatehouse.js';

let storage: TestStorage;
let gatehouse: Gatehouse;
beforeAll(async () => {
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: `trust_proxy: 1\n${CLIENTS_YAML}`,
    env: { WEB_SECRET: SECRETS.web },
  });
});
afterAll(async () => {
  await gatehouse.close();
  await storage.stop();
});

describe('pages', () => {
  it('carry a CSP without inline script, no framing, no referrer, nosniff; no HSTS outside production', async () => {
    const config = await discover(gatehouse, 'web');
    const page = expectPage(await newBrowser().navigate((await authorizationRequest(config)).url.href), /Sign in/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // Scripts come only as files from Gatehouse (the passkey glue): no inline script, no inline style.
    expect(csp).toContain("script-src 'self';");
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc="\/assets\/[a-z-]+\.js")|style="/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('strict-transport-security')).toBeNull();
  });

  it("keep the trusted proxy's X-Request-Id only when it is well-formed and short", async () => {
    const idFor = async (sent: string) =>
      (await fetch(`${gatehouse.url}/healthz`, { headers: { 'x-request-id': sent } })).headers.get('x-request-id');
    expect(await idFor('proxy-req-0123456789')).toBe('proxy-req-0123456789');
    for (const bad of ['a'.repeat(65), 'id with spaces 0123', 'short'])
      expect(await idFor(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('set cookies HttpOnly and SameSite=Lax, and Secure when the request came over TLS through the trusted proxy', async () => {
    const config = await discover(gatehouse, 'web');
    const url = (await authorizationRequest(config)).url.href;
    const overTls = await fetch(url, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    const cookies = overTls.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie.toLowerCase()).toEqual(expect.stringMatching(/; secure/));
    for (const cookie of cookies) expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookies.some((cookie) => /samesite=lax/i.test(cookie))).toBe(true);
  });
});

describe('request limits', () => {
  it('refuses an over-long URL with 414', async () => {
    expect((await fetch(`${gatehouse.url}/auth?state=${'x'.repeat(9000)}`)).status).toBe(414);
  });

  it('refuses oversized headers with 431', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: gatehouse.port, path: '/healthz', headers: { 'x-filler': 'y'.repeat(20_000) } },
        (res) => resolve(res.statusCode!),
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
  });

  it('refuses an oversized login form with 413, on the error page', async () => {
    const config = await discover(gatehouse, 'web');
    const browser = newBrowser();
    const login = expectPage(await browser.navigate((await authorizationRequest(config)).url.href), /Sign in/);
    const page = expectPage(await browser.submit(login, '/login', { username: 'a', password: 'p'.repeat(20_000) }), /Something went wrong/);
    expect(page.status).toBe(413);
  });
});

describe('production', () => {
  it('sends HSTS', async () => {
    const production = await startTestGatehouse({
      mongoUri: storage.uri,
      dbName: `${storage.dbName}_hsts`,
      yaml: 'trust_proxy: 1\nmetrics:\n  bearer_token: a-metrics-token-for-tests-0123456789\n',
      env: {
        NODE_ENV: 'production',
        ISSUER: 'https://id.example.test',
        GATEHOUSE_KEY_ENCRYPTION_KEY: 'a-long-random-key-encryption-key-for-tests-0123456789',
      },
    });
    try {
      expect((await fetch(`${production.url}/healthz`)).headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      // The Host (or the trusted proxy's X-Forwarded-Host) writes the discovery URLs: only the issuer's is served.
      const discovery = (host: Record<string, string>) => fetch(`${production.url}/.well-known/openid-configuration`, { headers: host });
      const viaProxy = await discovery({ 'x-forwarded-host': 'id.example.test', 'x-forwarded-proto': 'https' });
      expect([viaProxy.status, ((await viaProxy.json()) as { authorization_endpoint: string }).authorization_endpoint]).toEqual([
        200,
        'https://id.example.test/auth',
      ]);
      const foreign = await discovery({ 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
      expect([foreign.status, await foreign.text()]).toEqual([400, expect.not.stringContaining('evil.example/auth')]);
      expect(await rawStatus(production.port, '/.well-known/openid-configuration', 'evil.example')).toBe(400);
      // Health checks, probes and Prometheus reach the instance by address.
      expect(await rawStatus(production.port, '/healthz', '10.0.0.7:3000')).toBe(200);
    } finally {
      await production.close();
    }
  });
});

/** Status of a GET with a Host header fetch() would not send as given. */
function rawStatus(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host header', () => {
  it('answers a malformed Host with 400, never a server error, in development too', async () => {
    for (const host of ['bad host', 'x/y', 'a_b..', '[zz]'])
      expect([host, await rawStatus(gatehouse.port, '/.well-known/openid-configuration', host)]).toEqual([host, 400]);
    expect(await rawStatus(gatehouse.port, '/.well-known/openid-configuration', `192.168.1.5:${gatehouse.port}`)).toBe(200);
  });
});
