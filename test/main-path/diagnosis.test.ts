/**
 * The diagnosis end to end: real Chromium visits a checkout page with one known culprit per rule
 * (test/fixtures/culprit-page.ts) under two releases, the built /pulse.js reports to the built
 * collector, and the collector's /metrics, diagnosis API and dashboard (its Why, Releases and
 * Errors panels, opened in Chromium) name each culprit, the dominating phases, the advice, and
 * the error that only the newer release throws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { PageEvent } from '@pulse/sdk/protocol';
import { recordBeacons, type BeaconRecorder } from '../helpers/beaconRecorder.js';
import { launchChromium } from '../helpers/browser.js';
import { waitForPolls } from '../helpers/dashboardPolls.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape, type Scrape } from '../helpers/metrics.js';
import {
  BROKEN_RELEASE,
  BROKEN_RELEASE_MESSAGE,
  CULPRITS,
  CULPRIT_APP,
  CULPRIT_ROUTE,
  PAY_HANDLER_MS,
  serveCulpritSite,
  TAG_BUSY_MS,
  type CulpritSite,
} from '../fixtures/culprit-page.js';

/** Page views per release, each in a tab of its own, side by side. */
const VIEWS = 3;
const RELEASES = ['1.0.0', BROKEN_RELEASE] as const;
const scope = { app: CULPRIT_APP, route: CULPRIT_ROUTE };

interface Advice {
  rule: string;
  text: string;
  source: string;
}
interface VitalDiagnosis {
  metric: 'LCP' | 'INP' | 'CLS';
  rating: string;
  p75: number;
  dominatingPhase?: string;
  phaseShare?: number;
  culprits: { target: string; share: number }[];
  advice: Advice[];
}
interface Diagnosis {
  vitals: VitalDiagnosis[];
  scripts: {
    script: string;
    invoker: string;
    seconds: number;
    share: number;
    thirdParty: boolean;
  }[];
  scriptAdvice: Advice[];
}
interface Releases {
  releases: string[];
  newest: { release: string; pageViews: number; errors: number; errorRate: number | null };
  previous: { release: string; pageViews: number; errors: number; errorRate: number | null };
  delta: { errorRate: number | null };
}
interface ErrorGroups {
  newestRelease: string | null;
  groups: {
    fingerprint: string;
    kind: string;
    count: number;
    releases: string[];
    routes: string[];
    newInNewestRelease: boolean;
  }[];
}

describe('diagnosis of a page with known culprits (Chromium, /pulse.js, collector)', () => {
  let collector: RunningCollector;
  let site: CulpritSite;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Keeps the beacons the tabs send, as Chromium sent them. */
  let recorder: BeaconRecorder;
  const pageErrors: { release: string; message: string }[] = [];
  let metrics: Scrape;

  /** One page view: wait for the late hero, pay, then leave so the page view's values are sent. */
  const view = async (release: string) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const tab = await context.newPage();
    tab.on('pageerror', (error) => pageErrors.push({ release, message: error.message }));
    await tab.goto(`${site.url}${CULPRIT_ROUTE}?release=${release}`);
    await tab.waitForFunction(
      () => (document.querySelector('img.hero') as HTMLImageElement | null)?.complete,
    );
    // The click must come after the hero's paint (input ends LCP) and the promo's shift (a
    // shift right after input is excused).
    await tab.waitForTimeout(300);
    await tab.click('button#pay');
    await tab.locator('#paid').waitFor();
    // Let the click's event-timing and frame entries be delivered before the page is left.
    await tab.waitForTimeout(500);
    // Leaving hides the page: its page view ends and its final values are sent by beacon.
    await tab.goto('about:blank');
  };

  const arrived = (release: string) => (m: Scrape) =>
    m.value('pulse_release_page_views_total', { app: CULPRIT_APP, release }) >= VIEWS &&
    m.count('pulse_release_web_vital_seconds', { app: CULPRIT_APP, release, metric: 'INP' }) >=
      VIEWS;

  beforeAll(async () => {
    collector = await startCollector();
    recorder = await recordBeacons(collector.url);
    site = await serveCulpritSite(recorder.url);
    browser = await launchChromium();
    // One release after the other: the newest release is the one the collector saw first last.
    for (const release of RELEASES) {
      await Promise.all(Array.from({ length: VIEWS }, () => view(release)));
      await waitForScrape(collector.adminUrl, arrived(release));
    }
    // The errors of the last page views may come in a beacon of their own.
    metrics = await waitForScrape(
      collector.adminUrl,
      (m) =>
        m.value('pulse_release_js_errors_total', { app: CULPRIT_APP, release: BROKEN_RELEASE }) >=
        VIEWS,
    );
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await site?.close();
    await recorder?.close();
    await collector?.close();
  });

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${collector.adminUrl}${path}`);
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };
  const pageEvents = () =>
    recorder.beacons.flatMap(({ release, events }) =>
      events
        .filter((event): event is PageEvent => event.k === 'page')
        .map((event) => ({ release, event })),
    );
  const sum = (parts: readonly number[]) => parts.reduce((total, part) => total + part, 0);

  it('sends, for every page view, LCP and INP phases that add up to their values', () => {
    const pages = pageEvents();
    expect(pages).toHaveLength(RELEASES.length * VIEWS);
    for (const { event } of pages) {
      const { LCP, INP, CLS } = event.vitals;
      expect(LCP?.target).toBe(CULPRITS.LCP);
      expect(LCP?.ph).toHaveLength(4);
      expect(sum(LCP!.ph!)).toBe(LCP!.value);
      expect(`${INP?.type} ${INP?.target}`).toBe(CULPRITS.INP);
      expect(INP?.ph).toHaveLength(3);
      expect(sum(INP!.ph!)).toBe(INP!.value);
      expect(CLS?.target).toBe(CULPRITS.CLS);
      expect(CLS?.rating).not.toBe('good');
    }
  });

  it('records phases on /metrics whose sums are the sums of LCP and INP', () => {
    for (const [family, metric] of [
      ['pulse_lcp_phase_seconds', 'LCP'],
      ['pulse_inp_phase_seconds', 'INP'],
    ] as const) {
      const vitals = metrics.count('pulse_web_vital_seconds', { ...scope, metric });
      expect(vitals, metric).toBe(RELEASES.length * VIEWS);
      const phases = metrics
        .labelSets(`${family}_count`)
        .filter((labels) => labels.app === CULPRIT_APP);
      expect(phases.length, family).toBe(metric === 'LCP' ? 4 : 3);
      for (const labels of phases) expect(metrics.value(`${family}_count`, labels)).toBe(vitals);
      expect(metrics.sum(family, scope)).toBeCloseTo(
        metrics.sum('pulse_web_vital_seconds', { ...scope, metric }),
        6,
      );
    }
  });

  it('counts each culprit, the third-party script and the error group on /metrics', () => {
    for (const [metric, target] of [
      ['LCP', CULPRITS.LCP],
      ['INP', CULPRITS.INP],
      ['CLS', CULPRITS.CLS],
    ] as const) {
      expect(metrics.value('pulse_culprit_total', { ...scope, metric, target }), metric).toBe(
        RELEASES.length * VIEWS,
      );
    }
    const tag = `${site.tagOrigin}/tag.js`;
    const tagSeconds = metrics.value('pulse_script_blocking_seconds_total', {
      app: CULPRIT_APP,
      script: tag,
      invoker: 'classic-script',
    });
    expect(tagSeconds).toBeGreaterThanOrEqual(
      (RELEASES.length * VIEWS * (TAG_BUSY_MS - 10)) / 1000,
    );
    // No query reaches a label.
    expect(metrics.text).not.toContain('account=42');
    const handler = metrics.value('pulse_script_blocking_seconds_total', {
      app: CULPRIT_APP,
      script: 'inline',
      invoker: 'event-listener',
    });
    expect(handler).toBeGreaterThanOrEqual(
      (RELEASES.length * VIEWS * (PAY_HANDLER_MS - 10)) / 1000,
    );

    for (const release of RELEASES) {
      expect(metrics.value('pulse_release_page_views_total', { app: CULPRIT_APP, release })).toBe(
        VIEWS,
      );
    }
    expect(
      metrics.value('pulse_release_js_errors_total', { app: CULPRIT_APP, release: '1.0.0' }),
    ).toBe(0);
    expect(
      metrics.value('pulse_release_js_errors_total', {
        app: CULPRIT_APP,
        release: BROKEN_RELEASE,
        kind: 'error',
      }),
    ).toBe(VIEWS);
    const groups = metrics
      .labelSets('pulse_error_group_total')
      .filter((labels) => labels.app === CULPRIT_APP);
    expect(groups).toEqual([{ app: CULPRIT_APP, fingerprint: expect.any(String), kind: 'error' }]);
    expect(metrics.value('pulse_error_group_total', groups[0])).toBe(VIEWS);
  });

  it('names the dominating phases, the culprits and the advice in /api/v1/diagnosis', async () => {
    const report = await api<Diagnosis>(
      `/api/v1/diagnosis?app=${CULPRIT_APP}&route=${encodeURIComponent(CULPRIT_ROUTE)}`,
    );
    const vital = (metric: string) => report.vitals.find((one) => one.metric === metric);
    const rules = (diagnosis: VitalDiagnosis | undefined) =>
      diagnosis?.advice.map((advice) => advice.rule);

    const lcp = vital('LCP');
    expect(lcp?.rating).not.toBe('good');
    expect(lcp?.dominatingPhase).toBe('load_delay');
    expect(lcp?.culprits).toEqual([{ target: CULPRITS.LCP, share: 1 }]);
    expect(rules(lcp)).toEqual(['lcp-load-delay-image']);
    expect(lcp?.advice[0]?.text).toContain(CULPRITS.LCP);

    const inp = vital('INP');
    expect(inp?.dominatingPhase).toBe('processing');
    expect(inp?.culprits).toEqual([{ target: CULPRITS.INP, share: 1 }]);
    expect(rules(inp)).toEqual(['inp-processing']);
    expect(inp?.advice[0]?.text).toContain('button#pay');

    const cls = vital('CLS');
    expect(cls?.culprits).toEqual([{ target: CULPRITS.CLS, share: 1 }]);
    expect(rules(cls)).toEqual(['cls-unsized-element']);
    expect(cls?.advice[0]?.text).toContain(CULPRITS.CLS);

    const tag = report.scripts.find((script) => script.script === `${site.tagOrigin}/tag.js`);
    expect(tag).toMatchObject({ invoker: 'classic-script', thirdParty: true });
    expect(tag!.share).toBeGreaterThanOrEqual(0.2);
    const handler = report.scripts.find((script) => script.invoker === 'event-listener');
    expect(handler).toMatchObject({ script: 'inline', thirdParty: false });
    expect(report.scriptAdvice.map((advice) => advice.rule)).toContain('third-party-blocking');
    expect(
      report.scriptAdvice.find((advice) => advice.rule === 'third-party-blocking')?.text,
    ).toContain(`${site.tagOrigin}/tag.js`);
  });

  it('shows the newer release worse on errors in /api/v1/releases', async () => {
    const releases = await api<Releases>(`/api/v1/releases?app=${CULPRIT_APP}`);
    expect(releases.releases).toEqual([BROKEN_RELEASE, '1.0.0']);
    expect(releases.newest).toMatchObject({
      release: BROKEN_RELEASE,
      pageViews: VIEWS,
      errors: VIEWS,
      errorRate: 1,
    });
    expect(releases.previous).toMatchObject({
      release: '1.0.0',
      pageViews: VIEWS,
      errors: 0,
      errorRate: 0,
    });
    expect(releases.delta.errorRate).toBe(1);
  });

  it('lists the newer release’s error as a new group in /api/v1/errors', async () => {
    const errors = await api<ErrorGroups>(`/api/v1/errors?app=${CULPRIT_APP}`);
    const sent = recorder.beacons.flatMap(({ release, events }) =>
      events.flatMap((event) => (event.k === 'error' ? [{ release, fp: event.fp }] : [])),
    );
    expect(new Set(sent.map(({ release }) => release))).toEqual(new Set([BROKEN_RELEASE]));
    const fingerprints = new Set(sent.map(({ fp }) => fp));
    expect(fingerprints.size).toBe(1);
    expect(errors.newestRelease).toBe(BROKEN_RELEASE);
    expect(errors.groups).toEqual([
      expect.objectContaining({
        fingerprint: [...fingerprints][0],
        kind: 'error',
        count: VIEWS,
        releases: [BROKEN_RELEASE],
        routes: [CULPRIT_ROUTE],
        newInNewestRelease: true,
      }),
    ]);
  });

  it('shows the culprits, phases, advice and the release’s new error in the dashboard', async () => {
    const dashboard = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const dashboardErrors: string[] = [];
    dashboard.on('pageerror', (error) => dashboardErrors.push(error.message));
    await dashboard.goto(`${collector.adminUrl}/`);
    await waitForPolls(dashboard, 1);
    await dashboard.click(`#routes tbody tr[data-route="${CULPRIT_ROUTE}"]`);
    const why = (metric: string) => dashboard.locator(`#why .why-vital[data-metric="${metric}"]`);
    await why('LCP').waitFor();
    await dashboard.locator('#releases table.releases').waitFor();
    await dashboard.locator('#errors table.errors').waitFor();

    for (const [metric, culprit, phase, rule] of [
      ['LCP', CULPRITS.LCP, 'load_delay', 'lcp-load-delay-image'],
      ['INP', CULPRITS.INP, 'processing', 'inp-processing'],
      ['CLS', CULPRITS.CLS, undefined, 'cls-unsized-element'],
    ] as const) {
      const vital = why(metric);
      expect(await vital.locator('.culprits li').first().textContent(), metric).toContain(culprit);
      if (phase !== undefined) {
        expect(await vital.locator('[data-phase]').textContent(), metric).toBe(phase);
      }
      const advice = vital.locator(`.advice li[data-rule="${rule}"]`);
      expect(await advice.locator('.advice-text').textContent(), metric).toContain(
        metric === 'INP' ? 'button#pay' : culprit,
      );
    }
    const tag = dashboard.locator('#why .why-scripts tbody tr', {
      hasText: `${site.tagOrigin}/tag.js`,
    });
    expect(await tag.locator('.badge.third-party').count()).toBe(1);
    expect(
      await dashboard
        .locator('#why .why-scripts .advice li[data-rule="third-party-blocking"] .advice-text')
        .textContent(),
    ).toContain(`${site.tagOrigin}/tag.js`);

    const releases = dashboard.locator('#releases table.releases');
    expect(await releases.locator('thead th').allTextContents()).toEqual([
      '',
      '1.0.0',
      BROKEN_RELEASE,
      'Change',
    ]);
    const errorsRow = releases.locator('tbody tr', { hasText: 'JS errors' });
    expect(await errorsRow.locator('.delta').getAttribute('class')).toBe('delta worse');
    expect(await errorsRow.locator('.delta').textContent()).toBe('+1.00 / view');

    const [fingerprint] = new Set(
      recorder.beacons.flatMap(({ events }) =>
        events.flatMap((event) => (event.k === 'error' ? [event.fp] : [])),
      ),
    );
    const group = dashboard.locator('#errors tbody tr', { hasText: fingerprint });
    expect(await group.locator('.badge.new').textContent()).toBe(`new in ${BROKEN_RELEASE}`);
    expect(await group.textContent()).toContain(CULPRIT_ROUTE);
    expect(dashboardErrors).toEqual([]);
  });

  it('threw in the page only the newer release’s bug', () => {
    expect(pageErrors).toHaveLength(VIEWS);
    for (const { release, message } of pageErrors) {
      expect(release).toBe(BROKEN_RELEASE);
      expect(message).toBe(BROKEN_RELEASE_MESSAGE);
    }
  });
});
