// Batched log output: every line arrives whole and in order, a quiet logger is not held back, and exit loses nothing.
import { describe, it, expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchedStdout } from '../../src/observability/log-destination.js';
import { ROOT } from '../helpers/run-process.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('batched log output', () => {
  it('writes the lines of a few milliseconds together, in order, and a later lone line within as many', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-log-')), 'out.log');
    const fd = openSync(file, 'a');
    const out = new BatchedStdout(fd);
    for (let line = 0; line < 500; line++) out.write(`{"n":${line}}\n`);
    expect(readFileSync(file, 'utf8')).toBe('');
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    out.write('{"n":"last"}\n');
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toEqual([...Array.from({ length: 500 }, (_, n) => `{"n":${n}}`), '{"n":"last"}']);
    closeSync(fd);
  });

  it('writes at once when the waiting lines pass 64 KiB, without waiting for the timer', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-log-')), 'out.log');
    const fd = openSync(file, 'a');
    const out = new BatchedStdout(fd);
    const line = `${'x'.repeat(1023)}\n`;
    for (let n = 0; n < 63; n++) out.write(line);
    expect(readFileSync(file, 'utf8')).toBe('');
    out.write(line);
    expect(readFileSync(file, 'utf8')).toBe(line.repeat(64));
    closeSync(fd);
  });

  it('writes what is still waiting when the process exits right after logging', async () => {
    const script = [
      `const { batchedStdout } = await import(${JSON.stringify(path.join(ROOT, 'dist/observability/log-destination.js'))});`,
      'const out = batchedStdout();',
      "for (let n = 0; n < 2000; n++) out.write(`line ${n} ${'x'.repeat(100)}\\n`);",
      'process.exit(0);',
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    await new Promise((resolve) => child.on('close', resolve));
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    expect(lines[1999]).toMatch(/^line 1999 x+$/);
  });

  it('keeps every line, in order, while a reader lets the pipe fill up (the writes then wait instead of blocking)', async () => {
    const script = [
      `const { batchedStdout } = await import(${JSON.stringify(path.join(ROOT, 'dist/observability/log-destination.js'))});`,
      // Touching process.stdout makes libuv set the pipe non-blocking, as in a server that also logs through it.
      'process.stdout;',
      'const out = batchedStdout();',
      'let ticks = 0;',
      'const timer = setInterval(() => ticks++, 5);',
      'for (let turn = 0; turn < 40; turn++) {',
      "  for (let n = 0; n < 500; n++) out.write(`line ${turn * 500 + n} ${'x'.repeat(100)}\\n`);",
      '  await new Promise((r) => setImmediate(r));',
      '}',
      // The event loop kept running while the reader was away: the writes waited, they did not block.
      'await new Promise((r) => setTimeout(r, 400));',
      'clearInterval(timer);',
      'process.stderr.write(String(ticks));',
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    let ticks = '';
    child.stderr.on('data', (chunk) => (ticks += chunk));
    // Two megabytes against a pipe of 64 KiB: the writer finds it full long before anyone reads.
    await new Promise((resolve) => setTimeout(resolve, 300));
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stdout.resume();
    await new Promise((resolve) => child.on('close', resolve));
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20_000);
    expect(lines.every((line, n) => line === `line ${n} ${'x'.repeat(100)}`)).toBe(true);
    expect(Number(ticks)).toBeGreaterThan(20);
  });
});
