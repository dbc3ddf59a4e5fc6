// `npm start` compiles only when a source or tsconfig is newer than the compiled output, or the output is missing.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { ROOT } from '../helpers/run-process.js';

const OUTPUTS = ['dist/main.js', 'dist/cli/index.js', 'dist/index.js', 'packages/mongo-wire/dist/index.js'];
const INPUTS = ['tsconfig.json', 'packages/mongo-wire/tsconfig.json', 'src/main.ts', 'src/http/app.ts', 'packages/mongo-wire/src/index.ts'];
let project: string;

/** A project laid out like Gatehouse whose "build" only records that it ran. */
beforeEach(() => {
  project = mkdtempSync(path.join(tmpdir(), 'gatehouse-build-'));
  mkdirSync(path.join(project, 'scripts'));
  cpSync(path.join(ROOT, 'scripts', 'build-if-stale.mjs'), path.join(project, 'scripts', 'build-if-stale.mjs'));
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ scripts: { build: "node -e \"require('fs').writeFileSync('built', '')\"" } }),
  );
  const at = (file: string, seconds: number) => {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), '');
    utimesSync(path.join(project, file), seconds, seconds);
  };
  for (const file of INPUTS) at(file, 1_000_000);
  for (const file of OUTPUTS) at(file, 2_000_000);
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

const run = () => spawnSync(process.execPath, [path.join(project, 'scripts', 'build-if-stale.mjs')], { cwd: project, encoding: 'utf8' });

describe('build-if-stale', () => {
  it('does nothing when the output is newer than every input', () => {
    const result = run();
    expect([result.status, result.stderr, existsSync(path.join(project, 'built'))]).toEqual([0, '', false]);
  });

  it('builds when a source file changed, naming it', () => {
    utimesSync(path.join(project, 'src/http/app.ts'), 3_000_000, 3_000_000);
    const result = run();
    expect([result.status, result.stderr]).toEqual([0, 'gatehouse: compiling (src/http/app.ts changed since the last build)\n']);
    expect(existsSync(path.join(project, 'built'))).toBe(true);
  });

  it('builds when a tsconfig changed or an output is missing', () => {
    utimesSync(path.join(project, 'packages/mongo-wire/tsconfig.json'), 3_000_000, 3_000_000);
    expect(run().stderr).toBe('gatehouse: compiling (packages/mongo-wire/tsconfig.json changed since the last build)\n');
    utimesSync(path.join(project, 'packages/mongo-wire/tsconfig.json'), 1_000_000, 1_000_000);
    rmSync(path.join(project, 'dist/cli/index.js'));
    expect(run().stderr).toBe('gatehouse: compiling (dist/cli/index.js does not exist)\n');
  });

  it('exits with the build failure, so npm start does not start stale code', () => {
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ scripts: { build: 'exit 3' } }));
    utimesSync(path.join(project, 'src/main.ts'), 3_000_000, 3_000_000);
    expect(run().status).toBe(3);
  });
});
