// A real browser (Chromium from npm via playwright-core) signs in from / through /demo at phone and desktop widths; axe checks every page.
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { accessibilityViolations, expectUsable, launchChromium, SCREENSHOTS } from '../helpers/page-checks.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

let storage: TestStorage;
let gatehouse: Gatehouse;
let browser: Browser;

beforeAll(async () => {
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({
    mongoUri: storage.uri,
    dbName: storage.dbName,
    yaml: 'password_hashing:\n  argon2_memory_kib: 7168\n',
  });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gatehouse?.close();
  await storage?.stop();
});

describe.each([
  ['phone', 390, 844],
  ['desktop', 1280, 900],
])('sign-in in Chromium at %s width', (name, width, height) => {
  it('demo → login → consent → back on /demo with the ID token claims; a wrong password shows the ' +
    'generic error; after sign-out, login leads back without consent', async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const shot = (step: string) => (name === 'desktop' ? page.screenshot({ path: path.join(SCREENSHOTS, `${step}.png`) }) : undefined);

    // From the development home page, as a newcomer arrives.
    await page.goto(`${gatehouse.url}/`);
    await expectUsable(page, 'home');
    await page.click('a:has-text("Try the demo")');
    await page.waitForURL(`${gatehouse.url}/demo`);
    await expectUsable(page, 'demo, signed out');
    await page.click('a:has-text("Sign in with Gatehouse")');
    await page.waitForSelector('#username');
    await expectUsable(page, 'login');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');

    await page.fill('#username', 'demo');
    await page.fill('#password', 'not-the-password');
    await page.click('button.primary');
    await expect(page.locator('.alert').textContent()).resolves.toBe('The username or password is incorrect.');
    await expectUsable(page, 'login after a wrong password');

    await page.fill('#password', 'demo');
    await page.click('button.primary');
    await page.waitForSelector('h1:has-text("Allow access?")');
    await expectUsable(page, 'consent');
    // Allow is first and primary; Deny is the next stop for the keyboard.
    await page.focus('button.primary');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Deny');

    await page.click('button:has-text("Allow")');
    await page.waitForSelector('#id-token-claims');
    expect(page.url()).toBe(`${gatehouse.url}/demo`);
    expect(JSON.parse((await page.locator('#id-token-claims').textContent())!)).toMatchObject({
      preferred_username: 'demo',
      aud: 'gatehouse-demo',
    });
    expect(JSON.parse((await page.locator('#userinfo').textContent())!)).toMatchObject({ email: 'demo@example.com' });
    await expectUsable(page, 'demo, signed in');
    await shot('demo');
    // JSON keeps its lines: every line of the text is one line on screen (no value broken in two), at both widths.
    const wrapped = await page.$$eval('pre', (blocks) =>
      blocks.map((block) => {
        const style = getComputedStyle(block);
        const height = block.clientHeight - Number.parseFloat(style.paddingTop) - Number.parseFloat(style.paddingBottom);
        return Math.round(height / Number.parseFloat(style.lineHeight)) !== block.textContent!.split('\n').length;
      }),
    );
    expect(wrapped).toEqual([false, false]);
    // Buttons side by side share one height, even when one label wraps (as it does with larger system fonts).
    await page.$eval('.actions button', (button) => {
      button.textContent = 'Refresh tokens (the refresh token rotates)';
    });
    const boxes = await page.$$eval('.actions button', (buttons) => buttons.map((button) => button.getBoundingClientRect()));
    if (boxes[0]!.top === boxes[1]!.top) expect(boxes[1]!.height).toBe(boxes[0]!.height);
    // A refresh shows the new ID token (a later iat) and says so as a status, not as an alert.
    const issued = JSON.parse((await page.locator('#id-token-claims').textContent())!).iat as number;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await page.click('button:has-text("Refresh tokens")');
    await page.waitForSelector('.notice[role=status]');
    expect(await page.locator('.alert').count()).toBe(0);
    expect(JSON.parse((await page.locator('#id-token-claims').textContent())!).iat).toBeGreaterThan(issued);
    await expectUsable(page, 'demo, refreshed');

    // Every page the browser is shown from here on, by its title (the consent page's is "Allow access? · Gatehouse").
    const shown: Promise<string>[] = [];
    page.on('response', (response) => {
      if (response.request().isNavigationRequest() && response.status() === 200)
        shown.push(response.text().then((html) => /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? response.url()));
    });
    // RP-initiated logout, confirmed: the session at Gatehouse ends.
    await page.click('form[action="/demo/logout"] button');
    await page.waitForSelector('h1:has-text("Sign out?")');
    await expectUsable(page, 'sign-out confirmation');
    await page.click('button[name="logout"][value="yes"]');
    await page.waitForSelector('a:has-text("Sign in with Gatehouse")');
    await expectUsable(page, 'demo after sign-out');
    // Signing in again shows the login page, and the remembered consent leads straight back to /demo.
    await page.click('a:has-text("Sign in with Gatehouse")');
    await page.waitForSelector('#username');
    await expectUsable(page, 'login again');
    await page.fill('#username', 'demo');
    await page.fill('#password', 'demo');
    await page.click('button.primary');
    // Either page ends the wait, so a consent page fails on the list below rather than on a timeout.
    await page.waitForSelector('#id-token-claims, h1:has-text("Allow access?")');
    expect(await Promise.all(shown)).toEqual(['Sign out? · Gatehouse', 'Demo · Gatehouse', 'Sign in · Gatehouse', 'Demo · Gatehouse']);
    expect(page.url()).toBe(`${gatehouse.url}/demo`);
    expect(JSON.parse((await page.locator('#id-token-claims').textContent())!)).toMatchObject({
      preferred_username: 'demo',
      aud: 'gatehouse-demo',
    });
    await expectUsable(page, 'demo, signed in again');
    await context.close();
  }, 60_000);
});

describe('the accessibility check', () => {
  it('finds faint text and an unlabelled field on a real page, so its silence on ours means something', async () => {
    // A context of its own: axe finishes its run in a second page of the same context.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gatehouse.url}/demo`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.evaluate(() => {
      const main = document.querySelector('main') ?? document.body;
      const faint = document.createElement('p');
      faint.id = 'faint';
      faint.textContent = 'faint grey on white';
      faint.style.cssText = 'color: #aaa; background: #fff';
      const field = document.createElement('input');
      field.id = 'nameless';
      main.append(faint, field);
    });
    expect(await accessibilityViolations(page)).toEqual([
      expect.stringMatching(/^color-contrast \(serious\) at #faint: /),
      expect.stringMatching(/^label \(critical\) at #nameless: /),
    ]);
    await context.close();
  });
});
