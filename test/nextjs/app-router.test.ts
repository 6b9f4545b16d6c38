/**
 * @pulse/react in a Next.js App Router app, as a Next.js user gets it: the app in
 * test/fixtures/nextjs-app/ puts `<PulseProvider>` in its server layout (app/layout.tsx) with its
 * route templates as strings, and a client component of a page uses a hook. It is installed
 * outside the repository with @pulse/sdk and @pulse/react from their packed tarballs (Next.js
 * and React from the registry, at the versions the fixture's package-lock.json pins), built once
 * with `next build` (type-checked, with React Server Components) and run with `next start`; real
 * Chromium loads it, follows a `<Link>` (a soft navigation) and loads a page directly, and the
 * collector counts each page view under its template. The longest e2e file: 2 to 4 minutes on
 * two busy cores, about a third of it npm installing Next.js (390 MB unpacked, most of it the
 * compiler's native binary; from npm's cache when it holds them), about half `next build`.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape, type Scrape } from '../helpers/metrics.js';
import { packWorkspaces } from '../packages/packedPackages.js';
import { createScratchApp } from '../packages/scratchApp.js';
import { freePort } from '../helpers/freePort.js';
import { buildNextApp, startNextApp, type NextServer } from './nextApp.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/nextjs-app/', import.meta.url));
/** The app name and templates app/layout.tsx gives the provider. */
const APP = 'nextjs-shop';
const PRODUCT_ROUTE = '/products/[id]';

/** Every file of the fixture app, by path inside it. */
async function fixtureFiles(): Promise<Record<string, string>> {
  const paths = await readdir(FIXTURE, { recursive: true, withFileTypes: true });
  const files = paths
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(FIXTURE.length));
  return Object.fromEntries(
    await Promise.all(
      files.map(async (path) => [path, await readFile(join(FIXTURE, path), 'utf8')]),
    ),
  );
}

/** Page views the collector counted for the app, by route and navigation. */
const pageViews = (metrics: Scrape, route: string, navigation: string) =>
  metrics.value('pulse_page_views_total', { app: APP, route, navigation });

describe('@pulse/react in a Next.js App Router app', () => {
  let scratch: string;
  let collector: RunningCollector;
  let next: NextServer;
  let browser: Browser;
  /** A new tab, and the uncaught errors and console errors it shows. */
  const openPage = async (): Promise<[Page, string[]]> => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`);
    });
    return [page, errors];
  };

  beforeAll(async () => {
    // How long each step took, printed so the file's cost in the suite stays known.
    const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
    let since = performance.now();
    scratch = await mkdtemp(join(tmpdir(), 'pulse-nextjs-'));
    const tarballs = await packWorkspaces(REPO, ['sdk', 'react-bindings'], scratch);
    const app = await createScratchApp(
      join(scratch, 'app'),
      tarballs.map((pkg) => pkg.tarball),
      await fixtureFiles(),
    );
    const installed = seconds(since);
    // Beacons cross origins, from the app's to the collector's, as with a separate RUM host.
    // The app's origin must be known before it is built: the collector allows beacons from it.
    const port = await freePort();
    collector = await startCollector({ allowOrigins: [`http://127.0.0.1:${port}`] });
    since = performance.now();
    await buildNextApp(app.dir, { NEXT_PUBLIC_PULSE_COLLECTOR: collector.url });
    const built = seconds(since);
    since = performance.now();
    next = await startNextApp(app.dir, port);
    console.info(
      `pack and npm install: ${installed}, next build: ${built}, next start: ${seconds(since)}`,
    );
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await next?.stop();
    await collector?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('renders the pages on the server, the provider in the layout', async () => {
    const home = await (await fetch(`${next.url}/`)).text();
    expect(home).toContain('Blue mug');
    const product = await (await fetch(`${next.url}/products/42`)).text();
    expect(product).toMatch(/Product (<!-- -->)?42/);
  });

  it('labels the first page view and a soft navigation by their route templates', async () => {
    const [page, errors] = await openPage();
    await page.goto(`${next.url}/`);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await page.click('#product-link');
    await page.waitForSelector('#product');
    // A soft navigation: Next.js rendered the page in the same document.
    expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/products/42');
    await page.click('#add-to-cart');

    const metrics = await waitForScrape(
      collector.adminUrl,
      (scrape) =>
        pageViews(scrape, PRODUCT_ROUTE, 'soft') > 0 &&
        scrape.value('pulse_custom_events_total', { app: APP, name: 'add-to-cart' }) > 0,
    );
    await page.close();
    expect(pageViews(metrics, '/', 'navigate')).toBe(1);
    expect(pageViews(metrics, PRODUCT_ROUTE, 'soft')).toBe(1);
    expect(metrics.value('pulse_custom_events_total', { app: APP, name: 'add-to-cart' })).toBe(1);
    expect(errors).toEqual([]);
  });

  it('names a page loaded directly by its template, never by its path', async () => {
    const [page, errors] = await openPage();
    await page.goto(`${next.url}/products/7`);
    await page.waitForSelector('#product');
    const metrics = await waitForScrape(
      collector.adminUrl,
      (scrape) => pageViews(scrape, PRODUCT_ROUTE, 'navigate') > 0,
    );
    await page.close();
    expect(pageViews(metrics, PRODUCT_ROUTE, 'navigate')).toBe(1);
    const routes = metrics
      .labelSets('pulse_page_views_total')
      .filter((labels) => labels.app === APP)
      .map((labels) => labels.route);
    expect(new Set(routes)).toEqual(new Set(['/', PRODUCT_ROUTE]));
    expect(metrics.value('pulse_rejected_total')).toBe(0);
    expect(errors).toEqual([]);
  });
});
