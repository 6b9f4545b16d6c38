/**
 * The SDK's diagnosis in real Chromium: a page whose LCP is a late image and whose one click runs
 * a ~300 ms handler sends LCP and INP phases that add up to their values, and long animation
 * frames that name the scripts that blocked them, without their queries. The page, /pulse.js and
 * the beacon endpoint share one small server, so only the built SDK is under test.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Beacon, LongTaskEvent, PageEvent } from '@pulse/sdk/protocol';
import { launchChromium } from '../helpers/browser.js';
import { BUSY_SCRIPT } from '../fixtures/page-scripts.js';
import { noisePng } from '../fixtures/png.js';

const PULSE_JS = readFileSync(
  fileURLToPath(new URL('../../sdk/dist/pulse.js', import.meta.url)),
  'utf8',
);
/** The hero image arrives this late, so LCP's load duration shows it. */
const IMAGE_DELAY_MS = 600;
const SLOW_HANDLER_MS = 300;
const SLOW_SCRIPT_MS = 150;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Pulse diagnosis</title><link rel="icon" href="data:,">
<script src="/pulse.js" data-app="diagnosis" defer></script>
</head><body>
<p>Handmade mugs</p>
<button id="buy" style="font-size:20px">Add to basket</button>
<div id="hero"></div>
<script>
  ${BUSY_SCRIPT}
  // Requested late, so LCP has a load delay as well as a load duration.
  setTimeout(() => {
    const img = new Image(600, 400);
    img.src = '/hero.png';
    document.getElementById('hero').append(img);
  }, 200);
  document.getElementById('buy').addEventListener('click', () => busy(${SLOW_HANDLER_MS}));
</script>
<script src="/slow.js?token=s3cret&email=a@b.c#frag"></script>
</body></html>`;

describe('LCP and INP phases, blocking scripts (built /pulse.js in Chromium)', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  const beacons: Beacon[] = [];
  const pageErrors: string[] = [];
  let page: PageEvent;
  let frames: LongTaskEvent[];

  beforeAll(async () => {
    const hero = noisePng(600, 400);
    server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method === 'POST' && path === '/v1/rum') {
        let body = '';
        request.on('data', (part: Buffer) => (body += part.toString()));
        request.on('end', () => {
          beacons.push(JSON.parse(body) as Beacon);
          response.writeHead(204).end();
        });
        return;
      }
      const send = (type: string, body: string | Buffer) =>
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      if (path === '/') send('text/html; charset=utf-8', PAGE);
      else if (path === '/pulse.js') send('text/javascript', PULSE_JS);
      else if (path === '/slow.js') send('text/javascript', `busy(${SLOW_SCRIPT_MS});`);
      else if (path === '/hero.png') setTimeout(() => send('image/png', hero), IMAGE_DELAY_MS);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await launchChromium();
    const tab = await browser.newPage();
    tab.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    tab.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await tab.goto(`${origin}/?ref=mail#top`);
    await tab.waitForFunction(
      () => (document.querySelector('#hero img') as HTMLImageElement)?.complete,
    );
    await tab.waitForTimeout(300);
    await tab.click('#buy');
    // Let the click's event-timing and frame entries be delivered before the page is left.
    await tab.waitForTimeout(500);
    // Leaving hides the page: its page view ends and its final values are sent by beacon.
    await tab.goto('about:blank');
    const events = async () => {
      for (let i = 0; i < 100 && !beacons.some((b) => b.events.some((e) => e.k === 'page')); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return beacons.flatMap((beacon) => beacon.events);
    };
    const all = await events();
    page = all.find((event): event is PageEvent => event.k === 'page')!;
    frames = all.filter(
      (event): event is LongTaskEvent => event.k === 'long' && event.kind === 'loaf',
    );
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const sum = (parts: number[]) => parts.reduce((total, part) => total + part);

  it('splits the late image LCP into 4 phases that add up to it', () => {
    const lcp = page.vitals.LCP!;
    expect(lcp.target).toBe('img');
    expect(lcp.ph).toHaveLength(4);
    expect(sum(lcp.ph!)).toBe(lcp.value);
    const [ttfb, loadDelay, loadDuration, renderDelay] = lcp.ph!;
    for (const part of lcp.ph!) expect(part).toBeGreaterThanOrEqual(0);
    expect(ttfb).toBeLessThan(loadDelay!);
    expect(loadDelay).toBeGreaterThanOrEqual(150);
    expect(loadDuration).toBeGreaterThanOrEqual(IMAGE_DELAY_MS - 50);
    expect(renderDelay).toBeLessThan(loadDuration!);
  });

  it('splits INP into 3 phases that add up to it, processing the largest', () => {
    const inp = page.vitals.INP!;
    expect(inp.value).toBeGreaterThanOrEqual(SLOW_HANDLER_MS);
    expect(inp.ph).toHaveLength(3);
    expect(sum(inp.ph!)).toBe(inp.value);
    const [inputDelay, processing, presentation] = inp.ph!;
    expect(processing).toBeGreaterThanOrEqual(SLOW_HANDLER_MS - 10);
    expect(processing).toBeGreaterThan(inputDelay! + presentation!);
  });

  it('names the scripts that made frames long, without their queries', () => {
    const scripts = frames.flatMap((frame) => frame.s ?? []);
    expect(scripts).toContainEqual({
      u: `${origin}/slow.js`,
      i: 'classic-script',
      d: expect.any(Number),
    });
    expect(scripts).toContainEqual({ u: 'inline', i: 'event-listener', d: expect.any(Number) });
    const handler = scripts.find((script) => script.i === 'event-listener')!;
    expect(handler.d).toBeGreaterThanOrEqual(SLOW_HANDLER_MS - 10);
    for (const frame of frames) expect(frame.s?.length ?? 0).toBeLessThanOrEqual(3);
    const sent = JSON.stringify(beacons);
    for (const secret of ['s3cret', 'a@b.c', 'frag', 'ref=mail'])
      expect(sent).not.toContain(secret);
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
