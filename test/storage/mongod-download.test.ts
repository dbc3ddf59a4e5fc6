// A mongod download is announced in one line (version, size, source, destination) before it starts, never silent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { freePort, writeConfigFile } from '../helpers/harness.js';
import { startProcess } from '../helpers/run-process.js';

const ARCHIVE_BYTES = 123_456_789;
let dir: string;
let mirror: Server;
let mirrorUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-mirror-'));
  // A throwaway certificate for 127.0.0.1, trusted by the child through NODE_EXTRA_CA_CERTS.
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
    ...['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  // A download mirror that knows the archive's size but cannot serve it: the start then falls back to the wire server.
  mirror = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.method === 'HEAD') res.writeHead(200, { 'content-length': String(ARCHIVE_BYTES) }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `https://127.0.0.1:${(mirror.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => mirror.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function startWithMirror(extra: NodeJS.ProcessEnv) {
  const port = await freePort();
  const downloadDir = path.join(dir, 'binaries');
  const server = startProcess('dist/main.js', [], {
    GATEHOUSE_CONFIG: writeConfigFile(`port: ${port}\nhost: 127.0.0.1\ndemo: false\n`),
    MONGOMS_DOWNLOAD_MIRROR: mirrorUrl,
    MONGOMS_DOWNLOAD_DIR: downloadDir,
    // mongodb-memory-server makes no attempt at all with 0 retries.
    MONGOMS_MAX_RETRIES: '1',
    NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
    ...extra,
  });
  try {
    await server.waitFor(/Gatehouse is serving/);
  } finally {
    server.child.kill('SIGTERM');
  }
  await server.exited;
  return { stdout: server.output().stdout, downloadDir };
}

describe('mongod download', () => {
  it('says what it downloads, how big, from where and to where, before the download starts', async () => {
    seen.length = 0;
    const { stdout, downloadDir } = await startWithMirror({});
    const notices = stdout.split('\n').filter((line) => line.includes('downloading mongod'));
    expect(notices).toHaveLength(1);
    const notice = JSON.parse(notices[0]!) as { msg: string };
    expect(notice.msg).toMatch(
      new RegExp(
        `^downloading mongod \\d+\\.\\d+\\.\\d+ for the development database \\(123 MB, once\\) from ${mirrorUrl}/\\S+\\.(tgz|zip) ` +
          `to ${downloadDir}; MONGOMS_RUNTIME_DOWNLOAD=false skips it$`,
      ),
    );
    // The size came from the mirror, and the download was attempted after it: the announcement was not a guess.
    expect(seen.map((request) => request.split(' ')[0])).toEqual(['HEAD', 'GET']);
    expect(stdout).toMatch(/"msg":"the mongod download failed: [^"]+"/);
    expect(stdout).toMatch(/"storage":"wire-server"/);
  });

  it('asks nothing and says nothing when downloads are off', async () => {
    seen.length = 0;
    const { stdout } = await startWithMirror({ MONGOMS_RUNTIME_DOWNLOAD: 'false' });
    expect(stdout).not.toContain('downloading mongod');
    expect(seen).toEqual([]);
  });
});
