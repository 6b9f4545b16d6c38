/**
 * Consent mode and the ingest key of the script tag, in real Chromium against the built
 * collector. A tag with `data-consent="pending"` must store nothing and send nothing before
 * `Pulse.consent(true)`: the browser's own request log and storage are read, not the SDK's
 * word. Then the held page view goes, with `data-key`, to a collector that requires the key; a
 * tag without the key is refused, and with `data-debug` the page's console says why.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { scrape, waitForScrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';

const APP = 'consent-shop';
const INGEST_KEY = 'k-consent-e2e-5f3a9c';

/** The tag's data attributes, as a page writes them. */
const page = (collector: string, attributes: string, app = APP) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Consent</title><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${app}" ${attributes} defer></script>
</head><body><h1 style="font-size:48px">Handmade ceramic mug</h1></body></html>`;

type PulseWindow = Window & {
  Pulse: { track(name: string): void; flush(): void; consent(granted?: boolean): void };
};

/** What the page has stored, in every place a page can store something. */
const storedByPage = async (tab: Page, context: BrowserContext) => ({
  sessionStorage: await tab.evaluate(() => Object.keys(sessionStorage)),
  localStorage: await tab.evaluate(() => Object.keys(localStorage)),
  cookies: await context.cookies(),
});

describe('consent mode and data-key (Chromium)', () => {
  let collector: RunningCollector;
  let site: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    site = await serveHtml((path) => {
      const attributes = {
        '/pending': `data-consent="pending" data-key="${INGEST_KEY}"`,
        '/refused': `data-consent="pending" data-key="${INGEST_KEY}"`,
        '/no-key': 'data-debug',
        '/bad-app': `data-key="${INGEST_KEY}" data-debug`,
      }[path];
      if (attributes === undefined) return undefined;
      return page(collector.url, attributes, path === '/bad-app' ? 'my shop' : APP);
    });
    collector = await startCollector({
      allowOrigins: [site.url],
      rateLimit: false,
      ingestKey: INGEST_KEY,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await collector?.close();
  });

  /** Opens `path` in a fresh context, logging every request the page makes to the collector. */
  const open = async (path: string) => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const beacons: string[] = [];
    tab.on('request', (request) => {
      if (request.url().startsWith(`${collector.url}/v1/`)) beacons.push(request.url());
    });
    const consoleLines: string[] = [];
    tab.on('console', (message) => consoleLines.push(message.text()));
    await tab.goto(`${site.url}${path}`);
    await tab.waitForFunction(() => (window as unknown as PulseWindow).Pulse !== undefined);
    return { context, tab, beacons, consoleLines };
  };

  it('stores and sends nothing before consent(true), then sends the held page view with the key', async () => {
    const { context, tab, beacons } = await open('/pending');
    await tab.evaluate(() => {
      const { Pulse } = window as unknown as PulseWindow;
      Pulse.track('before-consent');
      Pulse.flush();
    });
    // Long enough for a flush's request to be logged (it would start at once) and for the
    // collector to count it.
    await tab.waitForTimeout(1000);
    expect(beacons).toEqual([]);
    expect(await storedByPage(tab, context)).toEqual({
      sessionStorage: [],
      localStorage: [],
      cookies: [],
    });
    expect((await scrape(collector.adminUrl)).value('pulse_beacons_total', { app: APP })).toBe(0);

    await tab.evaluate(() => (window as unknown as PulseWindow).Pulse.consent(true));
    const metrics = await waitForScrape(
      collector.adminUrl,
      (m) => m.value('pulse_events_total', { app: APP, kind: 'event' }) >= 1,
    );
    expect(beacons.length).toBeGreaterThan(0);
    // The page view started before consent, its custom event, both accepted with the key.
    expect(metrics.value('pulse_events_total', { app: APP, kind: 'view' })).toBe(1);
    expect(metrics.value('pulse_events_total', { app: APP, kind: 'event' })).toBe(1);
    expect(metrics.value('pulse_rejected_total', { reason: 'ingest_key' })).toBe(0);
    // The tab session exists from consent on: the only thing Pulse stores.
    expect((await storedByPage(tab, context)).sessionStorage).toEqual(['pulse.s']);
    // Withdrawn: the tab session goes with it.
    await tab.evaluate(() => (window as unknown as PulseWindow).Pulse.consent(false));
    expect((await storedByPage(tab, context)).sessionStorage).toEqual([]);
    await context.close();
  });

  it('consent(false) drops what was held: nothing is sent, even when the page is left', async () => {
    const before = await scrape(collector.adminUrl);
    const { context, tab, beacons } = await open('/refused');
    await tab.evaluate(() => {
      const { Pulse } = window as unknown as PulseWindow;
      Pulse.track('before-refusal');
      Pulse.consent(false);
      Pulse.track('after-refusal');
      Pulse.flush();
    });
    expect(await storedByPage(tab, context)).toEqual({
      sessionStorage: [],
      localStorage: [],
      cookies: [],
    });
    // Leaving the page hides it, where everything held would go by beacon.
    await tab.goto('about:blank');
    await tab.waitForTimeout(1000);
    expect(beacons).toEqual([]);
    const after = await scrape(collector.adminUrl);
    expect(after.value('pulse_events_total', { app: APP, kind: 'event' })).toBe(
      before.value('pulse_events_total', { app: APP, kind: 'event' }),
    );
    await context.close();
  });

  it('a tag without data-key is refused by a collector that requires one, and with data-debug says why', async () => {
    const { context, tab, consoleLines } = await open('/no-key');
    await tab.evaluate(() => (window as unknown as PulseWindow).Pulse.flush());
    await waitForScrape(
      collector.adminUrl,
      (m) => m.value('pulse_rejected_total', { reason: 'ingest_key' }) >= 1,
    );
    await expect
      .poll(() => consoleLines.filter((line) => line.includes('beacon refused')))
      .toEqual(['[pulse] beacon refused: ingest_key an ingest key is required']);
    await context.close();
  });

  it('an app name the collector refuses is explained in the console with data-debug, once', async () => {
    const { context, tab, consoleLines } = await open('/bad-app');
    for (let i = 0; i < 3; i += 1) {
      await tab.evaluate(() => {
        const { Pulse } = window as unknown as PulseWindow;
        Pulse.track('x');
        Pulse.flush();
      });
    }
    await waitForScrape(
      collector.adminUrl,
      (m) => m.value('pulse_rejected_total', { reason: 'schema' }) >= 3,
    );
    await expect
      .poll(() => consoleLines.filter((line) => line.includes('beacon refused')))
      .toEqual([expect.stringMatching(/^\[pulse\] beacon refused: schema .*app/)]);
    await context.close();
  });
});
