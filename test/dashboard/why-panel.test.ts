/**
 * The dashboard's diagnosis in real Chromium: a collector fed page views whose LCP is a late
 * hero image, whose click handler is slow and whose pages run a heavy third-party tag, in two
 * releases, the second slower and with a new error. Selecting the route shows why it is slow
 * (culprit, dominating phase, advice with its source), the release comparison marks the second
 * release worse, and the error group is marked new in it. Culprits, scripts and messages come
 * from the internet: a hostile one, on a second route, must show as text once that route is
 * selected, and the page's strict CSP must hold.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBeacon, type Beacon, type PulseEvent } from '@pulse/collector';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForPolls } from '../helpers/dashboardPolls.js';

const APP = 'shop';
const ROUTE = '/product';
/** The route whose layout-shift culprit is hostile. */
const HOSTILE_ROUTE = '/reviews';
const PAGE_ORIGIN = 'https://shop.example';
/** Markup where a selector or a message should be: it must arrive as these very characters. */
const HOSTILE = '<img src=x onerror=window.__pwned=1>';
const SCREENSHOT = 'test-results/why-panel.png';

interface Report {
  vitals: { metric: string; advice: { rule: string; text: string; source: string }[] }[];
}

/** One page view: a late hero image for LCP, a slow click, a shifting element, a heavy tag. */
const pageView = (lcp: number, shifted: string, extra: PulseEvent[] = []): PulseEvent[] => [
  { k: 'view' },
  {
    k: 'page',
    vitals: {
      LCP: {
        value: lcp,
        rating: lcp > 4000 ? 'poor' : 'needs-improvement',
        target: 'img.hero',
        ph: [200, lcp - 1200, 600, 400],
      },
      INP: {
        value: 380,
        rating: 'needs-improvement',
        target: 'button#pay',
        type: 'click',
        ph: [30, 300, 50],
      },
      CLS: { value: 0.3, rating: 'poor', target: shifted },
      FCP: { value: 900, rating: 'good' },
      TTFB: { value: 200, rating: 'good' },
    },
    tbt: 450,
  },
  {
    k: 'long',
    kind: 'loaf',
    d: 200,
    s: [
      { u: 'https://tags.example.net/tag.js', i: 'classic-script', d: 150 },
      { u: `${PAGE_ORIGIN}/app.js`, i: 'event-listener', d: 30 },
    ],
  },
  ...extra,
];

describe('the dashboard shows why a route is slow, releases and errors (Chromium)', () => {
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const send = async (events: PulseEvent[], overrides: Partial<Beacon>) => {
    const response = await collector.app.inject({
      method: 'POST',
      url: '/v1/rum',
      headers: { 'content-type': 'text/plain', origin: PAGE_ORIGIN },
      payload: JSON.stringify(exampleBeacon(events, { app: APP, route: ROUTE, ...overrides })),
    });
    expect(response.statusCode, response.body).toBe(204);
  };

  beforeAll(async () => {
    collector = await startCollector({ rateLimit: false, processMetrics: false });
    for (let i = 0; i < 6; i++) await send(pageView(3200, 'div#ad-slot'), { release: '1.0.0' });
    // A release is newer when first seen later; the first-seen clock counts whole seconds.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const bug: PulseEvent = { k: 'error', kind: 'error', fp: 'newbug1', msg: HOSTILE };
    for (let i = 0; i < 6; i++)
      await send(pageView(6400, 'div#ad-slot', [bug]), { release: '1.1.0' });
    for (let i = 0; i < 2; i++) {
      await send(pageView(6400, HOSTILE, [bug]), { release: '1.1.0', route: HOSTILE_ROUTE });
    }

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    // A CSP violation is reported on the console as an error.
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(`${collector.adminUrl}/`);
    await waitForPolls(page, 1);
    await page.click(`#routes tbody tr[data-route="${ROUTE}"]`);
    await page.waitForSelector('#why .why-vital[data-metric="LCP"]');
    await page.waitForSelector('#releases table.releases');
    await page.waitForSelector('#errors table.errors');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('names the culprit, the dominating phase and the advice of the selected route', async () => {
    const lcp = page.locator('#why .why-vital[data-metric="LCP"]');
    await expect
      .poll(() => lcp.locator('.culprits li').first().textContent())
      .toContain('img.hero');
    expect(await lcp.locator('.culprits li').first().textContent()).toContain('100%');
    expect(await lcp.locator('[data-phase]').textContent()).toBe('load_delay');
    expect(await lcp.locator('.phases span').count()).toBe(4);

    const report = (await (
      await fetch(
        `${collector.adminUrl}/api/v1/diagnosis?app=${APP}&route=${encodeURIComponent(ROUTE)}`,
      )
    ).json()) as Report;
    const advice = report.vitals.find((vital) => vital.metric === 'LCP')!.advice[0]!;
    expect(advice.rule).toBe('lcp-load-delay-image');
    const shown = lcp.locator(`.advice li[data-rule="${advice.rule}"]`);
    expect(await shown.locator('.advice-text').textContent()).toBe(advice.text);
    expect(await shown.locator('a').getAttribute('href')).toBe(advice.source);

    const inp = page.locator('#why .why-vital[data-metric="INP"]');
    expect(await inp.locator('[data-phase]').textContent()).toBe('processing');
    expect(await inp.locator('.culprits li').first().textContent()).toContain('click button#pay');

    const tag = page.locator('#why .why-scripts tbody tr', { hasText: 'tags.example.net' });
    expect(await tag.locator('.badge.third-party').count()).toBe(1);
    expect(
      await page.locator('#why .why-scripts .advice li').first().getAttribute('data-rule'),
    ).toBe('third-party-blocking');

    await mkdir('test-results', { recursive: true });
    await page.locator('#why-section').screenshot({ path: SCREENSHOT });
  });

  it('shows the newest release beside the previous one, worse where it got worse', async () => {
    const releases = page.locator('#releases table.releases');
    expect(await releases.locator('thead th').allTextContents()).toEqual([
      '',
      '1.0.0',
      '1.1.0',
      'Change',
    ]);
    const change = (label: string) =>
      releases.locator('tbody tr', { hasText: label }).locator('.delta');
    for (const label of ['Score (mean)', 'LCP p75', 'JS errors']) {
      expect(await change(label).getAttribute('class'), label).toBe('delta worse');
    }
    expect(await change('JS errors').textContent()).toBe('+1.00 / view');
    const lcp = await releases.locator('tbody tr', { hasText: 'LCP p75' }).textContent();
    expect(lcp).toMatch(/6 page views.*8 page views/);
  });

  it('marks the error group new in the newest release', async () => {
    const row = page.locator('#errors tbody tr', { hasText: 'newbug1' });
    expect(await row.locator('.badge.new').textContent()).toBe('new in 1.1.0');
    expect(await row.textContent()).toContain('1.1.0');
    expect(await row.textContent()).toContain(ROUTE);
  });

  it('shows hostile selectors and messages as text, under the strict CSP', async () => {
    await page.selectOption('#route', HOSTILE_ROUTE);
    const cls = page.locator('#why .why-vital[data-metric="CLS"]');
    await expect.poll(() => cls.locator('.culprits code').first().textContent()).toBe(HOSTILE);
    expect(await page.locator('#why-section h2 .scope').textContent()).toContain(HOSTILE_ROUTE);
    expect(await cls.locator('.advice-text').textContent()).toContain(HOSTILE);
    expect(await page.locator('#errors .message').first().textContent()).toBe(HOSTILE);
    // Not one element made of the data, and nothing it would have run.
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false);

    // The panel keeps its content through the next polls: an unchanged answer is not redrawn.
    await waitForPolls(page, 2);
    expect(await cls.locator('.culprits code').first().textContent()).toBe(HOSTILE);
    expect(pageErrors).toEqual([]);
  });
});
