import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Impairment } from '../server/impairment.js';
import { launchChromium } from './chromium.js';

export interface TrafficOptions {
  /** Origin of the demo site. */
  demoUrl: string;
  /** Tabs browsing at once, each its own session; odd ones emulate a phone. Default 3. */
  tabs?: number;
  /** Stop after this many ms. Default: until `signal` aborts. */
  durationMs?: number;
  /** Step through the network presets every `networkStepMs` so socket charts move. Default true. */
  cycleNetwork?: boolean;
  /** Time on each network preset, in ms. Default 30000. */
  networkStepMs?: number;
  signal?: AbortSignal;
  /** Progress lines; silent when absent. */
  log?: (line: string) => void;
}

const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** One visit: a few pages of the demo the way a shopper would go through them. */
type Visit = (page: Page, url: string, signal: AbortSignal) => Promise<void>;

const browseShop: Visit = async (page, url, signal) => {
  await page.goto(`${url}/`);
  await page.locator('a[href^="/products/"]').first().click();
  await page.getByRole('button', { name: 'Add to basket' }).click();
  await pause(1500, signal);
  await page.getByRole('link', { name: 'Chat' }).click();
  await page
    .getByLabel('Message', { exact: true })
    .fill(`Anyone tried the ${['mug', 'apron', 'kettle'][Math.floor(Math.random() * 3)]}?`);
  await page.getByRole('button', { name: 'Send' }).click();
  await pause(2500, signal);
};

const landOnSlowPage: Visit = async (page, url, signal) => {
  await page.goto(`${url}/slow`);
  // The banner comes once the picture is in; clicking before it would excuse its layout shift.
  await page.locator('.banner').waitFor();
  await pause(600, signal);
  await page.getByRole('button', { name: 'Apply coupon' }).click();
  await pause(1500, signal);
};

const wanderToSlowPage: Visit = async (page, url, signal) => {
  await page.goto(`${url}/products/${1 + Math.floor(Math.random() * 5)}`);
  await pause(1000, signal);
  await page.getByRole('link', { name: 'Deals' }).click();
  await page.getByRole('button', { name: 'Apply coupon' }).click();
  await pause(1000, signal);
  await page.getByRole('link', { name: 'Home' }).click();
  await pause(1500, signal);
};

/**
 * A regular who keeps the chat open: socket summaries go out every 10 s only while a page stays,
 * so this visit is what fills the socket charts.
 */
const stayInChat: Visit = async (page, url, signal) => {
  await page.goto(`${url}/chat`);
  for (let i = 0; i < 10 && !signal.aborted; i++) {
    await page.getByLabel('Message', { exact: true }).fill(`Still here, message ${i + 1}`);
    await page.getByRole('button', { name: 'Send' }).click();
    await pause(4000, signal);
  }
};

const VISITS: Visit[] = [browseShop, browseShop, landOnSlowPage, wanderToSlowPage];

/**
 * The visits in a random order that still plays every one of them each `VISITS.length` rounds,
 * so even a short run lands on every page the dashboard shows (a plain random pick can miss the
 * slow page's hard load, the only visit that gives it an LCP, for many rounds).
 */
function shuffledVisits(): () => Visit {
  let deck: Visit[] = [];
  return () => {
    if (deck.length === 0) {
      deck = [...VISITS];
      for (let i = deck.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [deck[i], deck[j]] = [deck[j]!, deck[i]!];
      }
    }
    return deck.pop()!;
  };
}

interface TabOptions {
  demoUrl: string;
  tabs: number;
  signal: AbortSignal;
  log: (line: string) => void;
  count: () => void;
}

async function browse(browser: Browser, tab: number, options: TabOptions) {
  const context = await browser.newContext(tab % 2 === 1 ? PHONE : DESKTOP);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const nextVisit = shuffledVisits();
  try {
    for (let round = 0; !options.signal.aborted; round++) {
      // The first tab is the chat regular (every other round when it is the only tab).
      const regular = tab === 0 && (options.tabs > 1 || round % 2 === 0);
      const visit = regular ? stayInChat : nextVisit();
      try {
        await visit(page, options.demoUrl, options.signal);
        options.count();
      } catch (error) {
        if (!options.signal.aborted)
          options.log(`tab ${tab}: ${(error as Error).message.split('\n')[0]}`);
      }
      // Leaving the page hides it: the SDK sends the page view's final values then.
      await page.goto('about:blank').catch(() => {});
    }
  } finally {
    await context.close().catch(() => {});
  }
}

async function cycleNetwork(
  url: string,
  stepMs: number,
  signal: AbortSignal,
  log: (line: string) => void,
) {
  const { presets } = (await (await fetch(`${url}/api/impairment`)).json()) as {
    presets: Record<string, Impairment>;
  };
  const names = Object.keys(presets);
  for (let step = 0; !signal.aborted; step++) {
    const name = names[step % names.length]!;
    await fetch(`${url}/api/impairment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(presets[name]),
    });
    log(`network: ${name}`);
    await pause(stepMs, signal);
  }
  await fetch(`${url}/api/impairment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(presets[names[0]!]),
  }).catch(() => {});
}

/**
 * Drives headless Chromium tabs through the demo until the duration ends or `signal` aborts,
 * so the dashboard fills without anyone clicking. Resolves with the number of visits made,
 * after every tab has left its last page (so their final beacons are on their way).
 */
export async function driveTraffic(options: TrafficOptions): Promise<{ visits: number }> {
  const { demoUrl, tabs = 3, durationMs, networkStepMs = 30_000 } = options;
  const log = options.log ?? (() => {});
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const timer = durationMs === undefined ? undefined : setTimeout(stop, durationMs);
  let visits = 0;
  const browser = await launchChromium();
  try {
    const work = Array.from({ length: tabs }, (_, tab) =>
      browse(browser, tab, {
        demoUrl,
        tabs,
        signal: controller.signal,
        log,
        count: () => visits++,
      }),
    );
    if (options.cycleNetwork ?? true)
      work.push(cycleNetwork(demoUrl, networkStepMs, controller.signal, log));
    await Promise.all(work);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    await browser.close();
  }
  return { visits };
}
