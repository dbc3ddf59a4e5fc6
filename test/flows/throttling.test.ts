// Brute-force protection: per-username and per-IP failure counters in MongoDB, a lockout, 429 with Retry-After.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type * as client from 'openid-client';
import {
  addUser,
  authorizationRequest,
  discover,
  exchange,
  expectCallback,
  expectPage,
  newBrowser,
  signIn,
  startFlowEnv,
  SECRETS,
  type FlowEnv,
} from '../helpers/oidc-flow.js';

const GENERIC = 'The username or password is incorrect.';
let env: FlowEnv;
let config: client.Configuration;

beforeAll(async () => {
  env = await startFlowEnv(`trust_proxy: 1
login_throttling:
  per_username_and_ip: { attempts: 3, window: 15m, lockout: 10m }
  per_ip: { attempts: 5, window: 15m, lockout: 10m }
  per_username: { attempts: 3, window: 15m, max_delay: 2s }
client_auth_throttling:
  per_client: { attempts: 3, window: 5m, lockout: 5m }
`);
  for (const name of ['uma', 'vic', 'wes']) await addUser(env.accounts, name, `${name}-password-1`);
  config = await discover(env.gatehouse, 'first');
});
afterAll(async () => {
  await env.stop();
});

/** One login attempt from `ip`; returns the response page or the callback when it succeeded. */
async function attempt(ip: string, username: string, password: string) {
  const browser = newBrowser();
  browser.headers['x-forwarded-for'] = ip;
  const request = await authorizationRequest(config);
  const login = expectPage(await browser.navigate(request.url.href), /Sign in/);
  return browser.submit(login, '/login', { username, password });
}

describe('login throttling', () => {
  it('locks a (username, IP) pair out after repeated failures, never the owner elsewhere: same message, 429 and Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const page = (await attempt('10.0.0.1', 'uma', 'wrong')).page!;
      expect([page.status, page.html.includes(GENERIC)]).toEqual([401, true]);
    }
    // From the guessing IP even the right password is refused during the lockout...
    const locked = (await attempt('10.0.0.1', 'UMA', 'uma-password-1')).page!;
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(locked.html).toContain(GENERIC);
    // ...while the owner, elsewhere, signs in.
    expectCallback(await attempt('10.0.0.2', 'uma', 'uma-password-1'));
    expect(await env.storage.db.collection('login_throttle').countDocuments({ key: 'pair:uma|10.0.0.1' })).toBe(1);
    // A throttled burst is counted in one audit record, not one event per attempt.
    for (let i = 0; i < 3; i++) expect((await attempt('10.0.0.1', 'uma', 'wrong')).page!.status).toBe(429);
    const throttled = await env.storage.db
      .collection('audit')
      .find({ type: 'login.throttled', user: { $in: ['uma', 'UMA'] } })
      .toArray();
    expect(throttled.map((record) => [record.ip, record.count]).sort()).toEqual([
      ['10.0.0.1', 1],
      ['10.0.0.1', 3],
    ]);
  });

  it('slows a username attacked from many sources, but never refuses the owner', async () => {
    await addUser(env.accounts, 'yan', 'yan-password-1');
    expectCallback(await attempt('10.0.6.9', 'yan', 'yan-password-1'));
    for (let i = 0; i < 3; i++) expect((await attempt(`10.0.6.${i}`, 'yan', 'wrong')).page!.status).toBe(401);
    // Past 3 failures from all sources, an attempt from a source yan never used waits 1 s before its password is checked.
    let started = Date.now();
    expect((await attempt('10.0.6.3', 'yan', 'wrong')).page!.status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // The owner from a new, clean source is slowed (2 s now, the configured maximum) but let in.
    started = Date.now();
    expectCallback(await attempt('10.0.6.4', 'yan', 'yan-password-1'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    // From a source yan signed in from before, no wait is imposed (it completes; timing is not asserted here).
    expectCallback(await attempt('10.0.6.9', 'yan', 'yan-password-1'));
  });

  it('a successful sign-in resets the username counter', async () => {
    for (let i = 0; i < 2; i++) expect((await attempt('10.0.1.1', 'vic', 'wrong')).page!.status).toBe(401);
    expectCallback(await attempt('10.0.1.1', 'vic', 'vic-password-1'));
    for (let i = 0; i < 2; i++) expect((await attempt('10.0.1.1', 'vic', 'wrong')).page!.status).toBe(401);
    expectCallback(await attempt('10.0.1.1', 'vic', 'vic-password-1'));
  });

  it('locks an IP out after failures across usernames, without locking those users elsewhere', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('10.0.2.1', `nobody${i}`, 'wrong')).page!.status).toBe(401);
    const fromThatIp = (await attempt('10.0.2.1', 'wes', 'wes-password-1')).page!;
    expect(fromThatIp.status).toBe(429);
    expect(fromThatIp.html).toContain(GENERIC);
    expectCallback(await attempt('10.0.2.2', 'wes', 'wes-password-1'));
  });
});

describe('client IP behind the proxy (trust_proxy: 1)', () => {
  it('is the X-Forwarded-For entry the proxy appended: rotating the entries a client writes itself evades no limit', async () => {
    // An appending proxy (nginx's $proxy_add_x_forwarded_for) passes the client's own header on and adds the peer address.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(`198.51.100.${i}, 10.0.9.1`, `spray${i}`, 'wrong')).page!.status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const audited = await env.storage.db
      .collection('audit')
      .find({ type: 'login.failure', user: { $in: ['spray0', 'spray1'] } })
      .toArray();
    expect(audited.map((event) => event.ip)).toEqual(['10.0.9.1', '10.0.9.1']);
  });
});

describe('oversized usernames', () => {
  it('are refused before any lookup: no throttle key, no audit event carries them', async () => {
    const huge = `x${'y'.repeat(300)}`;
    const page = (await attempt('10.0.8.1', huge, 'wrong')).page!;
    expect([page.status, page.html.includes(GENERIC), page.html.includes(huge)]).toEqual([400, true, false]);
    const db = env.storage.db;
    expect(await db.collection('login_throttle').countDocuments({ key: { $regex: 'yyyy' } })).toBe(0);
    expect(await db.collection('audit').countDocuments({ user: huge })).toBe(0);
  });
});

describe('client authentication throttling', () => {
  it('locks a client_id out of the token endpoint after repeated wrong secrets, with 429 and Retry-After', async () => {
    const tokenEndpoint = config.serverMetadata().token_endpoint!;
    const post = (secret: string, ip: string) =>
      fetch(tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`web:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': ip,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-token' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(`wrong-${i}`, '10.1.0.1')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const locked = await post(SECRETS.web, '10.1.0.1');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ error: 'invalid_client' });
    // Counted per client_id and IP: the guesser cannot lock the real client out from elsewhere.
    expect((await post(SECRETS.web, '10.1.0.2')).status).toBe(400);
  });

  it('counts guesses at every path and scheme spelling oidc-provider accepts', async () => {
    const tokenEndpoint = new URL(config.serverMetadata().token_endpoint!);
    const post = (path: string, scheme: string) =>
      fetch(new URL(path, tokenEndpoint), {
        method: 'POST',
        headers: {
          authorization: `${scheme} ${Buffer.from('web:wrong-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': '10.1.1.1',
        },
        body: new URLSearchParams({ token: 'not-a-token' }),
      });
    const statuses: number[] = [];
    for (const [path, scheme] of [
      ['/TOKEN/INTROSPECTION', 'basic'],
      ['/token/', 'BASIC'],
      ['/Token/Revocation/', 'Basic'],
      ['/token', 'basic'],
    ])
      statuses.push((await post(path!, scheme!)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('counts parallel guesses: a burst cannot get more attempts than allowed', async () => {
    const logins = await Promise.all(Array.from({ length: 8 }, () => attempt('10.3.0.1', 'wes', 'wrong')));
    const statuses = logins.map((outcome) => outcome.page!.status).sort();
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
  });
});

describe('client authentication throttling under a busy client', () => {
  it('never refuses concurrent successful requests, and a success writes no throttle state', async () => {
    await addUser(env.accounts, 'xena', 'xena-password-1');
    const request = await authorizationRequest(config);
    const { access_token } = await exchange(config, await signIn(newBrowser(), request, 'xena', 'xena-password-1', false), request);
    const introspection = config.serverMetadata().introspection_endpoint!;
    const introspect = () =>
      fetch(introspection, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`first:${SECRETS.first}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': '10.4.0.1',
        },
        body: new URLSearchParams({ token: access_token }),
      });
    // Ten times the per-client limit (3), all in flight at once.
    const responses = await Promise.all(Array.from({ length: 30 }, introspect));
    expect(responses.map((response) => response.status)).toEqual(Array(30).fill(200));
    expect(await env.storage.db.collection('client_auth_throttle').countDocuments({ key: { $regex: '10\\.4\\.0\\.1' } })).toBe(0);
  });
});
