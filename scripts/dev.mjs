// `npm run dev`: recompiles on every source change (tsc --build --watch) and restarts the server when its compiled code,
// views or config change (node --watch), with human-readable logs. Arguments go to the server (e.g. --in-memory).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleReason } from './build-if-stale.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// Build mode remembers what it compiled in *.tsbuildinfo; without the output that memory is wrong, so start afresh.
const missingOutput = staleReason()?.endsWith('does not exist');
const tsc = spawn(
  process.execPath,
  [
    ...[tscBin, '--build', '--watch', '--preserveWatchOutput'],
    // Piped output is not a terminal to tsc: ask for its colours when ours is one.
    ...(process.stdout.isTTY ? ['--pretty'] : []),
    ...(missingOutput ? ['--force'] : []),
    ...['packages/mongo-wire', 'tsconfig.json'],
  ],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
);
const children = [tsc];

// The server starts after the compiler's first pass, so that pass (which rewrites dist/) does not restart it at once.
let server;
tsc.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!server && /Watching for file changes/.test(String(chunk))) server = startServer();
});

function startServer() {
  // "--watch-path dir", not "--watch-path=dir": Node 20 strips only the spaced form from the server's own arguments, so
  // with "=" every restart started another watcher inside the last one.
  const watched = ['dist', 'packages/mongo-wire/dist', 'views', 'config'].flatMap((dir) => ['--watch-path', dir]);
  const child = spawn(process.execPath, [...watched, '--watch-preserve-output', 'dist/main.js', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT || 'pretty' },
  });
  children.push(child);
  return child;
}

// Ctrl-C reaches the children from the terminal too; a SIGTERM sent to this process alone is passed on.
let stopping = false;
const stop = () => {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// node --watch waits for a change after the server exits (a config error): only the compiler ends on its own.
tsc.on('exit', (code) => {
  if (stopping) return;
  process.exitCode = code ?? 1;
  stop();
});
