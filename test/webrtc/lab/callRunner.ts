/**
 * Runs one call inside the test's network namespace (test/webrtc/accuracy.test.ts starts it with
 * `ip netns exec`): the collector, the page server and Chromium all live there, so the call's
 * UDP crosses the namespace's loopback and its impairment, and nothing else on the machine does.
 *
 * Talks JSON lines: on stdout `{t:'ready'}`, then every window and connection state change of
 * the page as it happens, then `{t:'done', metrics}` (the collector's /metrics once every window
 * recorded has arrived); on stdin, `finish` stops the monitor and ends the call.
 * Argument: `{ app, interval }` as JSON.
 */
import { createInterface } from 'node:readline';
import { launchChromium } from '../../helpers/browser.js';
import { startCollector } from '../../helpers/collector.js';
import { waitForScrape } from '../../helpers/metrics.js';
import { serveHtml } from '../../helpers/static-server.js';
import { callPage } from './callPage.js';

const { app, interval } = JSON.parse(process.argv[2] ?? '{}') as { app: string; interval: number };
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const collector = await startCollector({ rateLimit: false });
const site = await serveHtml(() => callPage(app, collector.url, interval));
const browser = await launchChromium({
  args: [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    // Host candidates as plain addresses: the namespace has no multicast DNS to resolve `.local` names.
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => say({ t: 'error', message: error.message }));
  await page.exposeFunction('report', say);
  await page.goto(site.url);
  say({ t: 'ready' });
  for await (const command of createInterface({ input: process.stdin })) {
    if (command === 'finish') break;
  }
  const windows = await page.evaluate(() =>
    (window as unknown as { finish(): Promise<number> }).finish(),
  );
  const metrics = await waitForScrape(
    collector.adminUrl,
    (m) => m.value('pulse_events_total', { kind: 'webrtc' }) >= windows,
    30_000,
  );
  say({ t: 'done', windows, metrics: metrics.text });
} finally {
  await browser.close();
  await site.close();
  await collector.close();
}
