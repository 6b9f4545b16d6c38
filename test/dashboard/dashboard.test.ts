/**
 * The built-in dashboard, end to end: the demo (React site, socket.io chat, collector) under
 * traffic from headless Chromium, the dashboard open in another Chromium, and a real Prometheus
 * scraping the collector's /metrics. Every figure the page shows must be the one PromQL computes
 * from that scrape (histogram_quantile over the same buckets, the same counters), and the page
 * must stay quiet: no error while it updates. What an update costs the page's main thread is
 * measured in the bench (`BENCH_ONLY=dashboard npm run bench`), not asserted here.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../demo/dist/esm/server/demoServer.js';
import { driveTraffic } from '../../demo/dist/esm/traffic/driveTraffic.js';
import { launchChromium } from '../helpers/browser.js';
import { waitForPolls } from '../helpers/dashboardPolls.js';
import { settledValue } from '../helpers/metrics.js';
import { startPrometheus, type RunningPrometheus } from '../prometheus/prometheusServer.js';
import { parseShown } from './shownFigure.js';

const APP = 'demo-shop';
const TRAFFIC_MS = 30_000;
/** Polls the dashboard must live through, after its first render, while traffic flows. */
const OBSERVED_UPDATES = 5;
const SCREENSHOT = 'test-results/dashboard.png';

interface Shown {
  value: string;
  text: string;
}

/** Every figure the page shows, read from the DOM. */
interface Rendered {
  cards: Record<string, Shown>;
  vitals: Record<string, Shown & { shares: number[] }>;
  routes: Record<string, Record<string, Shown>>;
}

const readDashboard = (page: Page): Promise<Rendered> =>
  page.evaluate(() => {
    const shown = (element: Element | null) => ({
      value: element?.getAttribute('data-value') ?? '',
      text: element?.textContent?.trim() ?? '',
    });
    const cards: Record<string, { value: string; text: string }> = {};
    for (const card of document.querySelectorAll('[data-figure]:not([data-figure="vital"])')) {
      cards[card.getAttribute('data-figure')!] = shown(card.querySelector('.value'));
    }
    const vitals: Record<string, { value: string; text: string; shares: number[] }> = {};
    for (const card of document.querySelectorAll('[data-figure="vital"]')) {
      vitals[card.getAttribute('data-metric')!] = {
        ...shown(card.querySelector('.value')),
        shares: [...card.querySelectorAll('.ratings span')].map((bar) =>
          Number(bar.getAttribute('data-share')),
        ),
      };
    }
    const routes: Record<string, Record<string, { value: string; text: string }>> = {};
    for (const row of document.querySelectorAll<HTMLTableRowElement>('#routes tbody tr')) {
      const cells: Record<string, { value: string; text: string }> = {};
      for (const cell of row.cells) cells[cell.dataset.column!] = shown(cell);
      routes[row.dataset.route!] = cells;
    }
    return { cards, vitals, routes };
  });

/**
 * The figure as shown equals `expected`: `data-value` to floating-point precision, and the text
 * to the precision it is written with. Null (no data) must show as a dash.
 */
function expectFigure(label: string, shown: Shown | undefined, expected: number | null): void {
  expect(shown, label).toBeDefined();
  if (expected === null) {
    expect(shown!.text, label).toBe('–');
    return;
  }
  expect(Number(shown!.value), `${label} data-value`).toBeCloseTo(expected, 9);
  const parsed = parseShown(shown!.text);
  expect(parsed, `${label} text "${shown!.text}"`).not.toBeNull();
  expect(
    Math.abs(parsed!.value - expected),
    `${label} text "${shown!.text}" vs ${expected}`,
  ).toBeLessThanOrEqual(parsed!.tolerance);
}

/** PromQL answers: one number (NaN and "no data" are null), or one per route. */
function promql(prometheus: RunningPrometheus) {
  const number = (value: number | undefined) =>
    value === undefined || Number.isNaN(value) ? null : value;
  return {
    one: async (expr: string) => number((await prometheus.query(expr))[0]?.value),
    byRoute: async (expr: string) =>
      new Map((await prometheus.query(expr)).map((s) => [s.metric.route ?? '', number(s.value)])),
  };
}

describe('built-in dashboard on the demo under traffic', () => {
  let demo: RunningDemo;
  let prometheus: RunningPrometheus;
  let browser: Browser;
  let dashboard: Page;
  const pageErrors: string[] = [];
  let visits = 0;

  beforeAll(async () => {
    demo = await startDemo({ collectorPort: 0, adminPort: 0, demoPort: 0, heavyImageMs: 2500 });
    prometheus = await startPrometheus({
      targets: [new URL(demo.adminUrl).host],
      job: 'pulse',
      ruleFiles: [],
      interval: '1s',
    });
    browser = await launchChromium();
    dashboard = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    dashboard.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    dashboard.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await dashboard.goto(`${demo.adminUrl}/`);
    await waitForPolls(dashboard, 1);

    // Traffic and live updates at once: the dashboard redraws while figures change.
    const traffic = driveTraffic({
      demoUrl: demo.demoUrl,
      tabs: 2,
      durationMs: TRAFFIC_MS,
      networkStepMs: TRAFFIC_MS / 3,
    });
    await waitForPolls(dashboard, OBSERVED_UPDATES);
    ({ visits } = await traffic);
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await prometheus?.close();
    await demo?.close();
  });

  it('updated live without a page error', async () => {
    expect(visits).toBeGreaterThan(2);
    expect(pageErrors).toEqual([]);
  });

  it('shows the figures Prometheus computes from /metrics, for the app and every route', async () => {
    const events = await settledValue(
      demo.adminUrl,
      (m) => m.value('pulse_events_total') + m.value('pulse_beacons_total'),
    );
    const { one, byRoute } = promql(prometheus);
    // Prometheus has scraped the settled registry...
    await expect
      .poll(() => one('sum(pulse_events_total) + sum(pulse_beacons_total)'), { timeout: 30_000 })
      .toBe(events);
    // ...and the second poll from now started after the registry stopped changing.
    await waitForPolls(dashboard, 2);
    const shown = await readDashboard(dashboard);
    const app = `app="${APP}"`;
    const quantile = (q: number, series: string, selector: string, by = '') =>
      `histogram_quantile(${q}, sum by (le${by}) (${series}_bucket{${selector}}))`;
    const poorShare = (selector: string, by = '') =>
      `sum by (${by}) (pulse_page_score_bucket{${selector},le="50"}) / sum by (${by}) (pulse_page_score_count{${selector}})`;

    expect(await one(`sum(pulse_page_views_total{${app}})`)).toBeGreaterThan(3);
    // The chat regular kept a socket open for the whole run: its summaries are in.
    expect(await one(`sum(pulse_socket_score_count{${app}})`)).toBeGreaterThan(0);
    /** Each card of the page and the PromQL expression that gives its figure. */
    const cards: Array<[figure: string, expr: string]> = [
      ['page-views', `sum(pulse_page_views_total{${app}})`],
      ['rejected', 'sum(pulse_rejected_total)'],
      ['label-overflow', 'sum(pulse_label_overflow_total)'],
      ['score-median', quantile(0.5, 'pulse_page_score', app)],
      ['score-poor', poorShare(app)],
      // A run may see no error (the demo's widget fails at random) or no long task: their
      // counters then have no series, which PromQL sums to nothing and the dashboard shows as 0.
      ['errors', `sum(pulse_js_errors_total{${app}}) or vector(0)`],
      ['long-tasks', `sum(pulse_long_task_seconds_count{${app}}) or vector(0)`],
      ['long-task-p75', quantile(0.75, 'pulse_long_task_seconds', app)],
      ['tbt-p75', quantile(0.75, 'pulse_total_blocking_time_seconds', app)],
      ['heap-median', quantile(0.5, 'pulse_js_heap_used_bytes', app)],
      ['socket-score', quantile(0.5, 'pulse_socket_score', app)],
      ['socket-rtt', quantile(0.75, 'pulse_socket_rtt_seconds', app)],
      ['socket-jitter', quantile(0.75, 'pulse_socket_jitter_seconds', app)],
      [
        'socket-loss',
        `sum(pulse_socket_loss_ratio_sum{${app}}) / sum(pulse_socket_loss_ratio_count{${app}})`,
      ],
    ];
    for (const [figure, expr] of cards) expectFigure(figure, shown.cards[figure], await one(expr));

    for (const metric of ['LCP', 'INP', 'CLS', 'FCP', 'TTFB']) {
      const [series, selector] =
        metric === 'CLS'
          ? ['pulse_layout_shift_score', app]
          : ['pulse_web_vital_seconds', `${app},metric="${metric}"`];
      expectFigure(
        `${metric} p75`,
        shown.vitals[metric],
        await one(quantile(0.75, series, selector)),
      );
      const ratings = await Promise.all(
        ['good', 'needs-improvement', 'poor'].map(
          async (rating) =>
            (await one(
              `sum(pulse_web_vital_rating_total{${app},metric="${metric}",rating="${rating}"})`,
            )) ?? 0,
        ),
      );
      const rated = ratings.reduce((sum, count) => sum + count, 0);
      shown.vitals[metric]!.shares.forEach((share, i) =>
        expect(share, `${metric} share ${i}`).toBeCloseTo(rated === 0 ? 0 : ratings[i]! / rated, 9),
      );
    }

    const routes = Object.keys(shown.routes);
    expect(routes).toEqual(expect.arrayContaining(['/', '/slow']));
    const perRoute = {
      views: await byRoute(`sum by (route) (pulse_page_views_total{${app}})`),
      score: await byRoute(quantile(0.5, 'pulse_page_score', app, ', route')),
      poor: await byRoute(poorShare(app, 'route')),
      LCP: await byRoute(
        quantile(0.75, 'pulse_web_vital_seconds', `${app},metric="LCP"`, ', route'),
      ),
      INP: await byRoute(
        quantile(0.75, 'pulse_web_vital_seconds', `${app},metric="INP"`, ', route'),
      ),
      CLS: await byRoute(quantile(0.75, 'pulse_layout_shift_score', app, ', route')),
      TBT: await byRoute(quantile(0.75, 'pulse_total_blocking_time_seconds', app, ', route')),
    };
    for (const route of routes) {
      for (const [column, values] of Object.entries(perRoute)) {
        expectFigure(`${route} ${column}`, shown.routes[route]![column], values.get(route) ?? null);
      }
    }
  });

  it('shows one route when it is chosen, and the slow route reads worse than the home page', async () => {
    const { one } = promql(prometheus);
    const vitalsOf = async (route: string) => {
      await dashboard.selectOption('#route', route);
      return (await readDashboard(dashboard)).vitals;
    };
    const slow = await vitalsOf('/slow');
    const selector = `app="${APP}",route="/slow"`;
    expectFigure(
      '/slow LCP p75',
      slow.LCP,
      await one(
        `histogram_quantile(0.75, sum by (le) (pulse_web_vital_seconds_bucket{${selector},metric="LCP"}))`,
      ),
    );
    expectFigure(
      '/slow CLS p75',
      slow.CLS,
      await one(
        `histogram_quantile(0.75, sum by (le) (pulse_layout_shift_score_bucket{${selector}}))`,
      ),
    );
    const home = await vitalsOf('/');
    expect(Number(slow.LCP!.value)).toBeGreaterThan(Number(home.LCP!.value));
    const score = (route: string) =>
      one(
        `histogram_quantile(0.5, sum by (le) (pulse_page_score_bucket{app="${APP}",route="${route}"}))`,
      );
    expect(await score('/slow')).toBeLessThan((await score('/'))!);

    await dashboard.selectOption('#route', '*');
    await mkdir('test-results', { recursive: true });
    await dashboard.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
