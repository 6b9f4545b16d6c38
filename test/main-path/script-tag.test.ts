/**
 * The main path a user takes first: a plain HTML site adds one script tag, a real browser loads it
 * from a running collector, and what the page did shows up in the collector's Prometheus output.
 * Runs in Chromium, Firefox ESR and WebKit (WebKitGTK's MiniBrowser); where an engine cannot
 * measure something (long tasks, TBT, CLS in Firefox; all but FCP and TTFB in WebKit), the test
 * asserts that it is absent, never zero, and that a view with none of LCP, INP and CLS is not
 * scored (docs/BROWSERS.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape, type Scrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import {
  ENGINE_REPORTS,
  launchTestBrowser,
  TEST_ENGINES,
  type TestBrowser,
} from '../helpers/testBrowser.js';
import { BUSY_SCRIPT, lateBannerScript } from '../fixtures/page-scripts.js';

const APP = 'e2e-shop';
const PRODUCT_PATH = '/products/12345';
const CHECKOUT_PATH = '/checkout/3f2504e0-4f89-11d3-9a0c-0305e82c3301';
/** Durations the page blocks for, in ms: two timers and one click handler. */
const LONG_TASKS_MS = [120, 150];
const SLOW_HANDLER_MS = 300;

const page = (collector: string, body: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Pulse e2e</title><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${APP}" data-release="1.4.2" defer></script>
</head><body>${body}</body></html>`;

/** Product page: big headline (LCP), late banner (layout shift), long tasks, slow click handler. */
const productPage = (collector: string) =>
  page(
    collector,
    `<h1 id="hero" style="font-size:56px">Handmade ceramic mug, 350 ml</h1>
<div id="slot"></div>
<p style="font-size:20px">Stoneware, glazed by hand. Dishwasher safe. Ships in two days.</p>
<button id="buy" style="font-size:20px">Add to basket</button>
<p><a id="next" href="${CHECKOUT_PATH}?step=2&email=a@b.c#summary">Checkout</a></p>
<script>
  ${BUSY_SCRIPT}
  ${LONG_TASKS_MS.map((ms, i) => `setTimeout(() => busy(${ms}), ${300 + i * 300});`).join('\n  ')}
  ${lateBannerScript(1000)}
  document.getElementById('buy').addEventListener('click', () => busy(${SLOW_HANDLER_MS}));
</script>`,
  );

const checkoutPage = (collector: string) =>
  page(collector, `<h1 style="font-size:48px">Checkout</h1><p>Your basket: one mug.</p>`);

describe.each([...TEST_ENGINES, 'webkit'] as const)(
  'script tag → SDK → collector → Prometheus (%s)',
  (engine) => {
    let collector: RunningCollector;
    let site: StaticServer;
    let browser: TestBrowser;
    const pageErrors: string[] = [];
    let metrics: Scrape;

    beforeAll(async () => {
      // Pages are rendered per request, so they can name the collector started after the site.
      site = await serveHtml((path) => {
        if (path === PRODUCT_PATH) return productPage(collector.url);
        if (path === CHECKOUT_PATH) return checkoutPage(collector.url);
        return undefined;
      });
      // The collector only accepts beacons from the site's origin, as in production.
      collector = await startCollector({ allowOrigins: [site.url], rateLimit: false });
      browser = await launchTestBrowser(engine);

      const tab = await browser.newTab({
        onPageError: (message) => pageErrors.push(`pageerror: ${message}`),
        onConsoleError: (message) => pageErrors.push(`console: ${message}`),
      });
      await tab.goto(`${site.url}${PRODUCT_PATH}?ref=newsletter&utm_source=mail#reviews`);
      await tab.waitFor(() => (window as unknown as { Pulse?: unknown }).Pulse !== undefined);
      await tab.waitFor(() => (window as unknown as { pageDone?: boolean }).pageDone);
      await tab.click('#buy');
      // Let the click's event-timing entry be delivered before the page is left.
      await tab.pause(300);
      await tab.follow('#next');
      expect(new URL(tab.url()).pathname).toBe(CHECKOUT_PATH);
      await tab.waitFor(() => (window as unknown as { Pulse?: unknown }).Pulse !== undefined);
      await tab.pause(300);
      // Leaving the second page hides it: its page view ends and is sent by beacon.
      await tab.goto('about:blank');

      metrics = await waitForScrape(
        collector.adminUrl,
        // Both page events, scored or not (an engine without LCP, INP and CLS is not scored).
        (m) => m.value('pulse_events_total', { app: APP, kind: 'page' }) >= 2,
      );
    });

    afterAll(async () => {
      await browser?.close();
      await site?.close();
      await collector?.close();
    });

    const reports = ENGINE_REPORTS[engine];
    const productRoute = { app: APP, route: '/products/:id' };
    const checkoutRoute = { app: APP, route: '/checkout/:id' };

    it('counts two page views under normalised routes', () => {
      expect(
        metrics.value('pulse_page_views_total', { ...productRoute, navigation: 'navigate' }),
      ).toBe(1);
      expect(
        metrics.value('pulse_page_views_total', { ...checkoutRoute, navigation: 'navigate' }),
      ).toBe(1);
    });

    // Measured by every engine here: FCP from `paint` entries, TTFB from the navigation entry.
    const loadVitals = reports.lcp ? ['LCP', 'FCP', 'TTFB'] : ['FCP', 'TTFB'];
    // Scored only with one of LCP, INP and CLS (SCORING.md).
    const scored = reports.lcp || reports.inp || reports.cls;

    it(`records ${loadVitals.join(', ')} once per page view`, () => {
      for (const route of [productRoute, checkoutRoute]) {
        for (const metric of loadVitals) {
          expect(metrics.count('pulse_web_vital_seconds', { ...route, metric }), metric).toBe(1);
          expect(
            metrics.sum('pulse_web_vital_seconds', { ...route, metric }),
            metric,
          ).toBeGreaterThan(0);
        }
      }
    });

    if (!reports.lcp) {
      it('records no LCP, not a zero: this engine has no largest-contentful-paint entries', () => {
        expect(metrics.count('pulse_web_vital_seconds', { app: APP, metric: 'LCP' })).toBe(0);
      });
    }

    it('labels every page view with the engine found from its features', () => {
      const names = [
        'pulse_web_vital_seconds_count',
        ...(scored ? ['pulse_page_score_count'] : []),
      ];
      for (const name of names) {
        const engines = metrics
          .labelSets(name)
          .filter((labels) => labels.app === APP)
          .map((labels) => labels.engine);
        expect(engines.length, name).toBeGreaterThan(0);
        expect(new Set(engines), name).toEqual(new Set([engine]));
      }
    });

    if (reports.inp) {
      it('records INP including the slow click handler', () => {
        expect(metrics.count('pulse_web_vital_seconds', { ...productRoute, metric: 'INP' })).toBe(
          1,
        );
        expect(
          metrics.sum('pulse_web_vital_seconds', { ...productRoute, metric: 'INP' }),
        ).toBeGreaterThanOrEqual(SLOW_HANDLER_MS / 1000);
        const inpRatings = ['needs-improvement', 'poor'].map((rating) =>
          metrics.value('pulse_web_vital_rating_total', { ...productRoute, metric: 'INP', rating }),
        );
        expect(inpRatings[0]! + inpRatings[1]!).toBe(1);
      });
    } else {
      it('records no INP: this engine has no interaction ids', () => {
        expect(metrics.count('pulse_web_vital_seconds', { app: APP, metric: 'INP' })).toBe(0);
      });
    }

    if (reports.cls) {
      it('records the late banner as a layout shift', () => {
        expect(metrics.count('pulse_layout_shift_score', productRoute)).toBe(1);
        expect(metrics.sum('pulse_layout_shift_score', productRoute)).toBeGreaterThan(0);
        expect(
          metrics.value('pulse_web_vital_rating_total', { ...productRoute, metric: 'CLS' }),
        ).toBe(1);
      });
    } else {
      it('records no CLS, not a zero: this engine has no layout-shift entries', () => {
        expect(metrics.count('pulse_layout_shift_score', { app: APP })).toBe(0);
        expect(metrics.value('pulse_web_vital_rating_total', { app: APP, metric: 'CLS' })).toBe(0);
      });
    }

    if (reports.longTasks) {
      it('records both long tasks, the blocking handler, and total blocking time', () => {
        const blockedMs = [...LONG_TASKS_MS, SLOW_HANDLER_MS];
        const longTasks = { ...productRoute, kind: 'longtask' };
        expect(metrics.count('pulse_long_task_seconds', longTasks)).toBeGreaterThanOrEqual(
          blockedMs.length,
        );
        expect(metrics.sum('pulse_long_task_seconds', longTasks)).toBeGreaterThanOrEqual(
          blockedMs.reduce((a, b) => a + b) / 1000,
        );
        const expectedTbt = blockedMs.reduce((sum, ms) => sum + ms - 50, 0) / 1000;
        expect(metrics.count('pulse_total_blocking_time_seconds', productRoute)).toBe(1);
        expect(
          metrics.sum('pulse_total_blocking_time_seconds', productRoute),
        ).toBeGreaterThanOrEqual(expectedTbt);
      });
    } else {
      it('records no long task and no total blocking time, not a zero: no Long Tasks API', () => {
        expect(metrics.count('pulse_long_task_seconds', { app: APP })).toBe(0);
        expect(metrics.count('pulse_total_blocking_time_seconds', { app: APP })).toBe(0);
      });
    }

    if (scored) {
      it('scores each page view once', () => {
        expect(metrics.count('pulse_page_score', productRoute)).toBe(1);
        expect(metrics.count('pulse_page_score', checkoutRoute)).toBe(1);
        const productScore = metrics.sum('pulse_page_score', productRoute);
        expect(productScore).toBeGreaterThan(0);
        expect(productScore).toBeLessThanOrEqual(100);
        // The checkout page neither shifts, blocks nor waits on a slow handler: it must score
        // better than the product page in every engine that measures one of those.
        expect(metrics.sum('pulse_page_score', checkoutRoute)).toBeGreaterThan(productScore);
      });
    } else {
      it('scores no page view: none has LCP, INP or CLS, and a perfect score would be a lie', () => {
        expect(metrics.count('pulse_page_score', { app: APP })).toBe(0);
      });
    }

    it('puts no query string, fragment, id or uuid into any label', () => {
      const labels = metrics.families
        .filter((family) => family.name.startsWith('pulse_'))
        .flatMap((family) =>
          family.metrics.flatMap((sample) => Object.entries(sample.labels ?? {})),
        );
      expect(labels.length).toBeGreaterThan(0);
      for (const [label, value] of labels) {
        // A culprit target is a CSS selector, whose `#` names an element's id (`click button#buy`).
        const text = label === 'target' ? value.replace(/^((?:[a-z]+ )?[a-z0-9]+)#/, '$1 ') : value;
        expect(text, label).not.toMatch(
          /[?#]|12345|3f2504e0|newsletter|utm_|step=|email|reviews|summary/,
        );
      }
    });

    // WebDriver classic, all WebKit's driver speaks, reports no page errors (testBrowser.ts).
    it.skipIf(engine === 'webkit')('raises no error in the page', () => {
      expect(pageErrors).toEqual([]);
    });
  },
);
