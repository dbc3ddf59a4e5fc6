// The shipped example hooks satisfy the exported HookModule type, and the package exposes that type.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from '@jest/globals';
import type { HookModule } from '../../src/index.js';
import { loadHooks } from '../../src/hooks/load-hooks.js';
import { ROOT } from '../helpers/run-process.js';

describe('HookModule', () => {
  it('is what package.json exports as the package types', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> };
    expect(pkg.exports['.']!.types).toBe('./dist/index.d.ts');
    expect(readFileSync(path.join(ROOT, 'dist/index.d.ts'), 'utf8')).toContain('HookModule');
  });

  it('config/hooks.example.mjs loads and its hooks answer with the documented types', async () => {
    const hooks: HookModule = await loadHooks('config/hooks.example.mjs', ROOT);
    expect(Object.keys(hooks).sort()).toEqual(['accessTokenClaims', 'claims', 'ttl']);
    expect(hooks.ttl!('AccessToken', { client: { clientId: 'x', metadata: { client_name: 'Batch Job' } } })).toBe(120);
    expect(hooks.ttl!('IdToken', {})).toBeUndefined();
    const account = { sub: 's', username: 'u', claims: { org_id: '7', tenant: 't' } };
    expect(await hooks.claims!(account, { use: 'userinfo', scope: 'openid org' })).toEqual({ org_name: 'Organisation 7' });
    expect(await hooks.accessTokenClaims!({ token: { kind: 'AccessToken' }, account })).toEqual({ tenant: 't' });
  });

  it('a hooks module whose export is not a function is a config error naming the file and export', async () => {
    await expect(loadHooks('test/examples/fixtures/bad-hooks.mjs', ROOT)).rejects.toMatchObject({
      problems: [expect.stringMatching(/bad-hooks\.mjs: export "ttl" is a number \(expected a function\)/)],
    });
    await expect(loadHooks('test/examples/fixtures/missing.mjs', ROOT)).rejects.toMatchObject({
      problems: [expect.stringMatching(/hooks: cannot load .*missing\.mjs/)],
    });
  });
});
