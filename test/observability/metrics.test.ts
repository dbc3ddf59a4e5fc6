// /metrics: Prometheus text behind a bearer token, counting requests, tokens, logins, throttling and MongoDB latency.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { freePort } from '../helpers/harness.js';
import {
  addUser,
  authorizationRequest,
  discover,
  exchange,
  expectPage,
  newBrowser,
  signIn,
  startFlowEnv,
  type FlowEnv,
} from '../helpers/oidc-flow.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('/metrics on the main port behind a bearer token', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlowEnv(
      `metrics:\n  bearer_token: ${TOKEN}\nlogin_throttling:\n  per_username_and_ip: { attempts: 1, window: 15m, lockout: 15m }\n`,
    );
    await addUser(env.accounts, 'xena', 'xena-password-1');
  });
  afterAll(async () => {
    await env.stop();
  });

  it('refuses scrapes without the token', async () => {
    expect((await fetch(`${env.gatehouse.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${env.gatehouse.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('counts requests by route and status, tokens by grant and client, logins by outcome, throttling and MongoDB commands', async () => {
    const config = await discover(env.gatehouse, 'web');
    const request = await authorizationRequest(config);
    await exchange(config, await signIn(newBrowser(), request, 'xena', 'xena-password-1'), request);
    for (let i = 0; i < 2; i++) {
      const browser = newBrowser();
      const login = expectPage(await browser.navigate((await authorizationRequest(config)).url.href), /Sign in/);
      await browser.submit(login, '/login', { username: 'ghost', password: 'wrong' });
    }

    const response = await fetch(`${env.gatehouse.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/gatehouse_http_requests_total\{route="\/token",method="POST",status="200"\} 1/);
    expect(text).toMatch(
      /gatehouse_http_request_duration_seconds_bucket\{le="[\d.]+",route="\/interaction\/:uid",method="GET",status="200"\}/,
    );
    expect(text).toMatch(/gatehouse_tokens_issued_total\{grant_type="authorization_code",client_id="web"\} 1/);
    expect(text).toMatch(/gatehouse_logins_total\{outcome="success"\} 1/);
    expect(text).toMatch(/gatehouse_logins_total\{outcome="failure"\} 1/);
    expect(text).toMatch(/gatehouse_logins_total\{outcome="throttled"\} 1/);
    expect(text).toMatch(/gatehouse_throttled_requests_total\{kind="login"\} 1/);
    // MongoDB from the connection pool's events; per-command latency only when asked for (metrics.mongodb_commands).
    expect(Number(/^gatehouse_mongodb_operation_duration_seconds_count (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(10);
    expect(text).toMatch(/^gatehouse_mongodb_pool_wait_seconds_count \d+$/m);
    expect(text).toMatch(/^gatehouse_mongodb_heartbeat_seconds [\d.e-]+$/m);
    expect(text).not.toMatch(/gatehouse_mongodb_command_duration_seconds_count\{/);
    expect(text).not.toMatch(/route="\/interaction\/[A-Za-z0-9_-]{20,}"/);
  });
});

describe('/metrics on a separate port', () => {
  it('serves metrics there and not on the public port, with per-command MongoDB latency when asked for', async () => {
    const port = await freePort();
    const env = await startFlowEnv(`metrics:\n  port: ${port}\n  mongodb_commands: true\n`);
    try {
      expect((await fetch(`${env.gatehouse.url}/metrics`)).status).toBe(404);
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('gatehouse_http_requests_total');
      expect(text).toMatch(/gatehouse_mongodb_command_duration_seconds_count\{command="find",outcome="ok"\} \d+/);
    } finally {
      await env.stop();
    }
  });
});
