/**
 * The collector goes away while a page keeps recording, then comes back on the same address,
 * in real Chromium with the script-tag build. The page must show no error; the SDK must hold a
 * bounded queue (200 events in pulse.js) and send at most one request per backoff period, keep
 * its heap flat however long the outage, deliver what it held once the collector is back, and
 * report every event it had to drop as `dropped`, so that delivered + dropped accounts for every
 * event the page recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createCollector, type CollectorOptions } from '@pulse/collector';
import type { PulseClient } from '@pulse/sdk';
import { launchChromium } from '../helpers/browser.js';
import { settledValue, waitForScrape } from '../helpers/metrics.js';
import { serveSite, type Site } from './site.js';

/** pulse.js fixes `maxQueuedEvents` at its default. */
const QUEUE_BOUND = 200;
const QUEUED_DURING_OUTAGE = 600;
/** Events recorded to show the heap stays flat while nothing can be sent. */
const FLOOD = 20_000;
const HEAP_GROWTH_LIMIT = 1024 * 1024;

interface OutageWindow {
  Pulse: PulseClient;
  /** Events Pulse recorded (every onMetric update but live-only vitals and probes). */
  recorded: number;
}

let site: Site;
let browser: Browser;
let tab: Page;
let cdp: CDPSession;
let collectorUrl = '';
/** The admin side, where /metrics is read; the restarted collector takes the same port. */
let adminUrl = '';
let first: FastifyInstance | undefined;
let second: FastifyInstance | undefined;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
let app = '';

const options = (): Partial<CollectorOptions> => ({
  allowOrigins: [site.url],
  rateLimit: false,
  processMetrics: false,
  // One test browser on this machine: admitted on its own word.
  admitAfterClients: 1,
});

async function listen(port: number, adminPort: number) {
  const collector = await createCollector(options());
  await collector.listen({ port, host: '127.0.0.1' });
  adminUrl = await collector.pulseAdmin.listen({ port: adminPort, host: '127.0.0.1' });
  return collector;
}

const recorded = () => tab.evaluate(() => (window as unknown as OutageWindow).recorded);

async function heapUsed() {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** Records `count` custom events in the page, yielding to the event loop between batches. */
const track = (count: number) =>
  tab.evaluate(async (n) => {
    const { Pulse } = window as unknown as OutageWindow;
    for (let i = 0; i < n; i += 1) {
      Pulse.track('queued');
      if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }, count);

beforeAll(async () => {
  site = await serveSite(() => collectorUrl);
  first = await listen(0, 0);
  collectorUrl = `http://127.0.0.1:${(first.server.address() as { port: number }).port}`;
  browser = await launchChromium();
  tab = await browser.newPage();
  tab.on('pageerror', (error) => pageErrors.push(error.message));
  tab.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  cdp = await tab.context().newCDPSession(tab);
  await tab.goto(`${site.url}/view/outage`);
  await tab.waitForFunction(() => (window as unknown as OutageWindow).Pulse !== undefined);
  app = await tab.evaluate(() => {
    const page = window as unknown as OutageWindow;
    page.recorded = 1; // the view event, recorded before this listener existed
    page.Pulse.onMetric((update) => {
      if (update.k !== 'vital' && update.k !== 'probe') page.recorded += 1;
    });
    page.Pulse.flush();
    return document.querySelector<HTMLScriptElement>('script[data-app]')!.dataset.app!;
  });
  await waitForScrape(adminUrl, (m) => m.value('pulse_events_total', { app }) >= 1);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await first?.close();
  await second?.close();
  await site?.close();
});

describe('collector stopped, then restarted', () => {
  let recordedDuringOutage = 0;

  let recordedBeforeOutage = 0;

  it('keeps recording while the collector is down', async () => {
    await first!.close();
    first = undefined;
    recordedBeforeOutage = await recorded();
    await track(QUEUED_DURING_OUTAGE);
    expect((await recorded()) - recordedBeforeOutage).toBeGreaterThanOrEqual(QUEUED_DURING_OUTAGE);
  });

  it('keeps its heap flat however many events it has to drop', async () => {
    const baseline = await heapUsed();
    await track(FLOOD);
    // Hand the batcher's last partial batch to the retry queue, so the queue holds everything
    // the page will deliver once the collector is back.
    await tab.evaluate(() => (window as unknown as OutageWindow).Pulse.flush());
    recordedDuringOutage = (await recorded()) - recordedBeforeOutage;
    const growth = (await heapUsed()) - baseline;
    console.info(
      `collector outage: page heap ${(growth / 1024).toFixed(0)} KB after ${FLOOD} more events`,
    );
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
  });

  it('delivers what it held once the collector is back, and reports the rest as dropped', async () => {
    second = await listen(Number(new URL(collectorUrl).port), Number(new URL(adminUrl).port));
    // The next try comes after the current backoff, at most a minute.
    await waitForScrape(adminUrl, (m) => m.value('pulse_events_total', { app }) > 0, 90_000);
    // The queue drains one body after another: read it once the last one has landed.
    const held = await settledValue(adminUrl, (m) => m.value('pulse_events_total', { app }));
    expect(held).toBeLessThanOrEqual(QUEUE_BOUND);
    // Bodies dropped by the last push are counted in the body after it, as with any batch.
    await tab.evaluate(() => {
      const { Pulse } = window as unknown as OutageWindow;
      Pulse.track('after-restart');
      Pulse.flush();
    });
    const total = (await recorded()) - recordedBeforeOutage;
    const metrics = await waitForScrape(
      adminUrl,
      (m) =>
        m.value('pulse_events_total', { app }) +
          m.value('pulse_sdk_dropped_events_total', { app }) >=
        total,
    );
    const delivered = metrics.value('pulse_events_total', { app });
    const dropped = metrics.value('pulse_sdk_dropped_events_total', { app });
    console.info(
      `collector outage: ${recordedDuringOutage} events recorded while down; after restart ${held} delivered from the queue (bound ${QUEUE_BOUND}), ${delivered} delivered in all, ${dropped} reported dropped`,
    );
    expect(held).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(delivered + dropped).toBe(total);
    expect(delivered - held).toBe(total - recordedDuringOutage);
  });

  it('shows no error in the page', () => {
    expect(pageErrors).toEqual([]);
    // Chromium itself logs each refused connection ("Failed to load resource"); the SDK logs nothing.
    expect(consoleErrors.filter((text) => !text.includes('net::ERR_CONNECTION_REFUSED'))).toEqual(
      [],
    );
  });
});
