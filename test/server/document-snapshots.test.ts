// Discovery and JWKS replayed from oidc-provider's own answer: identical answers, only for requests it would answer alike.
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import { DocumentSnapshots } from '../../src/provider/document-snapshots.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import type { Gatehouse } from '../../src/gatehouse.js';

/** Headers that differ between any two answers (per request or per second). */
const comparable = (response: Response) =>
  [...response.headers].filter(([name]) => !['date', 'x-request-id', 'keep-alive', 'connection'].includes(name));

describe('document snapshots (against a stand-in for oidc-provider that counts what reaches it)', () => {
  const providers = { a: {} as Provider, b: {} as Provider };
  const live = { current: providers.a };
  let reached: string[] = [];
  let url: string;
  let server: ReturnType<Koa['listen']>;

  beforeAll(async () => {
    const snapshots = new DocumentSnapshots(live);
    const app = new Koa();
    // What the edge does around the provider.
    app.use(async (ctx, next) => {
      if (snapshots.answer(ctx)) return;
      await next();
      snapshots.keep(ctx, ctx.state.routeLabel);
    });
    app.use((ctx) => {
      reached.push(`${ctx.method} ${ctx.url}`);
      const route = ctx.path === '/jwks' ? 'jwks' : ctx.path === '/.well-known/openid-configuration' ? 'discovery' : 'token';
      ctx.oidc = { provider: live.current, route };
      ctx.state.routeLabel = ctx.path;
      if (ctx.get('x-set-cookie')) ctx.cookies.set('c', '1');
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
      ctx.type = 'application/jwk-set+json; charset=utf-8';
      ctx.body = { route, host: ctx.host, provider: live.current === providers.a ? 'a' : 'b' };
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it('answers a repeated plain GET from the snapshot: same status, headers and bytes, the provider not asked again', async () => {
    reached = [];
    const first = await fetch(`${url}/jwks`);
    const second = await fetch(`${url}/jwks`);
    expect(reached).toEqual(['GET /jwks']);
    expect(second.status).toBe(200);
    expect(comparable(second)).toEqual(comparable(first));
    expect(await second.text()).toBe(await first.text());
  });

  it('sends to the provider what it would answer differently: another Origin, a query, HEAD, POST, another route', async () => {
    await fetch(`${url}/jwks`);
    reached = [];
    const withOrigin = await fetch(`${url}/jwks`, { headers: { origin: 'https://rp.example' } });
    expect(withOrigin.headers.get('access-control-allow-origin')).toBe('https://rp.example');
    await fetch(`${url}/jwks?x=1`);
    await fetch(`${url}/jwks`, { method: 'HEAD' });
    await fetch(`${url}/jwks`, { method: 'POST' });
    await fetch(`${url}/token`);
    await fetch(`${url}/token`);
    expect(reached).toEqual(['GET /jwks', 'GET /jwks?x=1', 'HEAD /jwks', 'POST /jwks', 'GET /token', 'GET /token']);
  });

  it('keeps one snapshot per host, and none of an answer that sets a cookie', async () => {
    reached = [];
    const path = '/.well-known/openid-configuration';
    const asHost = (host: string, extra: Record<string, string> = {}) =>
      new Promise<string>((resolve, reject) =>
        request(`${url}${path}`, { headers: { host, ...extra } }, (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk)).on('end', () => resolve(body));
        })
          .on('error', reject)
          .end(),
      );
    expect(JSON.parse(await asHost('one.test')).host).toBe('one.test');
    expect(JSON.parse(await asHost('two.test')).host).toBe('two.test');
    expect(JSON.parse(await asHost('one.test')).host).toBe('one.test');
    expect(JSON.parse(await asHost('two.test')).host).toBe('two.test');
    expect(reached).toEqual([`GET ${path}`, `GET ${path}`]);
    reached = [];
    await asHost('cookie.test', { 'x-set-cookie': '1' });
    await asHost('cookie.test');
    await asHost('cookie.test');
    expect(reached).toEqual([`GET ${path}`, `GET ${path}`]);
  });

  it('asks the provider again once it was replaced (rotated keys), and replays the new answer', async () => {
    await fetch(`${url}/jwks`);
    reached = [];
    live.current = providers.b;
    expect(((await (await fetch(`${url}/jwks`)).json()) as { provider: string }).provider).toBe('b');
    expect(((await (await fetch(`${url}/jwks`)).json()) as { provider: string }).provider).toBe('b');
    expect(reached).toEqual(['GET /jwks']);
    live.current = providers.a;
  });
});

describe('document snapshots in Gatehouse', () => {
  let storage: TestStorage;
  let gatehouse: Gatehouse;
  beforeAll(async () => {
    storage = await startTestStorage();
    gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: 'demo: false\n' });
  });
  afterAll(async () => {
    await gatehouse.close();
    await storage.stop();
  });

  it('replays discovery and JWKS exactly as oidc-provider answered them, security headers included', async () => {
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const answers = [await fetch(`${gatehouse.url}${path}`), await fetch(`${gatehouse.url}${path}`)];
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(comparable(answers[1])).toEqual(comparable(answers[0]));
      expect(answers[1].headers.get('x-request-id')).not.toBe(answers[0].headers.get('x-request-id'));
      expect(answers[1].headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(answers[1].headers.get('access-control-allow-origin')).toBe('*');
      const [first, second] = await Promise.all(answers.map((answer) => answer.text()));
      expect(second).toBe(first);
      expect(JSON.parse(second)).toHaveProperty(path === '/jwks' ? 'keys' : 'jwks_uri');
    }
  });

  it('answers a browser (Origin) with CORS for its origin, not the replayed wildcard', async () => {
    await fetch(`${gatehouse.url}/jwks`);
    const answer = await fetch(`${gatehouse.url}/jwks`, { headers: { origin: 'https://spa.example' } });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://spa.example');
  });
});
