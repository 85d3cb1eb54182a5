import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export type TestContext = {
  baseUrl: string;
  dataDir: string;
  /**
   * A page in a fresh browser context (its own cookies), closed after the test. Every page is guarded
   * (see `guardPage`): the test fails on a console error, an unexpected failed request, sideways scrolling
   * or a serious accessibility violation on any page it visits.
   */
  newPage: (options?: { width?: number; height?: number }) => Promise<Page>;
  /** Checks the page now (see `guardPage`) and saves a full-page PNG under e2e/screenshots/. */
  screenshot: (page: Page, name: string) => Promise<void>;
  /**
   * Declares answers this test provokes on purpose (a wrong password's 401, a refused booking's 409):
   * requests whose URL matches `url` and whose status is `status` (any 4xx when omitted) are not failures.
   */
  expectFailure: (page: Page, url: RegExp, status?: number) => void;
};
export type E2ETest = { name: string; run: (ctx: TestContext) => Promise<void> };

export const screenshotDir = path.resolve(import.meta.dirname, '../screenshots');

/** Requests every test may see fail: map tiles and styles when the street map is unreachable (the map falls back). */
const ALWAYS_EXPECTED: RegExp[] = [/tiles\.openfreemap\.org/, /\/e2e-unreachable-map\//, /127\.0\.0\.1:9\//];

const axeSource = fs.readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Expected = { url: RegExp; status?: number };
type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

/**
 * Watches one page for the whole test: console errors, uncaught exceptions, failed requests and 4xx/5xx
 * answers that were not declared with `expectFailure`. A page is checked for sideways scrolling and with
 * axe-core (serious and critical violations fail) when a screenshot is taken and, by itself, a moment after
 * every navigation (so a page visited without a screenshot is checked too). `finish` reports all problems.
 */
export function guardPage(page: Page, label: string) {
  const problems: string[] = [];
  const expected: Expected[] = [];
  const checkedPaths = new Set<string>();
  let pending: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const isExpected = (url: string, status?: number) =>
    ALWAYS_EXPECTED.some((re) => re.test(url)) ||
    expected.some((e) => e.url.test(url) && (e.status === undefined ? status === undefined || (status >= 400 && status < 500) : e.status === status));

  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url || page.url();
    // Chromium logs every 4xx/5xx answer as "Failed to load resource"; the answer itself is judged below.
    if (/^Failed to load resource/.test(message.text())) return;
    if (ALWAYS_EXPECTED.some((re) => re.test(where)) || ALWAYS_EXPECTED.some((re) => re.test(message.text()))) return;
    problems.push(`console error: ${message.text()} (${where})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message} (${page.url()})`));
  page.on('response', (response) => {
    const status = response.status();
    if (status >= 400 && !isExpected(response.url(), status))
      problems.push(`${response.request().method()} ${response.url()} answered ${status} (on ${page.url()})`);
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    // A fetch the app aborted itself (a superseded search, a page left) is not a failure.
    if (failure.includes('ERR_ABORTED') || isExpected(request.url())) return;
    problems.push(`${request.method()} ${request.url()} failed: ${failure} (on ${page.url()})`);
  });

  /** Checks run one after another: axe refuses to start while a run is going on in the same page. */
  function check(where: string): Promise<void> {
    const run = pending.then(() => checkNow(where));
    pending = run.catch((err: Error) => void problems.push(`check failed: ${err.message}`));
    return run;
  }

  async function checkNow(where: string): Promise<void> {
    const url = page.url();
    if (!url.startsWith('http')) return;
    const width = page.viewportSize()?.width ?? 0;
    const result = await page
      .evaluate(
        async (source) => {
          const w = window as unknown as { axe?: { run: (ctx: Document, options: object) => Promise<{ violations: unknown[] }> } };
          if (!w.axe) new Function(source)();
          const { violations } = await w.axe!.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
            resultTypes: ['violations'],
          });
          // The deepest elements that stick out on the right name the cause of sideways scrolling.
          const wide = Array.from(document.body.querySelectorAll<HTMLElement>('*'))
            .filter(
              (el) =>
                el.getBoundingClientRect().right > window.innerWidth + 0.5 &&
                !Array.from(el.children).some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5),
            )
            .slice(0, 3)
            .map(
              (el) =>
                `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (${Math.round(el.getBoundingClientRect().right)} px)`,
            );
          return { violations, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide };
        },
        await axeSource,
      )
      .catch((err: Error) => {
        // The page navigated while it was being checked: the next page gets its own check.
        if (/Execution context was destroyed|navigation|Target page, context or browser has been closed/i.test(err.message)) return null;
        throw err;
      });
    if (!result) return;
    checkedPaths.add(new URL(url).pathname);
    if (result.scrollWidth > result.innerWidth)
      problems.push(`${where}: ${url} is ${result.scrollWidth} px wide in a ${width} px window: ${result.wide.join(', ')}`);
    for (const v of result.violations as AxeViolation[]) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      const targets = v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target));
      problems.push(`${where}: axe ${v.impact} "${v.id}" on ${url}: ${v.help} — ${targets.join(', ')}`);
    }
  }

  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const path = new URL(page.url()).pathname;
      if (checkedPaths.has(path)) return;
      void check(`${label}, after navigating`).catch(() => undefined);
    }, 1_200);
  });

  return {
    expect: (url: RegExp, status?: number) => void expected.push({ url, status }),
    check,
    async finish(): Promise<string[]> {
      clearTimeout(timer);
      if (!page.isClosed()) {
        const path = page.url().startsWith('http') ? new URL(page.url()).pathname : '';
        if (path && !checkedPaths.has(path)) await check(`${label}, at the end`).catch(() => undefined);
      }
      await pending;
      return problems.splice(0);
    },
  };
}

export function contextFor(browser: Browser, baseUrl: string, dataDir: string): { ctx: TestContext; finish: () => Promise<void>; close: () => Promise<void> } {
  const contexts: BrowserContext[] = [];
  const guards = new Map<Page, ReturnType<typeof guardPage>>();
  const ctx: TestContext = {
    baseUrl,
    dataDir,
    async newPage(options = {}) {
      const width = options.width ?? 1280;
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width, height: options.height ?? 860 } });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      const page = await context.newPage();
      guards.set(page, guardPage(page, `page ${guards.size + 1} (${width} px)`));
      return page;
    },
    async screenshot(page, name) {
      await guards.get(page)?.check(`screenshot ${name}`);
      await fs.mkdir(screenshotDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
    },
    expectFailure(page, url, status) {
      guards.get(page)?.expect(url, status);
    },
  };
  return {
    ctx,
    async finish() {
      const problems = (await Promise.all([...guards.values()].map((g) => g.finish()))).flat();
      assert(problems.length === 0, `problems on the pages this test visited:\n  ${problems.join('\n  ')}`);
    },
    close: async () => void (await Promise.all(contexts.map((c) => c.close().catch(() => undefined)))),
  };
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
