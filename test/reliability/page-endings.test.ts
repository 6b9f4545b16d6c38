/**
 * Delivery across the ways a page view ends, in real headless Chromium against a real collector:
 * link navigation, reload, tab close, back/forward cache (enter, then restore and end the
 * restored view), a hidden tab that is then closed, and SPA route changes. Each case runs REPS
 * times; a page view counts as delivered when its page event arrived and its LCP, CLS and INP on
 * /metrics equal what the page measured of itself (site.ts) just before it ended: the final
 * values, not an early report. The share of delivered views per case must be at least 99%.
 *
 * Also: a page with Pulse stays eligible for the back/forward cache (CDP
 * `Page.backForwardCacheNotUsed` never fires), checked first on a page without Pulse to show
 * that this headless Chromium does use the cache at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { PulseClient } from '@pulse/sdk';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { scrape, waitForScrape, type Scrape } from '../helpers/metrics.js';
import { launchChromiumWithBfcache } from './browser.js';
import { HANDLER_MS, serveSite, type GroundTruth, type Site } from './site.js';

const REPS = Number(process.env.PULSE_PAGE_END_REPS ?? 20);
const MIN_SHARE = 0.99;
/** Seconds on /metrics vs ms measured in the page: float noise only. */
const TOLERANCE_S = 1e-6;

type Navigation = 'navigate' | 'reload' | 'back-forward-cache' | 'soft';

/** One page view a flow produced, and what should arrive for it. */
interface ExpectedView {
  app: string;
  route: string;
  navigation: Navigation;
  /** The page's own final measurement; undefined for views whose vitals are not checked. */
  truth?: GroundTruth;
  /** A restored view's LCP is web-vitals' time to the first frame after restore: not checked. */
  lcpChecked?: boolean;
}

interface PulseWindow {
  Pulse?: unknown;
  truth: GroundTruth;
  viewStart: number;
  shift(): void;
}

let site: Site;
let collector: RunningCollector;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];
const shares: Record<string, string> = {};

beforeAll(async () => {
  site = await serveSite(() => collector.url);
  collector = await startCollector({
    allowOrigins: [site.url],
    rateLimit: false,
    // One app per page load (site.ts), so every page view can be told apart on /metrics.
    appCap: 10_000,
    // Each admitted app reserves its worst case (531 series) under the ceiling: room for all.
    seriesCeiling: 10_000_000,
  });
  browser = await launchChromiumWithBfcache();
  context = await browser.newContext();
  context.on('page', (tab) => {
    tab.on('pageerror', (error) => pageErrors.push(`${tab.url()}: ${error.message}`));
  });
});

afterAll(async () => {
  console.info('delivered page views per way of ending', shares);
  await browser?.close();
  await collector?.close();
  await site?.close();
});

/** Waits until Pulse runs and the view has its LCP, a layout shift and an interaction. */
async function measure(tab: Page, restored = false): Promise<{ app: string; truth: GroundTruth }> {
  if (restored) await tab.waitForFunction(() => (window as unknown as PulseWindow).viewStart > 0);
  else {
    await tab.waitForFunction(() => {
      const page = window as unknown as PulseWindow;
      return page.Pulse !== undefined && page.truth.lcp > 0;
    });
  }
  // Chromium flags layout shifts in the first 500 ms after a restore as following input
  // (hadRecentInput), and CLS leaves those out: shift until one counts.
  await tab.waitForFunction(
    () => {
      const page = window as unknown as PulseWindow;
      if (page.truth.cls > 0) return true;
      page.shift();
      return false;
    },
    undefined,
    { polling: 100 },
  );
  await tab.click('#buy');
  // Wait for the click's own entry: the pointerdown of the same interaction can be reported a
  // frame earlier (about 24 ms, before the handler blocks), and reading the truth then would
  // give the view an INP that the click's entry, arriving next, then raises.
  await tab.waitForFunction(
    (handlerMs) => (window as unknown as PulseWindow).truth.inp >= handlerMs,
    HANDLER_MS,
  );
  return tab.evaluate(() => ({
    app: document.querySelector<HTMLScriptElement>('script[data-app]')!.dataset.app!,
    truth: { ...(window as unknown as PulseWindow).truth },
  }));
}

const followLink = (tab: Page) =>
  Promise.all([tab.waitForURL('**/plain'), tab.click('#next')]).then(() => undefined);

/** The ways a page view ends; each returns the views it produced. */
const flows: Record<string, (tab: Page) => Promise<ExpectedView[]>> = {
  'link navigation': async (tab) => {
    await tab.goto(`${site.url}/view/link`);
    const { app, truth } = await measure(tab);
    await followLink(tab);
    return [{ app, route: '/view/link', navigation: 'navigate', truth, lcpChecked: true }];
  },

  reload: async (tab) => {
    await tab.goto(`${site.url}/view/reload`);
    const { app, truth } = await measure(tab);
    await tab.reload();
    return [{ app, route: '/view/reload', navigation: 'navigate', truth, lcpChecked: true }];
  },

  'tab close': async (tab) => {
    await tab.goto(`${site.url}/view/close`);
    const { app, truth } = await measure(tab);
    await tab.close();
    return [{ app, route: '/view/close', navigation: 'navigate', truth, lcpChecked: true }];
  },

  'back/forward cache': async (tab) => {
    await tab.goto(`${site.url}/view/bfcache`);
    const first = await measure(tab);
    await followLink(tab);
    // A restore fires no load event: wait for the navigation to commit only.
    await tab.goBack({ waitUntil: 'commit' });
    const restored = await measure(tab, true);
    await followLink(tab);
    return [
      {
        app: first.app,
        route: '/view/bfcache',
        navigation: 'navigate',
        truth: first.truth,
        lcpChecked: true,
      },
      {
        app: first.app,
        route: '/view/bfcache',
        navigation: 'back-forward-cache',
        truth: restored.truth,
      },
    ];
  },

  /*
   * Headless Chromium never hides a page: neither another tab in front, nor a minimised window
   * (CDP Browser.setWindowBounds), nor Target.activateTarget changes document.visibilityState.
   * So the hide is what the page observes of one: visibilityState and hidden turn to "hidden"
   * and visibilitychange is dispatched, which is all web-vitals and Pulse listen to. The tab is
   * then closed for real.
   */
  'hidden tab, then close': async (tab) => {
    await tab.goto(`${site.url}/view/hidden`);
    const { app, truth } = await measure(tab);
    await tab.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    });
    await tab.close();
    return [{ app, route: '/view/hidden', navigation: 'navigate', truth, lcpChecked: true }];
  },

  /*
   * web-vitals hands INP to Pulse from an idle callback, and a route change ends the view at
   * once: an interaction in the last moments before a route change counts in the next view.
   * So the route changes here come after Pulse has the interaction's INP (docs/RELIABILITY.md).
   */
  'SPA route changes': async (tab) => {
    await tab.goto(`${site.url}/spa/spa`);
    await tab.waitForFunction(() => (window as unknown as PulseWindow).Pulse !== undefined);
    await tab.evaluate(() => {
      const page = window as unknown as PulseWindow & { pulseInp?: number };
      (page.Pulse as PulseClient).onMetric((update) => {
        if (update.k === 'vital' && update.name === 'INP') page.pulseInp = update.value;
      });
    });
    const { app, truth } = await measure(tab);
    await tab.waitForFunction(
      (inp) => (window as unknown as { pulseInp?: number }).pulseInp === inp,
      truth.inp,
    );
    const views: ExpectedView[] = [
      { app, route: '/spa/spa', navigation: 'navigate', truth, lcpChecked: true },
    ];
    for (const step of ['cart', 'checkout', 'done']) {
      await tab.evaluate((path) => history.pushState(null, '', path), `/spa/spa/${step}`);
      await tab.click('#buy');
      views.push({ app, route: `/spa/spa/${step}`, navigation: 'soft' });
    }
    await tab.close();
    return views;
  },
};

/** Whether every view of one repetition arrived, with its final values where checked. */
function delivered(metrics: Scrape, views: ExpectedView[]): string | undefined {
  const groups = new Map<string, ExpectedView[]>();
  for (const view of views) {
    const key = `${view.app} ${view.route}`;
    groups.set(key, [...(groups.get(key) ?? []), view]);
  }
  for (const group of groups.values()) {
    const { app, route } = group[0]!;
    const labels = { app, route };
    const ended = metrics.count('pulse_total_blocking_time_seconds', labels);
    if (ended !== group.length) return `${app}${route}: ${ended} of ${group.length} page events`;
    for (const navigation of new Set(group.map((view) => view.navigation))) {
      const want = group.filter((view) => view.navigation === navigation).length;
      const got = metrics.value('pulse_page_views_total', { ...labels, navigation });
      if (got !== want) return `${app}${route}: ${got} ${navigation} views, expected ${want}`;
    }
    const checked = group.filter((view) => view.truth !== undefined);
    if (checked.length === 0) continue;
    for (const [metric, truthKey, scale, name, seriesLabels] of [
      ['LCP', 'lcp', 1000, 'pulse_web_vital_seconds', { ...labels, metric: 'LCP' }],
      ['INP', 'inp', 1000, 'pulse_web_vital_seconds', { ...labels, metric: 'INP' }],
      ['CLS', 'cls', 1, 'pulse_layout_shift_score', labels],
    ] as const) {
      const count = metrics.count(name, seriesLabels);
      if (count !== checked.length)
        return `${app}${route}: ${count} ${metric} of ${checked.length}`;
      const sum = metrics.sum(name, seriesLabels);
      const truths = checked.filter((view) => metric !== 'LCP' || view.lcpChecked);
      const expected = truths.reduce((total, view) => total + view.truth![truthKey] / scale, 0);
      const exact = truths.length === checked.length;
      if (exact ? Math.abs(sum - expected) > TOLERANCE_S : sum < expected - TOLERANCE_S) {
        return `${app}${route}: ${metric} ${sum} on /metrics, ${expected} measured in the page`;
      }
    }
  }
  return undefined;
}

describe(`page views are delivered with their final values, each way a page ends (${REPS} runs each)`, () => {
  it.each(Object.keys(flows))('%s', async (name) => {
    const runs: ExpectedView[][] = [];
    for (let rep = 0; rep < REPS; rep += 1) {
      const tab = await context.newPage();
      runs.push(await flows[name]!(tab));
      if (!tab.isClosed()) await tab.close();
    }
    const allArrived = (metrics: Scrape) =>
      runs.every((views) => delivered(metrics, views) === undefined);
    const metrics = await waitForScrape(collector.adminUrl, allArrived, 20_000);
    const failures = runs.map((views) => delivered(metrics, views)).filter((f) => f !== undefined);
    const share = (runs.length - failures.length) / runs.length;
    shares[name] = `${runs.length - failures.length}/${runs.length} (${(share * 100).toFixed(1)}%)`;
    expect(share, failures.join('\n')).toBeGreaterThanOrEqual(MIN_SHARE);
  });

  it('reported restored views as back-forward-cache', async () => {
    const metrics = await scrape(collector.adminUrl);
    expect(metrics.value('pulse_page_views_total', { navigation: 'back-forward-cache' })).toBe(
      REPS,
    );
  });

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('back/forward cache eligibility (CDP)', () => {
  /** Goes to `path`, follows its link, comes back; returns what kept it out of the cache. */
  async function roundTrip(path: string) {
    const tab = await context.newPage();
    await tab.addInitScript(() => {
      addEventListener('pageshow', (event) => {
        (window as unknown as { restored?: boolean }).restored = event.persisted;
      });
    });
    const cdp: CDPSession = await context.newCDPSession(tab);
    await cdp.send('Page.enable');
    const notUsed: unknown[] = [];
    cdp.on('Page.backForwardCacheNotUsed', (event) => notUsed.push(event));
    await tab.goto(`${site.url}${path}`);
    await tab.waitForLoadState('load');
    if (path.startsWith('/view/')) {
      await tab.waitForFunction(() => (window as unknown as PulseWindow).Pulse !== undefined);
      await tab.click('#buy');
    }
    await Promise.all([tab.waitForURL((url) => url.pathname !== path), tab.click('#next')]);
    await tab.goBack({ waitUntil: 'commit' });
    await tab.waitForFunction(
      () => (window as unknown as { restored?: boolean }).restored !== undefined,
    );
    const restored = await tab.evaluate(
      () => (window as unknown as { restored?: boolean }).restored,
    );
    await tab.close();
    return { restored, notUsed };
  }

  it('headless Chromium restores a page without Pulse from the cache (control)', async () => {
    const { restored, notUsed } = await roundTrip('/plain');
    expect(notUsed).toEqual([]);
    expect(restored).toBe(true);
  });

  it('restores a page with Pulse from the cache: nothing in Pulse blocks it', async () => {
    const { restored, notUsed } = await roundTrip('/view/eligible');
    expect(notUsed).toEqual([]);
    expect(restored).toBe(true);
  });
});
