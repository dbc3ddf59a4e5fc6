// Runs `npm run build` only when a TypeScript source or tsconfig is newer than the compiled output (or there is none).
// `npm start`, `npm run dev` and `prepare` call it, so a restart with nothing changed does not pay for tsc.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'packages/mongo-wire/src'];
const CONFIGS = ['tsconfig.json', 'packages/mongo-wire/tsconfig.json'];
// tsc rewrites every output on each build (and, with noEmitOnError, none on a failed one): these stand for all of them.
const OUTPUTS = ['dist/main.js', 'dist/cli/index.js', 'dist/index.js', 'packages/mongo-wire/dist/index.js'];

/** Why a build is needed, or undefined when the output is newer than every input. */
export function staleReason(root = ROOT) {
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const output of OUTPUTS) {
    const mtime = mtimeOf(path.join(root, output));
    if (mtime === undefined) return `${output} does not exist`;
    oldestOutput = Math.min(oldestOutput, mtime);
  }
  const inputs = [...CONFIGS.map((file) => path.join(root, file)), ...SOURCES.flatMap((dir) => sourceFiles(path.join(root, dir)))];
  const newer = inputs.find((file) => (mtimeOf(file) ?? 0) > oldestOutput);
  return newer && `${path.relative(root, newer)} changed since the last build`;
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = staleReason();
  if (reason) {
    process.stderr.write(`gatehouse: compiling (${reason})\n`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const build = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
    process.exitCode = build.status ?? 1;
  }
}
