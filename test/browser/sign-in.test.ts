// A real browser (Chromium from npm via playwright-core) signs in through /demo at phone and desktop widths.
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestGatehouse } from '../helpers/harness.js';
import { chromiumForTests } from '../helpers/chromium.js';
import { ROOT } from '../helpers/run-process.js';
import { startTestStorage, type TestStorage } from '../helpers/test-storage.js';

// An ignored folder by default, so `npm test` never changes tracked files; `npm run screenshots` sets docs/.
const SCREENSHOTS = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'test-output/screenshots');

let storage: TestStorage;
let gatehouse: Gatehouse;
let browser: Browser;

beforeAll(async () => {
  storage = await startTestStorage();
  gatehouse = await startTestGatehouse({ mongoUri: storage.uri, dbName: storage.dbName, yaml: 'password_hashing:\n  scrypt_cost: 16384\n' });
  const found = await chromiumForTests();
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The rest keep it off the network.
  browser = await chromium
    .launch({
      executablePath: found.executablePath,
      env: { ...process.env, ...found.env },
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    .catch((error: Error) => {
      throw new Error(`${found.source} did not start (set CHROMIUM_PATH to another Chromium or Chrome): ${error.message}`);
    });
}, 120_000);
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
  expect(await lowContrastText(page)).toEqual([]);
}

/**
 * WCAG 2 contrast of every visible piece of text (and input text) against the background it is drawn on: at least
 * 4.5:1, or 3:1 for large text. Returns the failures, so a regression names the text and its ratio.
 */
function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (value: string): Rgba => {
      const [r = 0, g = 0, b = 0, a = 1] = (value.match(/[\d.]+/g) ?? []).map(Number);
      return [r, g, b, value.startsWith('rgba') ? a : 1];
    };
    const over = (top: Rgba, below: Rgba): Rgba => [0, 1, 2].map((i) => top[i]! * top[3] + below[i]! * (1 - top[3])).concat(1) as Rgba;
    const background = (element: Element | null): Rgba => {
      if (!element) return [255, 255, 255, 1]; // the canvas behind everything
      const own = parse(getComputedStyle(element).backgroundColor);
      return own[3] === 1 ? own : over(own, background(element.parentElement));
    };
    const luminance = ([r, g, b]: Rgba) =>
      [r, g, b].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4)).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0);
    const failures: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      const html = element as HTMLElement;
      const hasText = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim()) || (element instanceof HTMLInputElement && element.type !== 'hidden');
      if (!hasText || html.offsetWidth === 0 || html.offsetHeight === 0) continue;
      const style = getComputedStyle(element);
      const bg = background(element);
      const fg = over(parse(style.color), bg);
      const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (light! + 0.05) / (dark! + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${element.tagName.toLowerCase()} "${(html.innerText || (element as HTMLInputElement).value || '').trim().slice(0, 40)}": ${ratio.toFixed(2)}:1`);
    }
    return failures;
  });
}

describe.each([
  ['phone', 390, 844],
  ['desktop', 1280, 900],
])('sign-in in Chromium at %s width', (name, width, height) => {
  it('demo → login → consent → back on /demo with the ID token claims; a wrong password shows the generic error; after sign-out, login leads back without consent', async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const shot = (step: string) => (name === 'desktop' ? page.screenshot({ path: path.join(SCREENSHOTS, `${step}.png`) }) : undefined);

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

describe('the contrast check', () => {
  it('finds faint text on a real page, so its silence on ours means something', async () => {
    const page = await browser.newPage();
    await page.goto(`${gatehouse.url}/demo`);
    expect(await lowContrastText(page)).toEqual([]);
    await page.evaluate(() => {
      const faint = document.createElement('p');
      faint.textContent = 'faint grey on white';
      faint.style.cssText = 'color: #aaa; background: #fff';
      document.body.append(faint);
    });
    expect(await lowContrastText(page)).toEqual([expect.stringMatching(/^p "faint grey on white": 2\.\d\d:1$/)]);
    await page.close();
  });
});
