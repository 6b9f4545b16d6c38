/**
 * `npm start` as a newcomer runs it: the built demo starts the site and the collector, prints
 * both URLs, the site works in real Chromium and reports to the collector, the server-side
 * network controls move the socket score within seconds, and Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { waitForScrape } from '../helpers/metrics.js';

const START = fileURLToPath(new URL('../../demo/dist/esm/start.js', import.meta.url));

/** Runs start.js on free ports and resolves with the URLs it prints. */
function startDemoProcess(): Promise<{
  child: ChildProcess;
  site: string;
  dashboard: string;
  beacons: string;
}> {
  const child = spawn(process.execPath, [START], {
    env: { ...process.env, PULSE_PORT: '0', PULSE_ADMIN_PORT: '0', DEMO_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const site = /Demo site:\s+(\S+?)\/?\s/.exec(output)?.[1];
      const dashboard = /Dashboard:\s+(\S+?)\/?\s/.exec(output)?.[1];
      const beacons = /Beacons:\s+(\S+?)\/v1\/rum\s/.exec(output)?.[1];
      if (site !== undefined && dashboard !== undefined && beacons !== undefined) {
        resolve({ child, site, dashboard, beacons });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`start.js exited with ${code}:\n${output}`)));
  });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/** The message of the demo's deliberately failing widget (demo/src/app/pages/Deals.tsx). */
const DELIBERATE_WIDGET_ERROR = 'recommendations: unexpected response shape';

describe('npm start', () => {
  let demo: Awaited<ReturnType<typeof startDemoProcess>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    demo = await startDemoProcess();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // The Deals page's recommendations widget throws on some visits on purpose (it feeds the
      // dashboard's error figures); its error boundary catches it and React logs the caught
      // error. That one is expected; any other console error is not.
      if (message.type() === 'error' && !message.text().includes(DELIBERATE_WIDGET_ERROR)) {
        pageErrors.push(`console: ${message.text()}`);
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (demo?.child.exitCode === null) demo.child.kill('SIGKILL');
  });

  it('prints the site and the dashboard, each answering', async () => {
    const site = await (await fetch(`${demo.site}/products/3`)).text();
    expect(site).toContain(`<meta name="pulse-collector" content="${demo.beacons}"`);
    const dashboard = await fetch(`${demo.dashboard}/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('data-figure="vital"');
  });

  it('serves a React site whose page views, with route templates, reach the collector', async () => {
    await page.goto(`${demo.site}/`);
    await page.locator('a[href="/products/2"]').click();
    await page.getByRole('button', { name: 'Add to basket' }).click();
    await page.getByRole('link', { name: 'Deals' }).click();
    await page.getByRole('heading', { name: "This week's deals" }).waitFor();
    await page.goto('about:blank');
    const metrics = await waitForScrape(
      demo.dashboard,
      (m) => m.value('pulse_page_views_total', { app: 'demo-shop', route: '/slow' }) >= 1,
    );
    for (const route of ['/', '/products/:id', '/slow']) {
      expect(metrics.value('pulse_page_views_total', { app: 'demo-shop', route }), route).toBe(1);
    }
    expect(
      metrics.value('pulse_custom_events_total', { app: 'demo-shop', name: 'add-to-basket' }),
    ).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('lets a visitor degrade the socket and see its score fall within seconds', async () => {
    await page.goto(`${demo.site}/chat`);
    const score = page.getByTestId('socket-score');
    await score.waitFor();
    const clean = parseInt((await score.textContent()) ?? '', 10);
    expect(clean).toBeGreaterThan(80);
    await page.getByRole('button', { name: 'Bad mobile' }).click();
    // Probes go every 2 s; delayed and swallowed ones pull the live score down.
    await page.waitForFunction(
      () =>
        parseInt(document.querySelector('[data-testid="socket-score"]')?.textContent ?? '', 10) <
        75,
      undefined,
      { timeout: 30_000 },
    );
    const impairment = (await (await fetch(`${demo.site}/api/impairment`)).json()) as {
      current: { dropShare: number };
    };
    expect(impairment.current.dropShare).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('stops both servers on Ctrl-C', async () => {
    demo.child.kill('SIGINT');
    expect(await exitOf(demo.child)).toBe(0);
    await expect(fetch(`${demo.beacons}/healthz`)).rejects.toThrow();
    await expect(fetch(`${demo.site}/`)).rejects.toThrow();
  });
});
