// A real browser (Debian's Chromium via playwright-core) signs in through /demo at phone and desktop widths.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { ROOT } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium is not installed: run `apt-get install chromium` (or set CHROMIUM_PATH); .ci/run installs it in CI');
  }
}

let storage: TestStorage;
let gatehouse: Gatehouse;
let browser: Browser;

beforeAll(async () => {
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: 'password_hashing:\n  scrypt_cost: 16384\n' });
  browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await gatehouse?.close();
  await storage?.stop();
});

async function expectUsable(page: Page) {
  // Nothing overflows sideways, and every visible input has a visible label pointing at it.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const unlabeled = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden])')].filter((input) => {
      const label = document.querySelector(`label[for="${input.id}"]`) as HTMLElement | null;
      return !label || label.offsetHeight === 0;
    }).length,
  );
  expect(unlabeled).toBe(0);
}

describe.each([
  ['phone', 390, 844],
  ['desktop', 1280, 900],
])('sign-in in Chromium at %s width', (name, width, height) => {
  it('demo → login → consent → back on /demo with the ID token claims; a wrong password shows the generic error; after sign-out, login leads back without consent', async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const shot = (step: string) => (name === 'desktop' ? page.screenshot({ path: path.join(ROOT, 'docs', `${step}.png`) }) : undefined);

    await page.goto(`${gatehouse.url}/demo`);
    await page.click('a:has-text("Sign in with Gatehouse")');
    await page.waitForSelector('#username');
    await expectUsable(page);
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');

    await page.fill('#username', 'demo');
    await page.fill('#password', 'not-the-password');
    await page.click('button.primary');
    await expect(page.locator('.alert').textContent()).resolves.toBe('The username or password is incorrect.');
    await shot('login');

    await page.fill('#password', 'demo');
    await page.click('button.primary');
    await page.waitForSelector('h1:has-text("Allow access?")');
    await expectUsable(page);
    await shot('consent');

    await page.click('button:has-text("Allow")');
    await page.waitForSelector('#id-token-claims');
    expect(page.url()).toBe(`${gatehouse.url}/demo`);
    expect(JSON.parse((await page.locator('#id-token-claims').textContent())!)).toMatchObject({ preferred_username: 'demo', aud: 'gatehouse-demo' });
    expect(JSON.parse((await page.locator('#userinfo').textContent())!)).toMatchObject({ email: 'demo@example.com' });
    await expectUsable(page);
    await shot('demo');

    // Every page the browser is shown from here on, by its title (the consent page's is "Allow access? · Gatehouse").
    const shown: Promise<string>[] = [];
    page.on('response', (response) => {
      if (response.request().isNavigationRequest() && response.status() === 200)
        shown.push(response.text().then((html) => /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? response.url()));
    });
    // RP-initiated logout, confirmed: the session at Gatehouse ends.
    await page.click('form[action="/demo/logout"] button');
    await page.waitForSelector('h1:has-text("Sign out?")');
    await page.click('button[name="logout"][value="yes"]');
    await page.waitForSelector('a:has-text("Sign in with Gatehouse")');
    // Signing in again shows the login page, and the remembered consent leads straight back to /demo.
    await page.click('a:has-text("Sign in with Gatehouse")');
    await page.waitForSelector('#username');
    await page.fill('#username', 'demo');
    await page.fill('#password', 'demo');
    await page.click('button.primary');
    // Either page ends the wait, so a consent page fails on the list below rather than on a timeout.
    await page.waitForSelector('#id-token-claims, h1:has-text("Allow access?")');
    expect(await Promise.all(shown)).toEqual(['Sign out? · Gatehouse', 'Demo · Gatehouse', 'Sign in · Gatehouse', 'Demo · Gatehouse']);
    expect(page.url()).toBe(`${gatehouse.url}/demo`);
    expect(JSON.parse((await page.locator('#id-token-claims').textContent())!)).toMatchObject({ preferred_username: 'demo', aud: 'gatehouse-demo' });
    await context.close();
  }, 60_000);
});
