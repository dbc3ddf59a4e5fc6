// `/` and `/favicon.ico` through HTTP: a development page with links, a minimal production page or a configured redirect.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startTestGatehouse, writeConfigFile } from '../helpers/harness.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await startTestStorage();
});
afterAll(async () => {
  await storage.stop();
});

const PRODUCTION = {
  yaml: 'trust_proxy: 1\nmetrics:\n  bearer_token: a-metrics-token-for-tests-0123456789\n',
  env: {
    NODE_ENV: 'production',
    ISSUER: 'https://id.example.test',
    GATEHOUSE_KEY_ENCRYPTION_KEY: 'a-long-random-key-encryption-key-for-tests-0123456789',
  },
};

async function withGatehouse(suffix: string, options: { yaml?: string; env?: NodeJS.ProcessEnv }, test: (url: string) => Promise<void>) {
  const gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: `${storage.dbName}_${suffix}`, ...options });
  try {
    await test(gatehouse.url);
  } finally {
    await gatehouse.close();
  }
}

// Production serves only the issuer's host; a proxy in front says which host was asked for.
const page = (url: string) => fetch(url, { headers: { accept: 'text/html', 'x-forwarded-host': 'id.example.test' }, redirect: 'manual' });
const links = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((match) => match[1]);

describe('home page in development', () => {
  it('links the demo, discovery, JWKS and the README, without inline script or style', async () => {
    await withGatehouse('dev', {}, async (url) => {
      const response = await page(`${url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await response.text();
      expect(links(html)).toEqual(['/demo', '/.well-known/openid-configuration', '/jwks', '/readme']);
      expect(html).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">');
      expect(html).not.toMatch(/<script|<style|\sstyle=/);
      // Every link answers.
      for (const link of links(html)) expect([link, (await fetch(`${url}${link}`, { redirect: 'manual' })).status]).toEqual([link, 200]);
      const readme = await fetch(`${url}/readme`);
      expect(readme.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await readme.text()).toMatch(/^# Gatehouse\n/);
    });
  });

  it('leaves the demo out when demo: false, and links discovery under the mount path', async () => {
    await withGatehouse('mounted', { yaml: 'demo: false\nmount_path: /oidc\n' }, async (url) => {
      for (const at of ['/', '/oidc']) {
        const html = await (await page(`${url}${at}`)).text();
        expect(links(html)).toEqual(['/oidc/.well-known/openid-configuration', '/oidc/jwks', '/readme']);
      }
      expect((await fetch(`${url}/oidc/.well-known/openid-configuration`)).status).toBe(200);
    });
  });
});

describe('home page in production', () => {
  it('is a minimal page without development links when home_url is unset', async () => {
    await withGatehouse('prod', PRODUCTION, async (url) => {
      const response = await page(`${url}/`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('<h1>OpenID Connect provider</h1>');
      expect(links(html)).toEqual([]);
      expect((await page(`${url}/readme`)).status).toBe(404);
      expect((await page(`${url}/demo`)).status).toBe(404);
    });
  });

  it('redirects to home_url when it is set', async () => {
    await withGatehouse('home', { ...PRODUCTION, yaml: `${PRODUCTION.yaml}home_url: https://www.example.test/welcome\n` }, async (url) => {
      const response = await page(`${url}/`);
      expect([response.status, response.headers.get('location')]).toEqual([302, 'https://www.example.test/welcome']);
    });
  });

  it('home_url must be https', () => {
    const load = () => loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('home_url: http://www.example.test/\n') });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/:1: home_url: invalid URL \(expected an https:\/\/ URL/);
  });
});

describe('icons', () => {
  it('/favicon.ico is a real icon and the SVG icon is served with the assets', async () => {
    await withGatehouse('icons', { yaml: 'demo: false\n' }, async (url) => {
      const ico = await fetch(`${url}/favicon.ico`);
      expect([ico.status, ico.headers.get('content-type')]).toEqual([200, 'image/x-icon']);
      const bytes = Buffer.from(await ico.arrayBuffer());
      // ICONDIR: reserved 0, type 1 (icon), at least one image.
      expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2), bytes.readUInt16LE(4) > 0]).toEqual([0, 1, true]);
      const svg = await fetch(`${url}/assets/favicon.svg`);
      expect([svg.status, svg.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
      expect(await svg.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    });
  });
});
