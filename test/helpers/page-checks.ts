// What the browser tests check on every page (nothing overflows, inputs labelled, axe's WCAG A/AA rules), and the browser they launch.
import path from 'node:path';
import { expect } from '@jest/globals';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumForTests } from './chromium.js';
import { ROOT } from './run-process.js';

// An ignored folder by default, so `npm test` never changes tracked files; `npm run screenshots` sets docs/.
export const SCREENSHOTS = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'test-output/screenshots');

/** `extraArgs`, e.g. --host-resolver-rules to give a local test server a client's host name. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
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
        ...extraArgs,
      ],
    })
    .catch((error: Error) => {
      throw new Error(`${found.source} did not start (set CHROMIUM_PATH to another Chromium or Chrome): ${error.message}`);
    });
}

/** Checks a page the browser was shown; `which` names it in a failure, since the same checks run on every page. */
export async function expectUsable(page: Page, which: string) {
  // Nothing overflows sideways, and every visible input has a visible label pointing at it (axe also accepts
  // aria-label or a title, which a sighted user never sees).
  expect({ which, overflows: await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth) }).toEqual({
    which,
    overflows: false,
  });
  const unlabeled = await page.evaluate(
    () =>
      [...document.querySelectorAll('input:not([type=hidden])')].filter((input) => {
        const label = document.querySelector(`label[for="${input.id}"]`) as HTMLElement | null;
        return !label || label.offsetHeight === 0;
      }).length,
  );
  expect({ which, unlabeled }).toEqual({ which, unlabeled: 0 });
  expect({ which, violations: await accessibilityViolations(page) }).toEqual({ which, violations: [] });
}

/**
 * axe-core's WCAG 2.0 and 2.1 level A and AA rules (contrast, labels, accessible names, ARIA, language, title, ...),
 * one line per failing element: rule id, impact, the element's selector, what the rule wants and what axe found.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  // axe's failure summary carries the specifics, such as the measured contrast ratio and the colours.
  return violations.flatMap((rule) =>
    rule.nodes.map(
      (node) =>
        `${rule.id} (${rule.impact}) at ${node.target.join(' ')}: ${rule.help}. ${(node.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`,
    ),
  );
}
