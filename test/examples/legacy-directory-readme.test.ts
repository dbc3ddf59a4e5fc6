// examples/legacy-directory/README.md as written: the fake directory and Gatehouse as processes, sign-ins through /demo.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Browser } from '../helpers/browser.js';
import { freePort } from '../helpers/harness.js';
import { startCommand, startProcess, type RunningProcess } from '../helpers/run-process.js';

let directory: RunningProcess;
let gatehouse: RunningProcess;
let issuer: string;

beforeAll(async () => {
  const [directoryPort, gatehousePort] = [await freePort(), await freePort()];
  directory = startCommand(process.execPath, ['examples/legacy-directory/fake-directory.mjs'], { PORT: String(directoryPort) });
  await directory.waitFor(/fake legacy directory listening on http:\/\/127\.0\.0\.1:\d+/);
  // `npm start` is `npm run build && node dist/main.js`; the suite has built already.
  gatehouse = startProcess('dist/main.js', [], {
    GATEHOUSE_CONFIG: 'examples/legacy-directory/gatehouse.yaml',
    LEGACY_DIRECTORY_URL: `http://127.0.0.1:${directoryPort}`,
    PORT: String(gatehousePort),
  });
  await gatehouse.waitFor(/Gatehouse is serving/, 60_000);
  issuer = `http://localhost:${gatehousePort}`;
}, 90_000);
afterAll(async () => {
  for (const running of [directory, gatehouse]) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
});

/** The demo relying party, as a person clicks through it in a fresh browser: the page it ends on. */
async function demoSignIn(username: string, password: string) {
  const browser = new Browser([]);
  const login = (await browser.navigate(`${issuer}/demo/start`)).page!;
  expect(login.html).toContain('<h1>Sign in</h1>');
  const next = (await browser.submit(login, '/login', { username, password })).page!;
  if (!next.html.includes('<h1>Allow access?</h1>')) return next;
  return (await browser.submit(next, '/confirm')).page!;
}

describe('examples/legacy-directory as its README says', () => {
  it('signs the directory user ada in through /demo', async () => {
    const page = await demoSignIn('ada', 'analytical-engine');
    expect(page.html).toContain('legacy:E-1815');
    expect(page.html).toContain('ada@legacy.example');
    expect(directory.output().stdout).toContain('asked about "ada": accepted');
  });

  it('signs the local user demo in without asking the directory', async () => {
    const page = await demoSignIn('demo', 'demo');
    expect(page.html).toContain('demo@example.com');
    expect(directory.output().stdout).not.toContain('"demo"');
  });

  it('still signs demo in once the directory is stopped; ada then gets the error page', async () => {
    directory.child.kill('SIGINT');
    await directory.exited;
    expect((await demoSignIn('demo', 'demo')).html).toContain('demo@example.com');
    const failed = await demoSignIn('ada', 'analytical-engine');
    expect(failed.status).toBe(500);
    expect(failed.html).toContain('server_error');
    // Log lines reach stdout at the end of the event-loop turn, so the line may follow the response by a moment.
    await gatehouse.waitFor(/hook authenticate failed/, 5000);
  });
});
