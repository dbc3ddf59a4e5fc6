// `npm run test:deploy`: creates Caddy's local CA, then runs the production-path test with Node trusting its root.
// Node reads NODE_EXTRA_CA_CERTS only when a process starts, and Caddy makes its CA on its first start (the first
// `docker compose up` does the same in its data volume); the test then starts Caddy again on this data directory.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const INSTALL_CADDY = 'apt-get update && apt-get install -y caddy';

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function createCaddyCa(home) {
  const root = path.join(home, 'data/caddy/pki/authorities/local/root.crt');
  const caddy = spawn('caddy', ['run', '--config', 'deploy/Caddyfile', '--adapter', 'caddyfile'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      ISSUER: `https://localhost:${await freePort()}`,
      CADDY_TLS: 'internal',
      CADDY_ADMIN: `127.0.0.1:${await freePort()}`,
      CADDY_HTTP_PORT: String(await freePort()),
      GATEHOUSE_UPSTREAM: '127.0.0.1:9',
    },
  });
  let log = '';
  caddy.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const exited = new Promise((resolve) => caddy.on('close', resolve));
  try {
    for (const started = Date.now(); !existsSync(root); ) {
      if (caddy.exitCode !== null || Date.now() - started > 20_000) throw new Error(`caddy made no CA at ${root}:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    caddy.kill('SIGTERM');
    await exited;
  }
  return root;
}

if (spawnSync('caddy', ['version']).error) {
  process.stderr.write(`npm run test:deploy needs caddy, which is not installed here. Install it: ${INSTALL_CADDY}\n`);
  process.exit(1);
}
const home = mkdtempSync(path.join(tmpdir(), 'gatehouse-deploy-'));
let status = 1;
try {
  const root = await createCaddyCa(home);
  const jest = spawnSync(
    process.execPath,
    ['node_modules/jest/bin/jest.js', '--testMatch', '**/test/deploy/*.deploy.ts', ...process.argv.slice(2)],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules', NODE_EXTRA_CA_CERTS: root, GATEHOUSE_DEPLOY_CADDY_HOME: home },
    },
  );
  status = jest.status ?? 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
process.exit(status);
