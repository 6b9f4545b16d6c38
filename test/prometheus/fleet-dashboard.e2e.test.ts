/**
 * The built-in dashboard over a whole fleet, on two query engines: three collector replicas under
 * real Chromium traffic split unevenly between them, Debian's Prometheus scraping all three with
 * Pulse's rules loaded and remote-writing everything (raw series and rule results) to Debian's
 * VictoriaMetrics, and two more collectors serving only the dashboard, one started with
 * `--prometheus-url` at each engine.
 *
 * On every range, each dashboard must show the fleet's figures: the answers of plain PromQL over
 * the three replicas' series (all the traffic is inside the shortest range), exactly, on either
 * engine. The charts' windows must add up to the same totals. The page must show them too.
 *
 * Then the shipped queries, Grafana's and the rules', are evaluated on both engines at one
 * instant, and their differences printed and bounded (docs/SCALING.md, "Query engines").
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  promqlClient,
  type PromqlClient,
} from '../../collector/dist/esm/dashboard/promqlClient.js';
import type { Summary } from '../../collector/dist/esm/dashboard/summarySchema.js';
import { BUSY_SCRIPT, lateBannerScript } from '../fixtures/page-scripts.js';
import { launchChromium } from '../helpers/browser.js';
import { startCliCollector, type CliCollector } from '../helpers/cliCollector.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForPolls } from '../helpers/dashboardPolls.js';
import { eventually } from '../helpers/eventually.js';
import { waitForScrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import {
  ALERT_RULES,
  RECORDING_RULES,
  dashboardQueries,
  expandDashboardQuery,
  loadDashboard,
  loadRuleGroups,
} from './assets.js';
import { startPrometheus, type RunningPrometheus } from './prometheusServer.js';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from './victoriaMetricsServer.js';

const APP = 'e2e-fleet';
const PRODUCT_PATH = '/products/12345';
const CHECKOUT_PATH = '/checkout';
/** Sessions per replica and round: uneven, so no replica's share looks like the fleet's. */
const SESSIONS = [1, 2, 3];
const VIEWS_PER_SESSION = 2;
const RANGES = ['15m', '1h', '6h', '24h', '7d'] as const;
const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
/** How long before now both engines hold every sample: five scrape intervals. */
const SETTLED_MS = 5000;
/** What Grafana's windows (`$__rate_interval`, `$__interval`, `$__range`) stand for here. */
const QUERY_SECONDS = 300;
/**
 * How far apart the engines may put any shipped query (rules, alerts, Grafana panels: counts,
 * rates, shares, quantiles, the by-country panels), relative. They are written in the
 * windowIncrease form both engines define alike (docs/SCALING.md, "Query engines"), so on the
 * same samples they agree to floating-point rounding, on this test's young series too (every
 * series born inside the window, the case where rate() and increase() differed by up to 97%).
 */
const ENGINE_TOLERANCE = 1e-9;

/** What a query gives, for the printed table: a count or rate, a share or mean, a quantile. */
const shapeOf = (expr: string) => {
  if (expr.includes('histogram_quantile(')) return 'quantile';
  // A rate is a count over its window's seconds; a share or mean divides one count by another.
  const counts = expr.replaceAll(/\/ (\(\$__interval_ms \/ 1000\)|\d+)/g, '');
  return counts.includes('/') ? 'ratio' : 'absolute';
};

const head = (collector: string) => `<meta charset="utf-8"><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${APP}"></script>`;

/** A large headline (LCP), a late banner (CLS), a slow click handler (INP) and a long task. */
const productPage = (collector: string) => `<!doctype html>
<html><head>${head(collector)}</head><body>
<h1 style="font-size:56px">Handmade ceramic mug, 350 ml</h1>
<div id="slot"></div>
<button id="buy" style="font-size:20px">Add to basket</button>
<p><a id="next" href="${CHECKOUT_PATH}">Checkout</a></p>
<script>
  ${BUSY_SCRIPT}
  setTimeout(() => busy(80), 100);
  ${lateBannerScript(300)}
  new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => entry.name === 'click')) window.clickTimed = true;
  }).observe({ type: 'event', durationThreshold: 16 });
  document.getElementById('buy').addEventListener('click', () => busy(250));
</script></body></html>`;

const checkoutPage = (collector: string) => `<!doctype html>
<html><head>${head(collector)}</head><body>
<h1 style="font-size:48px">Checkout</h1><p>Your basket: one mug.</p></body></html>`;

const total = (samples: { value: number }[]) => samples.reduce((sum, one) => sum + one.value, 0);

/** Relative difference, 0 when both are 0 (or both null: nothing to show on either side). */
const relative = (a: number | null, b: number | null) => {
  if (a === null || b === null) return a === b ? 0 : Infinity;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
};

describe('the fleet dashboard on Prometheus and VictoriaMetrics', () => {
  const replicas: RunningCollector[] = [];
  const sites: StaticServer[] = [];
  let victoria: RunningVictoriaMetrics;
  let prometheus: RunningPrometheus;
  let browser: Browser;
  const dashboards: Record<'prometheus' | 'victoria-metrics', CliCollector> = {} as never;
  const engines: Record<'prometheus' | 'victoria-metrics', PromqlClient> = {} as never;
  let sessions = 0;

  async function session(replica: number) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${sites[replica]!.url}${PRODUCT_PATH}`);
    await tab.waitForFunction(() => (window as unknown as { pageDone?: boolean }).pageDone);
    await tab.click('#buy');
    await tab.waitForFunction(() => (window as unknown as { clickTimed?: boolean }).clickTimed);
    await Promise.all([tab.waitForURL(`**${CHECKOUT_PATH}`), tab.click('#next')]);
    await tab.waitForFunction(() => (window as unknown as { Pulse?: unknown }).Pulse !== undefined);
    // Leaving hides the checkout page: its page view ends and is sent by beacon.
    await tab.goto('about:blank');
    await context.close();
    sessions++;
  }

  /** Every replica's sessions at once, then until Prometheus has scraped them all. */
  async function traffic() {
    await Promise.all(
      SESSIONS.flatMap((count, replica) => Array.from({ length: count }, () => session(replica))),
    );
    for (const [replica, count] of SESSIONS.entries()) {
      const expected = count * VIEWS_PER_SESSION;
      const metrics = await waitForScrape(
        replicas[replica]!.adminUrl,
        (m) => m.count('pulse_page_score', { app: APP }) >= expected,
      );
      expect(metrics.count('pulse_page_score', { app: APP })).toBe(expected);
    }
    const views = sessions * VIEWS_PER_SESSION;
    const scraped = await eventually(
      async () => total(await prometheus.query(`sum(pulse_page_score_count{app="${APP}"})`)),
      (value) => value === views,
    );
    expect(scraped, prometheus.log()).toBe(views);
  }

  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
    for (let replica = 0; replica < SESSIONS.length; replica++) {
      sites.push(
        await serveHtml((path) => {
          const collector = replicas[replica]!.url;
          if (path === PRODUCT_PATH) return productPage(collector);
          if (path === CHECKOUT_PATH) return checkoutPage(collector);
          return undefined;
        }),
      );
    }
    for (let replica = 0; replica < SESSIONS.length; replica++) {
      replicas.push(
        await startCollector({ allowOrigins: sites.map((site) => site.url), rateLimit: false }),
      );
    }
    prometheus = await startPrometheus({
      targets: replicas.map((replica) => new URL(replica.adminUrl).host),
      job: 'pulse-collector',
      ruleFiles: [RECORDING_RULES, ALERT_RULES],
      interval: '1s',
      remoteWrite: [victoria.writeUrl],
    });
    // The dashboards are collectors of their own, as an operator would run one beside the fleet.
    dashboards.prometheus = await startCliCollector(['--prometheus-url', prometheus.url]);
    dashboards['victoria-metrics'] = await startCliCollector(['--prometheus-url', victoria.url]);
    engines.prometheus = promqlClient({ url: prometheus.url });
    engines['victoria-metrics'] = promqlClient({ url: victoria.url });
    browser = await launchChromium();
    await traffic();
    // VictoriaMetrics holds what Prometheus holds once remote write has sent the last samples:
    // the same count of raw samples of the fleet's beacon counters over the whole run.
    const samples = (engine: PromqlClient, at: number) =>
      engine.instant('sum(count_over_time(pulse_beacons_total[10m]))', at).then(total);
    // An instant a few scrapes back: a scrape stamped before it may still be in flight at it.
    const at = Date.now() - SETTLED_MS;
    const sent = await samples(engines.prometheus, at);
    const written = await eventually(
      () => samples(engines['victoria-metrics'], at),
      (value) => value === sent,
    );
    expect(written, victoria.log()).toBe(sent);
    // The dashboards read at a whole second: let the last scrape be older than the next one, so
    // they and the fleet's figures below count the same samples.
    await new Promise((resolve) => setTimeout(resolve, SETTLED_MS));
    // About 40 s on a quiet machine; the sessions run at once and take longest.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(dashboards).map((dashboard) => dashboard.stop()));
    await prometheus?.close();
    await victoria?.close();
    await Promise.all(sites.map((site) => site.close()));
    await Promise.all(replicas.map((replica) => replica.close()));
  });

  const summaryOf = async (engine: keyof typeof dashboards, range: string) => {
    const response = await fetch(`${dashboards[engine].metricsUrl}/api/v1/summary?range=${range}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Summary;
  };

  /** The page views the app's chart holds: each point's rate times its window. */
  const chartedViews = (summary: Summary) =>
    summary.apps
      .find((one) => one.app === APP)!
      .timeline.pageViewsPerSecond.reduce<number>(
        (sum, perSecond) => sum + (perSecond ?? 0) * summary.timeline.intervalSeconds,
        0,
      );

  /** The fleet's figures, as PromQL computes them over every replica's series. */
  async function fleetFigures() {
    const at = Date.now();
    const ask = async (expr: string) => engines.prometheus.instant(expr, at);
    const byRoute = async (expr: string) =>
      new Map((await ask(expr)).map((sample) => [sample.metric.route ?? '*', sample.value]));
    const app = `app="${APP}"`;
    const vitals = Object.fromEntries(
      await Promise.all(
        VITALS.map(async (metric) => {
          const family =
            metric === 'CLS'
              ? `pulse_layout_shift_score_bucket{${app}}`
              : `pulse_web_vital_seconds_bucket{${app}, metric="${metric}"}`;
          return [
            metric,
            await byRoute(`histogram_quantile(0.75, sum by (route, le) (${family}))`),
          ] as const;
        }),
      ),
    );
    return {
      beacons: total(await ask('sum(pulse_beacons_total)')),
      events: total(await ask('sum(pulse_events_total)')),
      views: await byRoute(`sum by (route) (pulse_page_views_total{${app}})`),
      scored: await byRoute(`sum by (route) (pulse_page_score_count{${app}})`),
      median: await byRoute(
        `histogram_quantile(0.5, sum by (route, le) (pulse_page_score_bucket{${app}}))`,
      ),
      poorShare: await byRoute(
        `sum by (route) (pulse_page_score_bucket{${app}, le=~"50(\\\\.0)?"}) / sum by (route) (pulse_page_score_count{${app}})`,
      ),
      longTasks: await byRoute(`sum by (route) (pulse_long_task_seconds_count{${app}})`),
      chromium: await byRoute(`sum by (route) (pulse_page_score_count{${app}, engine="chromium"})`),
      vitals,
      perReplica: (await ask(`sum by (instance) (pulse_page_views_total{${app}})`)).map(
        (sample) => sample.value,
      ),
    };
  }

  it('splits the traffic unevenly: no replica holds the fleet', async () => {
    const fleet = await fleetFigures();
    expect(fleet.perReplica.sort((a, b) => a - b)).toEqual(
      SESSIONS.map((n) => n * VIEWS_PER_SESSION),
    );
    expect(total([...fleet.views.values()].map((value) => ({ value })))).toBe(
      sessions * VIEWS_PER_SESSION,
    );
  });

  it.each(['prometheus', 'victoria-metrics'] as const)(
    'with --prometheus-url at %s, every range shows the fleet, exactly as PromQL computes it',
    async (engine) => {
      const fleet = await fleetFigures();
      for (const range of RANGES) {
        // Read again for a few seconds while the fleet's totals differ: in one CI run of several,
        // VictoriaMetrics answered half the beacons once, where the remote-written samples were
        // settled by count (beforeAll). A difference that lasts still fails below.
        const summary = await eventually(
          () => summaryOf(engine, range),
          (read) => read.collector.beacons === fleet.beacons,
          10_000,
        );
        expect(summary.range).toMatchObject({ name: range, source: 'prometheus' });
        expect(summary.range.available).toEqual([...RANGES]);
        expect(summary.collector.beacons, range).toBe(fleet.beacons);
        expect(summary.collector.events, range).toBe(fleet.events);
        const app = summary.apps.find((one) => one.app === APP)!;
        expect(app.routes.map((route) => route.route).sort()).toEqual(
          [...fleet.views.keys()].sort(),
        );
        for (const route of app.routes) {
          const at = `${engine} ${range} ${route.route}`;
          expect(route.pageViews, at).toBe(fleet.views.get(route.route));
          expect(route.score.samples, at).toBe(fleet.scored.get(route.route));
          expect(relative(route.score.median, fleet.median.get(route.route)!), at).toBeLessThan(
            1e-9,
          );
          expect(
            relative(route.score.poorShare, fleet.poorShare.get(route.route)!),
            at,
          ).toBeLessThan(1e-9);
          expect(route.longTasks.samples, at).toBe(fleet.longTasks.get(route.route) ?? 0);
          for (const metric of VITALS) {
            const expected = fleet.vitals[metric]!.get(route.route);
            const shown = route.vitals[metric].p75;
            expect(
              relative(shown, Number.isNaN(expected) ? null : (expected ?? null)),
              `${at} ${metric}`,
            ).toBeLessThan(1e-9);
          }
          expect(
            route.engines.map((one) => [one.engine, one.score.samples]),
            at,
          ).toEqual([['chromium', fleet.chromium.get(route.route)]]);
        }
        // The charts' windows tile the range: their page views add up to the range's. Not on
        // VictoriaMetrics: its range queries evaluate the windows and `offset` of the same
        // expression differently from its instant queries, so its charts can be off by a
        // window's worth while its figures are exact (docs/SCALING.md, "Query engines").
        const charted = chartedViews(summary);
        const points = app.timeline.pageViewsPerSecond.filter((value) => value !== null).length;
        console.info(
          `${engine} ${range}: ${charted} page views charted of ${app.overall.pageViews}`,
        );
        if (engine === 'prometheus') {
          expect(
            charted,
            `${engine} ${range} chart, ${points} points of ${summary.timeline.t.length}`,
          ).toBeCloseTo(app.overall.pageViews, 6);
        }
        expect(summary.timeline.t.length, range).toBeGreaterThanOrEqual(60);
      }
    },
  );

  /** Reads the page-views card and LCP p75 the page shows, after a poll for the chosen range. */
  async function shownFor(page: Page, range: string) {
    await page.selectOption('#range', range);
    await waitForPolls(page, 1);
    return page.evaluate(() => ({
      views: Number(
        document.querySelector('[data-figure="page-views"] .value')?.getAttribute('data-value'),
      ),
      lcp: Number(document.querySelector('[data-metric="LCP"] .value')?.getAttribute('data-value')),
      status: document.querySelector('#status')?.textContent ?? '',
      hash: location.hash,
    }));
  }

  it.each(['prometheus', 'victoria-metrics'] as const)(
    'the page on %s shows the fleet on every range of its picker',
    async (engine) => {
      const fleet = await fleetFigures();
      const views = sessions * VIEWS_PER_SESSION;
      const lcp = Number(
        (
          await engines.prometheus.instant(
            `histogram_quantile(0.75, sum by (le) (pulse_web_vital_seconds_bucket{app="${APP}", metric="LCP"}))`,
            Date.now(),
          )
        )[0]!.value,
      );
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${dashboards[engine].metricsUrl}/`);
      await waitForPolls(page, 1);
      const offered = await page.$$eval('#range option', (options) =>
        options.map((option) => (option as HTMLOptionElement).value),
      );
      expect(offered).toEqual([...RANGES]);
      for (const range of RANGES) {
        const shown = await shownFor(page, range);
        expect(shown.views, range).toBe(views);
        expect(relative(shown.lcp, lcp), range).toBeLessThan(1e-9);
        expect(shown.status).toMatch(/fleet/);
        expect(shown.hash).toContain(`range=${range}`);
      }
      expect(fleet.beacons).toBeGreaterThan(0);
      await context.close();
    },
  );

  /**
   * Grafana's queries and the rules' expressions, each evaluated by both engines at one instant
   * over the same samples: the same series on both, with values within ENGINE_TOLERANCE, on
   * series that were all born inside the window (docs/SCALING.md, "Query engines", gives the
   * printed figures).
   */
  it('evaluates the shipped Grafana and rule queries alike on both engines', async () => {
    const queries = [
      ...dashboardQueries(loadDashboard()).map((query) => ({ ...query, kind: 'grafana' })),
      ...[RECORDING_RULES, ALERT_RULES].flatMap((file) =>
        loadRuleGroups(file).flatMap((group) =>
          group.rules.map((rule) => ({
            name: rule.record ?? rule.alert ?? '',
            expr: rule.expr,
            kind: rule.record === undefined ? 'alert' : 'record',
          })),
        ),
      ),
    ].map((query) => ({
      ...query,
      shape: /country/.test(query.expr) ? 'country' : shapeOf(query.expr),
      expr: expandDashboardQuery(query.expr, APP, QUERY_SECONDS),
    }));
    // Both engines over the same samples: an instant both have every one of them.
    const at = Date.now() - SETTLED_MS;
    const keyOf = (metric: Record<string, string>) =>
      JSON.stringify(
        Object.entries(metric)
          .filter(([name]) => name !== '__name__')
          .sort(),
      );
    const rows: { name: string; kind: string; shape: string; series: number; worst: number }[] = [];
    const apart: string[] = [];
    const countryViews: { metric: Record<string, string>; value: number }[][] = [];
    for (const query of queries) {
      const [onPrometheus, onVictoria] = await Promise.all(
        [engines.prometheus, engines['victoria-metrics']].map((engine) =>
          engine.instant(query.expr, at),
        ),
      );
      const values = (samples: typeof onPrometheus) =>
        new Map(samples!.map((sample) => [keyOf(sample.metric), sample.value]));
      const [a, b] = [values(onPrometheus), values(onVictoria)];
      let worst = 0;
      // Every series either engine answers, so that one the other lacks (or names differently,
      // as country="50" did) counts as apart.
      for (const key of new Set([...a.keys(), ...b.keys()])) {
        const [x, y] = [a.get(key), b.get(key)].map((value) =>
          value === undefined || Number.isNaN(value) ? null : value,
        );
        const both = a.has(key) && b.has(key);
        const difference = both ? relative(x!, y!) : Infinity;
        worst = Math.max(worst, difference);
        if (difference > ENGINE_TOLERANCE) {
          apart.push(
            `${query.name} ${key}: Prometheus ${a.get(key)}, VictoriaMetrics ${b.get(key)}`,
          );
        }
      }
      rows.push({ ...query, series: Math.max(a.size, b.size), worst });
      if (query.name === 'Page views by country [A]') countryViews.push(onPrometheus!, onVictoria!);
    }
    console.info(
      rows
        .map(
          (row) =>
            `${row.kind}\t${row.shape}\t${row.series}\t${row.worst.toExponential(1)}\t${row.name}`,
        )
        .join('\n'),
    );
    const shapes = [...new Set(rows.map((row) => row.shape))].sort();
    console.info(
      shapes
        .map((shape) => {
          const ofShape = rows.filter((row) => row.shape === shape && row.series > 0);
          const worst = Math.max(0, ...ofShape.map((row) => row.worst));
          return `${shape}: ${ofShape.length} queries with data, worst ${worst.toExponential(1)}`;
        })
        .join('\n'),
    );
    // The queries must have had something to compare: most return series on this traffic.
    expect(rows.filter((row) => row.series > 0).length).toBeGreaterThan(50);
    expect(shapes).toEqual(['absolute', 'country', 'quantile', 'ratio']);
    expect(apart).toEqual([]);
    // Geography is off here: one series, named so, with every page view, on both engines (where
    // label_replace() over a sum wrote another label's value into it on VictoriaMetrics).
    for (const samples of countryViews) {
      expect(samples.map((sample) => [sample.metric, sample.value])).toEqual([
        [{ country: 'all (geography off)' }, sessions * VIEWS_PER_SESSION],
      ]);
    }
    expect(countryViews).toHaveLength(2);
  });
});
