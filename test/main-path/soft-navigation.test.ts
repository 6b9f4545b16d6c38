/**
 * Soft navigations in real Chromium, whose Soft Navigation API web-vitals reads
 * (`reportSoftNavs`): a click that changes the route and paints starts a soft page view, and that
 * view's own LCP, FCP and INP, measured from the click, reach the collector's series for the new
 * route, while the first route keeps its own. Without the API (Firefox, WebKit) a soft view has
 * no paint metrics of its own: sdk/src/init.test.ts covers that case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape, type Scrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import { BUSY_SCRIPT } from '../fixtures/page-scripts.js';

const APP = 'e2e-soft-nav';
const SHOP_PATH = '/shop';
const PRODUCT_PATH = '/products/42';
/** The product view's slow click handler, in ms: the INP only that view may carry. */
const SLOW_HANDLER_MS = 250;
/** How long the first view stays before the click, in ms: longer than any paint of the test. */
const DWELL_MS = 1500;

/**
 * One document for both routes: `#open` renders the product view in place and pushes its URL, as
 * an SPA router does; the product view's `#buy` blocks for SLOW_HANDLER_MS.
 */
const shopPage = (collector: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Pulse soft navigation e2e</title><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${APP}"></script>
</head><body><main id="view">
<h1 style="font-size:48px">Ceramics shop</h1>
<button id="open" style="font-size:20px">Open the mug</button>
</main>
<script>
  ${BUSY_SCRIPT}
  document.getElementById('open').addEventListener('click', () => {
    history.pushState(null, '', '${PRODUCT_PATH}');
    document.getElementById('view').innerHTML =
      '<h1 style="font-size:64px">Handmade ceramic mug, 350 ml</h1>' +
      '<p style="font-size:24px">' + 'Stoneware, glazed by hand. '.repeat(20) + '</p>' +
      '<button id="buy" style="font-size:20px">Add to basket</button>';
    document.getElementById('buy').addEventListener('click', () => busy(${SLOW_HANDLER_MS}));
  });
  // What the page itself sees of its soft navigations, for the test to wait on.
  window.softNavigations = [];
  if (PerformanceObserver.supportedEntryTypes.includes('soft-navigation'))
    new PerformanceObserver((list) => window.softNavigations.push(...list.getEntries().map((entry) => entry.name)))
      .observe({ type: 'soft-navigation', buffered: true });
</script></body></html>`;

type SoftNavWindow = Window & { Pulse?: unknown; softNavigations: string[] };

/** Whether this Chromium has the Soft Navigation API as web-vitals requires it. */
const hasSoftNavigationApi = (tab: Page) =>
  tab.evaluate(
    () =>
      PerformanceObserver.supportedEntryTypes.includes('soft-navigation') &&
      typeof (
        globalThis as unknown as {
          PerformanceSoftNavigation?: { prototype: Record<string, unknown> };
        }
      ).PerformanceSoftNavigation?.prototype.getLargestInteractionContentfulPaint === 'function',
  );

describe('soft navigations get their own LCP, FCP and INP (Chromium, Soft Navigation API)', () => {
  let collector: RunningCollector;
  let site: StaticServer;
  let browser: Browser;
  const pageErrors: string[] = [];
  let metrics: Scrape;
  let clickedAfterMs: number;

  beforeAll(async () => {
    site = await serveHtml((path) => (path === SHOP_PATH ? shopPage(collector.url) : undefined));
    collector = await startCollector({ allowOrigins: [site.url], rateLimit: false });
    // Chromium ships the API enabled since it launched; the flag turns it on in the releases
    // before, where it was still behind SoftNavigationHeuristics.
    browser = await launchChromium({ args: ['--enable-features=SoftNavigationHeuristics'] });

    const tab = await browser.newPage();
    tab.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    tab.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await tab.goto(`${site.url}${SHOP_PATH}`);
    if (!(await hasSoftNavigationApi(tab)))
      throw new Error(`${await browser.version()} has no Soft Navigation API with ICP entries`);
    await tab.waitForFunction(() => (window as unknown as SoftNavWindow).Pulse !== undefined);
    await tab.waitForTimeout(DWELL_MS);
    clickedAfterMs = await tab.evaluate(() => performance.now());
    await tab.click('#open');
    // Chromium reports the soft navigation once the new view has painted.
    await tab.waitForFunction(
      (path) =>
        (window as unknown as SoftNavWindow).softNavigations.some((url) => url.endsWith(path)),
      PRODUCT_PATH,
    );
    await tab.click('#buy');
    // Let the click's event-timing entry be delivered, and web-vitals' idle callback run.
    await tab.waitForTimeout(500);
    // Leaving hides the page: the product view ends and is sent by beacon.
    await tab.goto('about:blank');

    metrics = await waitForScrape(
      collector.adminUrl,
      (m) => m.value('pulse_events_total', { app: APP, kind: 'page' }) >= 2,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await collector?.close();
  });

  const shopRoute = { app: APP, route: SHOP_PATH };
  const productRoute = { app: APP, route: '/products/:id' };
  const vital = (route: Record<string, string>, metric: string) =>
    [
      metrics.count('pulse_web_vital_seconds', { ...route, metric }),
      metrics.sum('pulse_web_vital_seconds', { ...route, metric }),
    ] as const;

  it('counts the click as a soft page view of the new route', () => {
    expect(metrics.value('pulse_page_views_total', { ...shopRoute, navigation: 'navigate' })).toBe(
      1,
    );
    expect(metrics.value('pulse_page_views_total', { ...productRoute, navigation: 'soft' })).toBe(
      1,
    );
  });

  it("sends the soft view's own LCP and FCP, measured from the click", () => {
    for (const metric of ['LCP', 'FCP']) {
      const [count, seconds] = vital(productRoute, metric);
      expect(count, metric).toBe(1);
      expect(seconds, metric).toBeGreaterThan(0);
      // From the page's start it would be more than the time before the click.
      expect(seconds, metric).toBeLessThan(clickedAfterMs / 1000);
    }
  });

  it('keeps the first view its own LCP and FCP, once each', () => {
    for (const metric of ['LCP', 'FCP']) {
      const [count, seconds] = vital(shopRoute, metric);
      expect(count, metric).toBe(1);
      expect(seconds, metric).toBeGreaterThan(0);
    }
  });

  it("gives the product view's slow click to its INP, never to the first view", () => {
    const [count, seconds] = vital(productRoute, 'INP');
    expect(count).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(SLOW_HANDLER_MS / 1000);
    const [, shopSeconds] = vital(shopRoute, 'INP');
    expect(shopSeconds).toBeLessThan(SLOW_HANDLER_MS / 1000);
  });

  it('scores the soft view from its own vitals', () => {
    expect(metrics.count('pulse_page_score', productRoute)).toBe(1);
  });

  it('runs without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
