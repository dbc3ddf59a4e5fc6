// Launches the test Chromium (from npm, or CHROMIUM_PATH) headless with the flags every browser test needs.
import { chromium, type Browser } from 'playwright-core';
import { chromiumForTests } from './chromium.js';

export async function launchTestBrowser(): Promise<Browser> {
  const found = await chromiumForTests();
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The rest keep it off the network.
  return chromium
    .launch({
      executablePath: found.executablePath,
      env: { ...process.env, ...found.env },
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    .catch((error: Error) => {
      throw new Error(`${found.source} did not start (set CHROMIUM_PATH to another Chromium or Chrome): ${error.message}`);
    });
}
