// The production path as docker-compose.yml wires it, without Docker: Caddy with deploy/Caddyfile (tls internal) →
// Gatehouse with NODE_ENV=production, deploy/gatehouse.yaml and a .env made from .env.example → a database; then a
// code + PKCE sign-in over https with openid-client, and `gatehouse doctor` against it. Run by `npm run test:deploy`.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as client from 'openid-client';
import { parse } from 'yaml';
import { Browser } from '../helpers/browser.js';
import { freePort } from '../helpers/free-port.js';
import { exchange, signIn, type AuthRequest } from '../helpers/oidc-flow.js';
import { ROOT, runProcess, startCommand, startProcess, type RunningProcess } from '../helpers/run-process.js';

const CADDY_HOME = process.env.GATEHOUSE_DEPLOY_CADDY_HOME;
const INSTALL_CADDY = 'apt-get update && apt-get install -y caddy';

interface Service {
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

/** The host file a service mounts at `target`: the test runs the very files the compose file mounts. */
function mountedFile(service: Service, target: string): string {
  const volume = service.volumes?.find((entry) => entry.split(':')[1] === target);
  if (!volume) throw new Error(`docker-compose.yml mounts nothing at ${target}`);
  return path.join(ROOT, volume.split(':')[0]!);
}

/** .env as an admin fills it from .env.example: every empty value is a secret from `openssl rand -hex 32`. */
function dotEnvFromExample(overrides: Record<string, string>): Record<string, string> {
  const lines = readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n');
  const pairs = lines.filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line)).map((line) => line.split(/=(.*)/s, 2) as [string, string]);
  return { ...Object.fromEntries(pairs.map(([name, value]) => [name, value || randomBytes(32).toString('hex')])), ...overrides };
}

/** Compose's own ${NAME} and ${NAME:?message} interpolation from .env, for the few values the services take from it. */
function interpolate(environment: Record<string, string>, dotEnv: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_m, ref: string) => dotEnv[ref]!),
    ]),
  );
}

const REDIRECT_URI = 'https://app.example.com/callback';
const USER = { name: 'alice', password: 'correct horse battery staple' };

let issuer: string;
let httpPort: number;
let dotEnv: Record<string, string>;
/** What `docker compose exec gatehouse …` sees: the gatehouse container's environment. */
let gatehouseEnv: NodeJS.ProcessEnv;
const running: RunningProcess[] = [];

beforeAll(async () => {
  if (!CADDY_HOME) throw new Error('run this test with `npm run test:deploy`: it gives Node the CA of the Caddy it starts');
  const caddyPort = await freePort();
  issuer = `https://localhost:${caddyPort}`;
  dotEnv = dotEnvFromExample({ ISSUER: issuer });
  expect(dotEnv.CADDY_TLS).toBe('internal');

  // The compose file runs a MongoDB replica set; here the development wire server stands in for it, as its own process.
  const dbPort = await freePort();
  const db = startProcess('dist/cli/index.js', ['dev-db', '--port', String(dbPort)], {});
  running.push(db);
  await db.waitFor(/mongodb:\/\//);

  // The client secret arrives as a mounted secret file (WEB_APP_CLIENT_SECRET_FILE), as Docker and Kubernetes provide it.
  const secretFile = path.join(CADDY_HOME, 'web_app_client_secret');
  writeFileSync(secretFile, `${dotEnv.WEB_APP_CLIENT_SECRET}\n`);
  const gatehouseService = compose.services.gatehouse!;
  const gatehousePort = await freePort();
  gatehouseEnv = {
    ...dotEnv,
    WEB_APP_CLIENT_SECRET: '',
    WEB_APP_CLIENT_SECRET_FILE: secretFile,
    ...gatehouseService.environment,
    GATEHOUSE_CONFIG: mountedFile(gatehouseService, gatehouseService.environment!.GATEHOUSE_CONFIG!),
    MONGODB_URI: `mongodb://127.0.0.1:${dbPort}/?directConnection=true`,
    PORT: String(gatehousePort),
  };
  const gatehouse = startProcess('dist/main.js', [], gatehouseEnv);
  running.push(gatehouse);
  await gatehouse.waitFor(/Gatehouse is serving/);

  const caddyService = compose.services.caddy!;
  httpPort = await freePort();
  const caddy = startCommand('caddy', ['run', '--config', mountedFile(caddyService, '/etc/caddy/Caddyfile'), '--adapter', 'caddyfile'], {
    XDG_DATA_HOME: path.join(CADDY_HOME, 'data'),
    XDG_CONFIG_HOME: path.join(CADDY_HOME, 'config'),
    ...interpolate(caddyService.environment!, dotEnv),
    GATEHOUSE_UPSTREAM: `127.0.0.1:${gatehousePort}`,
    CADDY_ADMIN: `127.0.0.1:${await freePort()}`,
    CADDY_HTTP_PORT: String(httpPort),
  });
  running.push(caddy);
  await caddy.waitFor(/"serving initial configuration"|Error:/).catch((error: Error) => {
    throw new Error(`caddy did not start (not installed? ${INSTALL_CADDY}): ${error.message}`);
  });
  if (/Error:/.test(caddy.output().stderr)) throw new Error(`caddy refused deploy/Caddyfile:\n${caddy.output().stderr}`);
  await untilReady(`${issuer}/readyz`);

  const added = await runProcess(
    'dist/cli/index.js',
    ['user', 'add', USER.name, '--email', 'alice@example.com'],
    gatehouseEnv,
    USER.password,
  );
  expect([added.code, added.stderr]).toEqual([0, '']);
}, 60_000);

afterAll(async () => {
  for (const started of running.reverse()) {
    started.child.kill('SIGTERM');
    await started.exited;
  }
});

/** Caddy obtains its certificate just after it starts serving: wait until a request passes through it. */
async function untilReady(url: string): Promise<void> {
  let last: unknown;
  for (const started = Date.now(); Date.now() - started < 15_000; await new Promise((resolve) => setTimeout(resolve, 200))) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).cause ?? error;
    }
  }
  throw new Error(`${url} never answered 200 through Caddy: ${String(last)}`);
}

async function discover(): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), 'web-app', undefined, client.ClientSecretBasic(dotEnv.WEB_APP_CLIENT_SECRET!));
}

describe('the production path through Caddy', () => {
  it('publishes https endpoints under the https issuer, with HSTS, and redirects http to https', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(issuer);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint'])
      expect(String(discovery[endpoint])).toMatch(new RegExp(`^${issuer}/`));

    const plain = await fetch(`http://localhost:${httpPort}/.well-known/openid-configuration`, { redirect: 'manual' });
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe(`${issuer}/.well-known/openid-configuration`);
  });

  it('signs in with authorization code + PKCE through openid-client over https, and every cookie is Secure', async () => {
    const config = await discover();
    const verifier = client.randomPKCECodeVerifier();
    const request: AuthRequest = { verifier, state: client.randomState(), nonce: client.randomNonce(), url: new URL(issuer) };
    request.url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: request.state,
      nonce: request.nonce,
      prompt: 'consent',
    });
    const browser = new Browser([REDIRECT_URI]);
    // A client that writes its own X-Forwarded-For and X-Request-Id: Caddy replaces both, so neither reaches the logs.
    browser.headers = { 'X-Forwarded-For': '203.0.113.9', 'X-Request-Id': 'chosen-by-the-client' };
    const callback = await signIn(browser, request, USER.name, USER.password);
    const tokens = await exchange(config, callback, request);
    expect(tokens.claims()).toMatchObject({ iss: issuer, aud: 'web-app' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.email).toBe('alice@example.com');

    expect(browser.setCookieLines.length).toBeGreaterThan(2);
    for (const line of browser.setCookieLines) expect([line, /;\s*secure(;|$)/i.test(line)]).toEqual([line, true]);
    const page = await browser.request(`${issuer}/session/end`);
    expect(page.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(page.headers.get('x-request-id')).not.toBe('chosen-by-the-client');
    await page.body?.cancel();

    // trust_proxy: 1 takes the address Caddy wrote, so the audit trail has the real client, not the forged one.
    const audit = await runProcess('dist/cli/index.js', ['audit', 'tail', '--user', USER.name], gatehouseEnv);
    const signInLine = audit.stdout.split('\n').find((line) => line.includes('login.success'));
    expect(signInLine).toMatch(/ip=(127\.0\.0\.1|::1)\b/);
    expect(audit.stdout).not.toContain('203.0.113.9');
  });

  it('serves /metrics only with the METRICS_TOKEN from .env', async () => {
    expect((await fetch(`${issuer}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${issuer}/metrics`, { headers: { authorization: `Bearer ${dotEnv.METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE');
  });

  it('passes `gatehouse doctor --url` with no failure', async () => {
    const doctor = await runProcess('dist/cli/index.js', ['doctor', '--url', issuer], {
      ...gatehouseEnv,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
    });
    expect([doctor.code, doctor.stdout.match(/^fail.*/gm) ?? [], doctor.stderr]).toEqual([0, [], '']);
    expect(doctor.stdout).toContain(`ok    discovery issuer is ${issuer}`);
    expect(doctor.stdout).toContain('ok    endpoints use https like the issuer');
    expect(doctor.stdout).toContain('ok    database reachable from the instance (/readyz)');
    expect(doctor.stdout).toMatch(/^ok {4}cookie \S+: Secure, SameSite/m);
  });
});
