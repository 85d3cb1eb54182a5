import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export type TestContext = {
  baseUrl: string;
  dataDir: string;
  /** A page in a fresh browser context (its own cookies), closed after the test. */
  newPage: (options?: { width?: number; height?: number }) => Promise<Page>;
  /** Saves a full-page PNG under e2e/screenshots/. */
  screenshot: (page: Page, name: string) => Promise<void>;
};
export type E2ETest = { name: string; run: (ctx: TestContext) => Promise<void> };

export const screenshotDir = path.resolve(import.meta.dirname, '../screenshots');

export function contextFor(browser: Browser, baseUrl: string, dataDir: string): { ctx: TestContext; close: () => Promise<void> } {
  const contexts: BrowserContext[] = [];
  const ctx: TestContext = {
    baseUrl,
    dataDir,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: options.width ?? 1280, height: options.height ?? 860 } });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      return context.newPage();
    },
    async screenshot(page, name) {
      await fs.mkdir(screenshotDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
    },
  };
  return { ctx, close: async () => void (await Promise.all(contexts.map((c) => c.close().catch(() => undefined)))) };
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/**
 * Records the console errors and uncaught exceptions of `page` (a failed request shows as a console
 * error too, except refused connections to `unreachableOrigin`). `assertNone(where)` fails the test if any arrived since the last check, naming them.
 */
export function watchConsole(page: Page, options: { unreachableOrigin?: string } = {}): { assertNone: (where: string) => void } {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    // The browser itself reports a refused connection to a server the test made unreachable on purpose;
    // the page cannot silence that. Anything else from there (or a page's own console.error) still counts.
    if (options.unreachableOrigin && url.startsWith(options.unreachableOrigin) && message.text().startsWith('Failed to load resource')) return;
    errors.push(`${message.text()} (${url || page.url()})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message} (${page.url()})`));
  return {
    assertNone(where) {
      const seen = errors.splice(0);
      assert(seen.length === 0, `console errors ${where}:\n  ${seen.join('\n  ')}`);
    },
  };
}

/** The 390 × 844 phone the layout checks use (an iPhone 12–15). */
export const PHONE = { width: 390, height: 844 } as const;

/** Fails when the page is wider than its window, i.e. a reader would have to scroll sideways. */
export async function assertNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert(scrollWidth <= innerWidth, `${what} is ${scrollWidth} px wide in a ${innerWidth} px window`);
}
