// No Docker engine runs here: the Dockerfile and compose file are checked by reading them against the repository
// (npm run test:deploy runs the same topology without Docker).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { parse } from 'yaml';
import { ROOT } from '../helpers/run-process.js';
import { loadConfig } from '../../src/config/load.js';
import type { ConfigError } from '../../src/config/errors.js';
import { productionProblems } from '../../src/security/production-checks.js';

const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
  bin: Record<string, string>;
};

describe('Dockerfile', () => {
  it('copies only paths that exist (build context sources, or the build stage output)', () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/).slice(0, -1));
    expect(copies.length).toBeGreaterThan(3);
    for (const source of copies) expect([source, existsSync(path.join(ROOT, source))]).toEqual([source, true]);
    const fromBuild = [...dockerfile.matchAll(/^COPY --from=build \/app\/(\S+)/gm)].map((match) => match[1]!);
    expect(fromBuild).toEqual(['dist']);
    expect(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).toContain('"outDir": "dist"');
  });

  it('runs what npm start runs, on a current Node LTS, as a non-root user, with a health check and no baked secrets', () => {
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
    expect(pkg.scripts.start).toContain(cmd.join(' '));
    expect(dockerfile).toMatch(/^FROM node:(22|24)[\w.-]* AS runtime$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/healthz/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).not.toMatch(/^(ENV|ARG) .*(SECRET|KEY_ENCRYPTION|PASSWORD|TOKEN)/im);
  });

  it('defaults to the deployment config and puts the gatehouse CLI on the PATH (docker compose exec gatehouse gatehouse …)', () => {
    expect(dockerfile).toMatch(/^COPY deploy\/gatehouse\.yaml \.\/deploy\/gatehouse\.yaml$/m);
    expect(dockerfile).toMatch(/^ENV .*\bGATEHOUSE_CONFIG=\/app\/deploy\/gatehouse\.yaml\b/m);
    expect(dockerfile).toMatch(/^RUN chmod \+x (\S+) && ln -s \/app\/\1 \/usr\/local\/bin\/gatehouse$/m);
    const cli = /^RUN chmod \+x (\S+)/m.exec(dockerfile)![1]!;
    expect(pkg.bin.gatehouse).toBe(cli);
    // tsc keeps the first line, so the compiled CLI starts with the shebang that makes the link executable.
    expect(readFileSync(path.join(ROOT, 'src/cli/index.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const { mongo, gatehouse, caddy } = compose.services as Record<'mongo' | 'gatehouse' | 'caddy', Service>;
const envExample = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
const exampleNames = [...envExample.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((match) => match[1]!);

/** The repository file a service mounts at `target`. */
function mountSource(service: Service, target: string): string | undefined {
  return service.volumes?.find((volume) => volume.split(':')[1] === target)?.split(':')[0];
}

/** Runs the healthcheck's script as mongosh would, with stand-ins for rs, db and quit, and returns its exit code. */
function healthcheckExit(state: { initiated: boolean; primary: boolean; helloFails?: boolean }): { code: number; initiated: boolean } {
  const script = mongo.healthcheck!.test.at(-1)!;
  let code: number | undefined;
  const rs = {
    status: () => {
      if (!state.initiated) throw new Error('no replset config has been received');
      return { ok: 1 };
    },
    initiate: (config: { _id: string; members: { host: string }[] }) => {
      expect(config).toEqual({ _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] });
      state.initiated = true;
      return { ok: 1 };
    },
  };
  const db = {
    hello: () => {
      if (state.helloFails) throw new Error('connection refused');
      return { isWritablePrimary: state.primary };
    },
  };
  new Function('rs', 'db', 'quit', 'print', script)(
    rs,
    db,
    (exit: number) => {
      code ??= exit;
    },
    () => {},
  );
  // mongosh exits 0 when a script ends without quit(): that is the bug this healthcheck must not have.
  return { code: code ?? 0, initiated: state.initiated };
}

describe('docker-compose.yml', () => {
  it('runs Gatehouse in production with the deployment config, against the MongoDB replica set, secrets from .env', () => {
    expect(gatehouse.build).toBe('.');
    expect(gatehouse.environment).toEqual({
      NODE_ENV: 'production',
      GATEHOUSE_CONFIG: '/app/deploy/gatehouse.yaml',
      MONGODB_URI: 'mongodb://mongo:27017/?replicaSet=rs0',
    });
    expect(mountSource(gatehouse, gatehouse.environment!.GATEHOUSE_CONFIG!)).toBe('./deploy/gatehouse.yaml');
    expect(gatehouse.volumes).toContain('./deploy/gatehouse.yaml:/app/deploy/gatehouse.yaml:ro');
    expect(gatehouse.env_file).toBe('.env');
    expect(gatehouse.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
    expect(mongo.image).toMatch(/^mongo:/);
    expect(mongo.command).toEqual(['--replSet', 'rs0', '--bind_ip_all']);
    expect(readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  it('publishes only Caddy: Gatehouse trusts one proxy hop, so nothing may reach it around the proxy', () => {
    expect(gatehouse.ports).toBeUndefined();
    expect(mongo.ports).toBeUndefined();
    expect(caddy.image).toMatch(/^caddy:2/);
    expect(caddy.ports).toEqual(['80:80', '443:443', '443:443/udp']);
    const config = parse(readFileSync(path.join(ROOT, 'deploy/gatehouse.yaml'), 'utf8')) as { trust_proxy: unknown; port: number };
    expect(config.trust_proxy).toBe(1);
    expect(caddy.environment!.GATEHOUSE_UPSTREAM).toBe(`gatehouse:${config.port}`);
  });

  it('mounts deploy/Caddyfile, whose site is the issuer, and gives Caddy only the variables it reads', () => {
    const source = mountSource(caddy, '/etc/caddy/Caddyfile');
    expect(source).toBe('./deploy/Caddyfile');
    const caddyfile = readFileSync(path.join(ROOT, source!), 'utf8');
    expect(caddyfile).toMatch(/^\{\$ISSUER\} \{$/m);
    expect(caddyfile).toMatch(/^\s+tls \{\$CADDY_TLS\}$/m);
    expect(caddyfile).toMatch(/^\s+reverse_proxy \{\$GATEHOUSE_UPSTREAM/m);
    expect(caddyfile).toMatch(/^\s+skip_install_trust$/m);
    const read = new Set([...caddyfile.matchAll(/\{\$([A-Z_]+)/g)].map((match) => match[1]!));
    expect(Object.keys(caddy.environment!).every((name) => read.has(name))).toBe(true);
    expect(caddy.env_file).toBeUndefined();
    // Compose takes these from .env: each must be there, and compose must stop when one is missing.
    for (const [name, value] of Object.entries(caddy.environment!).filter(([, value]) => value.includes('${'))) {
      expect([name, value]).toEqual([name, expect.stringMatching(new RegExp(`^\\$\\{${name}:\\?`))]);
      expect(exampleNames).toContain(name);
    }
  });

  it('has a MongoDB healthcheck that initiates the replica set and passes only once there is a writable primary', () => {
    expect(mongo.healthcheck!.test.slice(0, 4)).toEqual(['CMD', 'mongosh', '--quiet', '--eval']);
    expect(mongo.healthcheck!.test.at(-1)).toContain('db.hello().isWritablePrimary');
    expect(healthcheckExit({ initiated: false, primary: false })).toEqual({ code: 1, initiated: true });
    expect(healthcheckExit({ initiated: true, primary: false })).toEqual({ code: 1, initiated: true });
    expect(healthcheckExit({ initiated: true, primary: true, helloFails: true })).toEqual({ code: 1, initiated: true });
    expect(healthcheckExit({ initiated: true, primary: true })).toEqual({ code: 0, initiated: true });
  });

  it('.env.example lists every variable the deployment config references, with no secret filled in', () => {
    const config = readFileSync(path.join(ROOT, 'deploy/gatehouse.yaml'), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    const referenced = [...config.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1]!);
    expect(referenced).toEqual(expect.arrayContaining(['ISSUER', 'METRICS_TOKEN', 'WEB_APP_CLIENT_SECRET']));
    for (const name of [...referenced, 'GATEHOUSE_KEY_ENCRYPTION_KEY']) expect(exampleNames).toContain(name);
    for (const name of ['GATEHOUSE_KEY_ENCRYPTION_KEY', 'METRICS_TOKEN', 'WEB_APP_CLIENT_SECRET'])
      expect(envExample).toMatch(new RegExp(`^${name}=$`, 'm'));
    // Every variable .env.example offers is used by the deployment: nothing to fill in that nothing reads.
    const caddyfile = readFileSync(path.join(ROOT, 'deploy/Caddyfile'), 'utf8');
    for (const name of exampleNames)
      expect([name, referenced.includes(name) || caddyfile.includes(`{$${name}}`) || name === 'GATEHOUSE_KEY_ENCRYPTION_KEY']).toEqual([
        name,
        true,
      ]);
  });

  it('deploy/gatehouse.yaml with a .env filled in as .env.example says passes every production check', () => {
    const secret = () => randomBytes(32).toString('hex');
    const env = {
      NODE_ENV: 'production',
      GATEHOUSE_CONFIG: path.join(ROOT, 'deploy/gatehouse.yaml'),
      MONGODB_URI: gatehouse.environment!.MONGODB_URI,
      ISSUER: 'https://id.example.com',
      GATEHOUSE_KEY_ENCRYPTION_KEY: secret(),
      WEB_APP_CLIENT_SECRET: secret(),
      METRICS_TOKEN: secret(),
    };
    const config = loadConfig(env);
    expect(productionProblems(config)).toEqual([]);
    expect(config).toMatchObject({ issuer: 'https://id.example.com', trust_proxy: 1, metrics: { bearer_token: env.METRICS_TOKEN } });
    expect(config.clients.map((entry) => entry.client_secret)).toEqual([env.WEB_APP_CLIENT_SECRET]);
    // Without its .env it names each variable instead of starting with an empty secret.
    let caught: unknown;
    try {
      loadConfig({ GATEHOUSE_CONFIG: env.GATEHOUSE_CONFIG });
    } catch (error) {
      caught = error;
    }
    expect((caught as ConfigError).problems.map((problem) => /environment variable (\w+) is not set/.exec(problem)?.[1])).toEqual([
      'ISSUER',
      'METRICS_TOKEN',
      'WEB_APP_CLIENT_SECRET',
    ]);
  });
});
