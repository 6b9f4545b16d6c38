/**
 * One way for the e2e tests to drive a tab in either engine they run in, so a scenario is
 * written once and run in both: Chromium through playwright-core (helpers/browser.ts) and
 * Firefox through puppeteer-core over WebDriver BiDi (helpers/firefox.ts). Only what the
 * scenarios use is here; where the engines differ (how a tab is hidden, how a back navigation is
 * awaited), each side does what its browser really does and says so.
 */
import type { BrowserContext, Page as PlaywrightPage } from 'playwright-core';
import type { Browser as PuppeteerBrowser, Page as PuppeteerPage } from 'puppeteer-core';
import { By } from 'selenium-webdriver';
import { launchChromium } from './browser.js';
import { launchFirefox } from './firefox.js';
import { launchWebKit, type WebKitSession } from './webkit.js';

export type TestEngine = 'chromium' | 'firefox' | 'webkit';

/** The engines every cross-browser scenario runs in, as `describe.each` takes them. */
export const TEST_ENGINES: readonly TestEngine[] = ['chromium', 'firefox'];

/**
 * What a page in each engine reports, as the tests find it (docs/BROWSERS.md). Firefox ESR has
 * neither the Long Tasks API (so no long tasks and no total blocking time) nor layout-shift
 * entries (so no CLS), and reports LCP and INP. Debian's WebKitGTK 2.50 observes only `paint`,
 * `navigation`, `resource`, `mark` and `measure` entries: FCP and TTFB, none of LCP, INP, CLS
 * (so its page views are not scored) and no long tasks.
 */
export interface EngineReports {
  /** `largest-contentful-paint` entries, hence LCP. */
  lcp: boolean;
  /** `longtask` entries, hence long-task events and a page event's `tbt`. */
  longTasks: boolean;
  /** `layout-shift` entries, hence CLS. */
  cls: boolean;
  /** Event Timing entries with an `interactionId`, hence INP. */
  inp: boolean;
}

export const ENGINE_REPORTS: Readonly<Record<TestEngine, EngineReports>> = {
  chromium: { lcp: true, longTasks: true, cls: true, inp: true },
  firefox: { lcp: true, longTasks: false, cls: false, inp: true },
  webkit: { lcp: false, longTasks: false, cls: false, inp: false },
};

export interface TabErrorHandlers {
  /** An uncaught exception or unhandled rejection in the page. */
  onPageError?: (message: string) => void;
  /** A `console.error` (or an error the browser logs to the console). */
  onConsoleError?: (message: string) => void;
}

/** A browser tab, driven the same way in every engine. */
export interface TestTab {
  goto(url: string): Promise<void>;
  url(): string;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Resolves once `fn` returns a truthy value, run on each frame or every `pollingMs`. */
  waitFor<A = undefined>(fn: (arg: A) => unknown, arg?: A, pollingMs?: number): Promise<void>;
  click(selector: string): Promise<void>;
  /** Clicks a link and resolves once the page it leads to has loaded. */
  follow(selector: string): Promise<void>;
  reload(): Promise<void>;
  /** Goes back in history; resolves once the previous page is in place (restored or loaded). */
  back(): Promise<void>;
  /** Hides the tab the way this engine can (see each implementation). */
  hide(): Promise<void>;
  pause(ms: number): Promise<void>;
  /** Closes the tab through the automation protocol, as synthetic monitoring does. */
  close(): Promise<void>;
  isClosed(): boolean;
}

export interface TestBrowser {
  engine: TestEngine;
  reports: EngineReports;
  newTab(handlers?: TabErrorHandlers): Promise<TestTab>;
  close(): Promise<void>;
}

type PageFunction = (arg: unknown) => unknown;

function chromiumTab(page: PlaywrightPage, handlers: TabErrorHandlers): TestTab {
  page.on('pageerror', (error) => handlers.onPageError?.(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') handlers.onConsoleError?.(message.text());
  });
  return {
    goto: async (url) => void (await page.goto(url)),
    url: () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn as PageFunction, arg) as never,
    waitFor: async (fn, arg, pollingMs) =>
      void (await page.waitForFunction(fn as PageFunction, arg, {
        polling: pollingMs ?? 'raf',
      })),
    click: (selector) => page.click(selector),
    follow: async (selector) => {
      const from = page.url();
      await Promise.all([page.waitForURL((url) => url.href !== from), page.click(selector)]);
    },
    reload: async () => void (await page.reload()),
    // A restore from the back/forward cache fires no load event: wait for the commit only.
    back: async () => void (await page.goBack({ waitUntil: 'commit' })),
    /*
     * Headless Chromium never hides a page: neither another tab in front, nor a minimised window
     * (CDP Browser.setWindowBounds), nor Target.activateTarget changes
     * document.visibilityState. So the hide is what the page observes of one: visibilityState
     * and hidden turn to "hidden" and visibilitychange is dispatched, which is all web-vitals
     * and Pulse listen to.
     */
    hide: () =>
      page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => 'hidden',
        });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
      }),
    pause: (ms) => page.waitForTimeout(ms),
    close: () => page.close(),
    isClosed: () => page.isClosed(),
  };
}

/** Chromium tabs opened in `context` (so a test can choose its launch flags). */
export function chromiumUnderTest(context: BrowserContext): TestBrowser {
  return {
    engine: 'chromium',
    reports: ENGINE_REPORTS.chromium,
    newTab: async (handlers = {}) => chromiumTab(await context.newPage(), handlers),
    close: () => context.browser()!.close(),
  };
}

/** A page the tab left, marked with the number of that leave. */
type MarkedWindow = Window & { leftBy?: number };

function firefoxTab(browser: PuppeteerBrowser, page: PuppeteerPage, handlers: TabErrorHandlers) {
  page.on('pageerror', (error) => handlers.onPageError?.((error as Error).message));
  page.on('console', (message) => {
    if (message.type() === 'error') handlers.onConsoleError?.(message.text());
  });
  let cover: PuppeteerPage | undefined;
  let current = '';
  let leaves = 0;
  /*
   * WebDriver BiDi reports no navigation for a restore from the back/forward cache, and after
   * one puppeteer's page keeps the URL it had and waits in vain for the next navigation too
   * (goBack() and waitForNavigation() both time out). So a page left by `go` is marked, and the
   * wait ends when the tab shows a loaded document without this leave's mark: a page restored
   * from the cache still has the mark of the leave that put it there, a different one. It polls
   * from here: a waitForFunction started in the page being left keeps polling there, frozen in
   * the cache.
   */
  const leave = async (go: () => Promise<void>) => {
    leaves += 1;
    await page.evaluate((mark) => void ((window as MarkedWindow).leftBy = mark), leaves);
    await go();
    const arrived = (mark: number) =>
      (window as MarkedWindow).leftBy !== mark && document.readyState === 'complete';
    // Between the two documents the tab has no realm to evaluate in: not arrived yet.
    while (!(await page.evaluate(arrived, leaves).catch(() => false))) await tab.pause(50);
    current = await page.evaluate(() => location.href);
  };
  const tab: TestTab = {
    goto: async (url) => {
      await page.goto(url);
      current = page.url();
    },
    url: () => current,
    evaluate: (fn, arg) => page.evaluate(fn as PageFunction, arg) as never,
    waitFor: async (fn, arg, pollingMs) =>
      void (await page.waitForFunction(fn as PageFunction, { polling: pollingMs ?? 'raf' }, arg)),
    click: (selector) => page.click(selector),
    follow: (selector) => leave(() => page.click(selector)),
    reload: () => leave(async () => void (await page.reload())),
    back: () => leave(() => page.evaluate(() => void setTimeout(() => history.back()))),
    // Firefox hides a tab for real when another comes to the front: open one over it.
    hide: async () => {
      cover = await browser.newPage();
      await tab.waitFor(() => document.visibilityState === 'hidden', undefined, 50);
    },
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: async () => {
      await page.close();
      await cover?.close();
    },
    isClosed: () => page.isClosed(),
  };
  return tab;
}

/** Tabs of a Firefox that puppeteer launched. */
export function firefoxUnderTest(browser: PuppeteerBrowser): TestBrowser {
  return {
    engine: 'firefox',
    reports: ENGINE_REPORTS.firefox,
    newTab: async (handlers = {}) => firefoxTab(browser, await browser.newPage(), handlers),
    close: () => browser.close(),
  };
}

/*
 * WebDriver classic, all WebKitGTK's driver speaks, has commands and no events: a page's errors
 * and console are not observed in WebKit (TabErrorHandlers are not called), and a wait is a
 * poll.
 */
function webkitTab(session: WebKitSession, handle: string): TestTab {
  const { driver } = session;
  let current = '';
  let closed = false;
  // Every command goes to the session's current window: make it this tab's first.
  const focused = async () => void (await driver.switchTo().window(handle));
  const settle = async () => {
    await tab.waitFor(() => document.readyState === 'complete', undefined, 50);
    current = await driver.getCurrentUrl();
  };
  const tab: TestTab = {
    goto: async (url) => {
      await focused();
      await driver.get(url);
      current = await driver.getCurrentUrl();
    },
    url: () => current,
    // The W3C Execute Script command awaits a promise the script returns.
    evaluate: async (fn, arg) => {
      await focused();
      return driver.executeScript(`return (${fn.toString()})(arguments[0]);`, arg);
    },
    waitFor: async (fn, arg, pollingMs = 50) => {
      while (!(await tab.evaluate(fn, arg))) await tab.pause(pollingMs);
    },
    click: async (selector) => {
      await focused();
      await driver.findElement(By.css(selector)).click();
    },
    follow: async (selector) => {
      const from = current;
      await tab.click(selector);
      while ((await driver.getCurrentUrl()) === from) await tab.pause(50);
      await settle();
    },
    reload: async () => {
      await focused();
      await driver.navigate().refresh();
      await settle();
    },
    back: async () => {
      await focused();
      await driver.navigate().back();
      await settle();
    },
    hide: () => {
      // Neither WebKitWebDriver nor MiniBrowser under a bare Xvfb can put a window out of sight.
      throw new Error(
        'hiding a WebKit tab is not supported: no scenario that hides runs in WebKit',
      );
    },
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: async () => {
      await focused();
      await driver.close();
      closed = true;
    },
    isClosed: () => closed,
  };
  return tab;
}

/** Windows of a MiniBrowser that WebKitWebDriver launched; the first tab is its first window. */
export function webkitUnderTest(session: WebKitSession): TestBrowser {
  let firstWindow: string | undefined;
  return {
    engine: 'webkit',
    reports: ENGINE_REPORTS.webkit,
    newTab: async () => {
      if (firstWindow === undefined) {
        firstWindow = await session.driver.getWindowHandle();
        return webkitTab(session, firstWindow);
      }
      await session.driver.switchTo().newWindow('window');
      return webkitTab(session, await session.driver.getWindowHandle());
    },
    close: () => session.close(),
  };
}

/** Launches `engine` headless with the project's defaults (helpers/browser.ts, firefox.ts). */
export async function launchTestBrowser(engine: TestEngine): Promise<TestBrowser> {
  if (engine === 'firefox') return firefoxUnderTest(await launchFirefox());
  if (engine === 'webkit') return webkitUnderTest(await launchWebKit());
  const browser = await launchChromium();
  return chromiumUnderTest(await browser.newContext());
}
