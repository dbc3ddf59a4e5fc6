// A stand-in for a legacy HTTP user directory, to try hooks.mjs against: POST /authenticate {username, password}.
// Run it with `node examples/legacy-directory/fake-directory.mjs` (HOST and PORT, default 127.0.0.1:4100).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** The directory's people. Clear-text passwords because this is a toy; a real directory checks hashes. */
export const USERS = {
  ada: { id: 'E-1815', password: 'analytical-engine', name: 'Ada Lovelace', email: 'ada@legacy.example' },
  grace: { id: 'E-1906', password: 'compiler-1952', name: 'Grace Hopper', email: 'grace@legacy.example' },
};

const MAX_BODY_BYTES = 16 * 1024;
const sameSecret = (a, b) => {
  const digest = (value) => createHash('sha256').update(String(value)).digest();
  return timingSafeEqual(digest(a), digest(b));
};

/**
 * The directory as a plain node:http server (not yet listening). `received` lists every credential pair it was
 * asked about, so a test can see exactly what left Gatehouse; `onRequest` hears each username and the answer.
 */
export function createFakeDirectory({ users = USERS, onRequest = () => {} } = {}) {
  const received = [];
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/authenticate') return res.writeHead(404).end();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) req.destroy();
    });
    req.on('end', () => {
      let credentials;
      try {
        credentials = JSON.parse(body);
      } catch {
        return res.writeHead(400).end();
      }
      const { username, password } = credentials ?? {};
      received.push({ username, password });
      const user = Object.hasOwn(users, username) ? users[username] : undefined;
      const accepted = Boolean(user && sameSecret(password, user.password));
      onRequest({ username, accepted });
      if (!accepted) return res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: user.id, name: user.name, email: user.email }));
    });
  });
  return { server, received };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { HOST = '127.0.0.1', PORT = '4100' } = process.env;
  const { server } = createFakeDirectory({
    // Usernames only: even a toy directory keeps passwords out of its output.
    onRequest: ({ username, accepted }) => console.log(`asked about ${JSON.stringify(username)}: ${accepted ? 'accepted' : 'refused'}`),
  });
  server.listen(Number(PORT), HOST, () => {
    const { port } = server.address();
    console.log(`fake legacy directory listening on http://${HOST}:${port} (users: ${Object.keys(USERS).join(', ')})`);
  });
}
