/**
 * Delivery across the ways a page view ends, in real headless Chromium and Firefox ESR against a
 * real collector: link navigation, reload, tab close (through the automation protocol, as
 * synthetic monitoring closes a visible tab), back/forward cache (enter, then restore and end the
 * restored view), a hidden tab that is then closed, and SPA route changes. Each case runs REPS
 * times per engine; a page view counts as delivered when its view and page events arrived exactly
 * once and the LCP, CLS and INP on /metrics equal what the page measured of itself (site.ts) just
 * before it ended: the final values, not an early report. What the engine cannot measure (CLS and
 * total blocking time in Firefox) must be absent. The share of delivered views per case must be
 * at least 99%, but for a visible Firefox tab closed by the protocol (PROTOCOL_CLOSE_FLOWS): there
 * views or their values may be lost (at least FIREFOX_CLOSE_MIN_SHARE delivered), never sent twice
 * or with other values than the page measured.
 *
 * Also: a page with Pulse stays eligible for Chromium's back/forward cache (CDP
 * `Page.backForwardCacheNotUsed` never fires), checked first on a page without Pulse to show
 * that this headless Chromium does use the cache at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, CDPSession } from 'playwright-core';
import type { PulseClient } from '@pulse/sdk';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { launchFirefox } from '../helpers/firefox.js';
import { scrape, waitForScrape, type Scrape } from '../helpers/metrics.js';
import {
  chromiumUnderTest,
  firefoxUnderTest,
  TEST_ENGINES,
  type EngineReports,
  type TestBrowser,
  type TestEngine,
  type TestTab,
} from '../helpers/testBrowser.js';
import { launchChromiumWithBfcache } from './browser.js';
import { HANDLER_MS, serveSite, type GroundTruth, type Site } from './site.js';

const REPS = Number(process.env.PULSE_PAGE_END_REPS ?? 20);
const MIN_SHARE = 0.99;
/*
 * The ways of ending that close a visible tab through the automation protocol. Firefox ESR does
 * not always let a request made at that visibilitychange leave, from any page: a page without
 * Pulse that sends one beacon at the first moment it can (site.ts, controlPage), closed the same
 * way, loses it about as often (docs/BROWSERS.md, Known limits; both are printed). There the bar
 * is: no event ever arrives twice, every view that arrives has its final values, and at least
 * FIREFOX_CLOSE_MIN_SHARE arrive.
 */
const PROTOCOL_CLOSE_FLOWS = new Set(['tab close', 'SPA route changes']);
const FIREFOX_CLOSE_MIN_SHARE = 0.75;
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
const shares: Record<string, Record<string, string>> = {};

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
});

afterAll(async () => {
  console.info('delivered page views per way of ending', shares);
  await collector?.close();
  await site?.close();
});

/** The engine with the back/forward cache on (playwright turns it off in Chromium by default). */
async function launch(engine: TestEngine): Promise<TestBrowser> {
  if (engine === 'firefox') return firefoxUnderTest(await launchFirefox());
  return chromiumUnderTest(await (await launchChromiumWithBfcache()).newContext());
}

/** Waits until Pulse runs and the view has its LCP, a layout shift (where the engine reports
 * them) and an interaction. */
async function measure(
  tab: TestTab,
  reports: EngineReports,
  restored = false,
): Promise<{ app: string; truth: GroundTruth }> {
  if (restored) await tab.waitFor(() => (window as unknown as PulseWindow).viewStart > 0);
  else {
    await tab.waitFor(() => {
      const page = window as unknown as PulseWindow;
      return page.Pulse !== undefined && page.truth.lcp > 0;
    });
  }
  // Chromium flags layout shifts in the first 500 ms after a restore as following input
  // (hadRecentInput), and CLS leaves those out: shift until one counts.
  if (reports.cls) {
    await tab.waitFor(
      () => {
        const page = window as unknown as PulseWindow;
        if (page.truth.cls > 0) return true;
        page.shift();
        return false;
      },
      undefined,
      100,
    );
  }
  await tab.click('#buy');
  // Wait for the click's own entry: the pointerdown of the same interaction can be reported a
  // frame earlier (about 24 ms, before the handler blocks), and reading the truth then would
  // give the view an INP that the click's entry, arriving next, then raises.
  await tab.waitFor(
    (handlerMs) => (window as unknown as PulseWindow).truth.inp >= handlerMs,
    HANDLER_MS,
  );
  return tab.evaluate(() => ({
    app: document.querySelector<HTMLScriptElement>('script[data-app]')!.dataset.app!,
    truth: { ...(window as unknown as PulseWindow).truth },
  }));
}

/** The ways a page view ends; each returns the views it produced. */
const flows: Record<
  string,
  (tab: TestTab, site: Site, reports: EngineReports) => Promise<ExpectedView[]>
> = {
  'link navigation': async (tab, site, reports) => {
    await tab.goto(`${site.url}/view/link`);
    const { app, truth } = await measure(tab, reports);
    await tab.follow('#next');
    return [{ app, route: '/view/link', navigation: 'navigate', truth, lcpChecked: true }];
  },

  reload: async (tab, site, reports) => {
    await tab.goto(`${site.url}/view/reload`);
    const { app, truth } = await measure(tab, reports);
    await tab.reload();
    return [{ app, route: '/view/reload', navigation: 'navigate', truth, lcpChecked: true }];
  },

  /*
   * A visible tab closed through the automation protocol (CDP in Chromium, WebDriver BiDi
   * browsingContext.close in Firefox), as synthetic monitoring ends its runs: the page gets its
   * pagehide and visibilitychange while it is torn down, and Firefox may cut a handler that runs
   * too long. Every event must arrive once: none lost, none sent twice.
   */
  'tab close': async (tab, site, reports) => {
    await tab.goto(`${site.url}/view/close`);
    const { app, truth } = await measure(tab, reports);
    await tab.close();
    return [{ app, route: '/view/close', navigation: 'navigate', truth, lcpChecked: true }];
  },

  'back/forward cache': async (tab, site, reports) => {
    await tab.goto(`${site.url}/view/bfcache`);
    const first = await measure(tab, reports);
    await tab.follow('#next');
    await tab.back();
    const restored = await measure(tab, reports, true);
    await tab.follow('#next');
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

  // Hidden as each engine can (TestTab.hide: for real in Firefox), then closed for real.
  'hidden tab, then close': async (tab, site, reports) => {
    await tab.goto(`${site.url}/view/hidden`);
    const { app, truth } = await measure(tab, reports);
    await tab.hide();
    await tab.close();
    return [{ app, route: '/view/hidden', navigation: 'navigate', truth, lcpChecked: true }];
  },

  /*
   * web-vitals hands INP to Pulse from an idle callback, and a route change ends the view at
   * once: an interaction in the last moments before a route change counts in the next view.
   * So the route changes here come after Pulse has the interaction's INP (docs/RELIABILITY.md).
   */
  'SPA route changes': async (tab, site, reports) => {
    await tab.goto(`${site.url}/spa/spa`);
    await tab.waitFor(() => (window as unknown as PulseWindow).Pulse !== undefined);
    await tab.evaluate(() => {
      const page = window as unknown as PulseWindow & { pulseInp?: number };
      (page.Pulse as PulseClient).onMetric((update) => {
        if (update.k === 'vital' && update.name === 'INP') page.pulseInp = update.value;
      });
    });
    const { app, truth } = await measure(tab, reports);
    await tab.waitFor(
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

/**
 * Whether a repetition's failure is only a loss: for every app, no more view and page events
 * than it had views, and fewer page events (its last beacon did not arrive). An event counted
 * twice, or wrong values in what arrived, is not a loss.
 */
function lostOnly(metrics: Scrape, views: ExpectedView[]): boolean {
  let lost = false;
  for (const app of new Set(views.map((view) => view.app))) {
    const want = views.filter((view) => view.app === app).length;
    const viewEvents = metrics.value('pulse_events_total', { app, kind: 'view' });
    const pageEvents = metrics.value('pulse_events_total', { app, kind: 'page' });
    if (viewEvents > want || pageEvents > want) return false;
    lost ||= pageEvents < want;
  }
  return lost;
}

/**
 * Whether a failure of `delivered` is a value that did not arrive (`close-3/view/close: 0 INP of
 * 1`) rather than one that arrived twice or wrong. Firefox's teardown of a tab closed by the
 * protocol has once (in a CI run, 1 of 20) sent the page event without the INP that its page had
 * measured: part of the view lost, as whole views are lost there, so it counts against the share.
 */
function missingValue(failure: string | undefined): boolean {
  const counted = /: (\d+) (LCP|INP|CLS) of (\d+)$/.exec(failure ?? '');
  return counted !== null && Number(counted[1]) < Number(counted[3]);
}

/** A tab of the control page closed as `flows['tab close']` closes one; its id. */
async function closeControlTab(browser: TestBrowser, site: Site, rep: number): Promise<string> {
  const id = `control-${rep}-${Date.now()}`;
  const tab = await browser.newTab();
  await tab.goto(`${site.url}/control/${id}`);
  await tab.waitFor(() => document.readyState === 'complete');
  await tab.close();
  return id;
}

/**
 * Whether every view of one repetition arrived once, with its final values where checked, and
 * without the values its engine cannot measure.
 */
function delivered(
  metrics: Scrape,
  views: ExpectedView[],
  reports: EngineReports,
): string | undefined {
  // Exactly once per app: a lost page event, or a batch sent twice, changes these counts.
  for (const app of new Set(views.map((view) => view.app))) {
    const want = views.filter((view) => view.app === app).length;
    for (const kind of ['view', 'page']) {
      const got = metrics.value('pulse_events_total', { app, kind });
      if (got !== want) return `${app}: ${got} ${kind} events of ${want}`;
    }
  }
  const groups = new Map<string, ExpectedView[]>();
  for (const view of views) {
    const key = `${view.app} ${view.route}`;
    groups.set(key, [...(groups.get(key) ?? []), view]);
  }
  for (const group of groups.values()) {
    const { app, route } = group[0]!;
    const labels = { app, route };
    // Without the Long Tasks API a page event has no total blocking time: absent, not 0.
    const blocking = metrics.count('pulse_total_blocking_time_seconds', labels);
    const wantBlocking = reports.longTasks ? group.length : 0;
    if (blocking !== wantBlocking) return `${app}${route}: ${blocking} TBT of ${wantBlocking}`;
    for (const navigation of new Set(group.map((view) => view.navigation))) {
      const want = group.filter((view) => view.navigation === navigation).length;
      const got = metrics.value('pulse_page_views_total', { ...labels, navigation });
      if (got !== want) return `${app}${route}: ${got} ${navigation} views, expected ${want}`;
    }
    const checked = group.filter((view) => view.truth !== undefined);
    if (checked.length === 0) continue;
    for (const [metric, truthKey, scale, name, seriesLabels, measured] of [
      ['LCP', 'lcp', 1000, 'pulse_web_vital_seconds', { ...labels, metric: 'LCP' }, reports.lcp],
      ['INP', 'inp', 1000, 'pulse_web_vital_seconds', { ...labels, metric: 'INP' }, reports.inp],
      ['CLS', 'cls', 1, 'pulse_layout_shift_score', labels, reports.cls],
    ] as const) {
      const count = metrics.count(name, seriesLabels);
      const want = measured ? checked.length : 0;
      if (count !== want) return `${app}${route}: ${count} ${metric} of ${want}`;
      if (!measured) continue;
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

describe.each(TEST_ENGINES)(
  `page views are delivered with their final values, each way a page ends (%s, ${REPS} runs each)`,
  (engine) => {
    let browser: TestBrowser;
    const pageErrors: string[] = [];
    const restoredApps: string[] = [];
    shares[engine] = {};

    beforeAll(async () => {
      browser = await launch(engine);
    });

    afterAll(async () => {
      await browser?.close();
    });

    it.for(Object.keys(flows))('%s', async (name) => {
      const closedByProtocol = engine === 'firefox' && PROTOCOL_CLOSE_FLOWS.has(name);
      const runs: ExpectedView[][] = [];
      for (let rep = 0; rep < REPS; rep += 1) {
        const tab = await browser.newTab({
          onPageError: (message) => pageErrors.push(`${tab.url()}: ${message}`),
        });
        runs.push(await flows[name]!(tab, site, browser.reports));
        if (!tab.isClosed()) await tab.close();
      }
      for (const views of runs) {
        for (const view of views)
          if (view.navigation === 'back-forward-cache') restoredApps.push(view.app);
      }
      const allArrived = (metrics: Scrape) =>
        runs.every((views) => delivered(metrics, views, browser.reports) === undefined);
      const metrics = await waitForScrape(collector.adminUrl, allArrived, 20_000);
      const failed = runs.filter(
        (views) => delivered(metrics, views, browser.reports) !== undefined,
      );
      const failures = failed.map((views) => delivered(metrics, views, browser.reports));
      const share = (runs.length - failures.length) / runs.length;
      shares[engine]![name] =
        `${runs.length - failures.length}/${runs.length} (${(share * 100).toFixed(1)}%)`;
      if (!closedByProtocol) {
        expect(share, failures.join('\n')).toBeGreaterThanOrEqual(MIN_SHARE);
        return;
      }
      if (name === 'tab close') {
        const ids: string[] = [];
        for (let rep = 0; rep < REPS; rep += 1) ids.push(await closeControlTab(browser, site, rep));
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const arrived = ids.filter((id) => site.controlBeacons.has(id)).length;
        shares[engine]!['tab close, page without Pulse (control)'] = `${arrived}/${REPS}`;
      }
      const notLost = failed
        .filter((views) => !lostOnly(metrics, views))
        .map((views) => delivered(metrics, views, browser.reports))
        .filter((failure) => !missingValue(failure));
      expect(notLost, 'counted twice or wrong values').toEqual([]);
      expect(share, failures.join('\n')).toBeGreaterThanOrEqual(FIREFOX_CLOSE_MIN_SHARE);
    });

    it('reported restored views as back-forward-cache', async () => {
      const metrics = await scrape(collector.adminUrl);
      expect(restoredApps).toHaveLength(REPS);
      const restored = restoredApps.map((app) =>
        metrics.value('pulse_page_views_total', { app, navigation: 'back-forward-cache' }),
      );
      expect(restored).toEqual(restoredApps.map(() => 1));
    });

    it('raised no error in any page', () => {
      expect(pageErrors).toEqual([]);
    });
  },
);

describe('back/forward cache eligibility (CDP)', () => {
  let context: BrowserContext;

  beforeAll(async () => {
    context = await (await launchChromiumWithBfcache()).newContext();
  });

  afterAll(async () => {
    await context?.browser()?.close();
  });

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
