// No Docker engine runs here: the Dockerfile and compose file are checked by reading them against the repository.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { parse } from 'yaml';
import { ROOT } from '../helpers/run-process.js';

const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
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
});

describe('docker-compose.yml', () => {
  it('runs Gatehouse in production against the MongoDB service, config read-only, secrets from an env file', () => {
    const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { env_file?: string; environment?: Record<string, string>; volumes?: string[]; image?: string }>;
    };
    const gatehouse = compose.services.gatehouse!;
    expect(gatehouse.environment).toMatchObject({
      NODE_ENV: 'production',
      MONGODB_URI: expect.stringMatching(/^mongodb:\/\/mongo:27017\//),
    });
    expect(gatehouse.env_file).toBe('.env');
    expect(gatehouse.volumes).toContain('./config:/app/config:ro');
    expect(compose.services.mongo!.image).toMatch(/^mongo:/);
    expect(existsSync(path.join(ROOT, '.env.example'))).toBe(true);
    expect(readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });
});
