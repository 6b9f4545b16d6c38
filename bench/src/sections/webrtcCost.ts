import type { CDPSession, Page } from 'playwright-core';
import { join } from 'node:path';
import { LOOPBACK_CALL_SCRIPT } from '../../../test/webrtc/lab/loopbackCall.js';
import { launchChromium } from '../chromium.js';
import { fmt, table } from '../markdown.js';
import { startPageServer } from '../page/pageServer.js';
import { SDK_DIST } from '../paths.js';
import type { Section } from '../section.js';

/**
 * One window every 2 s would give 5 windows in 10 s, too few to read a fraction of a millisecond
 * off; the burst polls every 50 ms instead (about 200 windows), the same code path per window.
 */
const BURST_INTERVAL_MS = 50;
const BURST_SECONDS = 10;
const GOAL_MS = 1;

/** What each page does every `ms` during the burst. */
type Poller = 'control' | 'bare' | 'pulse';

/**
 * A page in a loopback call (two RTCPeerConnections with fake audio and 320x240 video) with Pulse
 * by script tag and `/pulse.webrtc.js`. `startPolling(ms)` starts what the page's role polls:
 * nothing (control), a bare `getStats()` of the caller that reads every entry once (what any
 * stats reader pays: Chromium builds each entry's object when it is read), or Pulse's
 * monitor; it counts windows in `window.windows`.
 */
const callPage = (role: Poller) => `<!doctype html>
<html><head><meta charset="utf-8"><title>call</title>
<script src="/pulse.js" data-app="bench" data-collector="/${role}"></script>
<script src="/pulse.webrtc.js"></script>
<script>${LOOPBACK_CALL_SCRIPT}</script>
</head><body><p>call</p><script>
  window.windows = 0;
  startCall((a) => {
    a.addEventListener('connectionstatechange', () => (window.connected = a.connectionState === 'connected'));
    window.caller = a;
  });
  Pulse.onMetric((u) => void (u.k === 'webrtc' && window.windows++));
  window.startPolling = (ms) => {
    if (${JSON.stringify(role)} === 'pulse') {
      window.stopPolling = Pulse.monitorPeerConnection(window.caller, { interval: ms });
    } else if (${JSON.stringify(role)} === 'bare') {
      const timer = setInterval(() => caller.getStats().then((report) => {
        report.forEach(() => {});
        window.windows++;
      }), ms);
      window.stopPolling = () => clearInterval(timer);
    } else {
      const timer = setInterval(() => window.windows++, ms);
      window.stopPolling = () => clearInterval(timer);
    }
  };
</script></body></html>`;

/** Main-thread CPU time (ms) of the page so far: every task, not only script (threadTicks). */
async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
}

async function openPage(page: Page, url: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(url);
  await page.waitForFunction('window.connected === true', undefined, { timeout: 30_000 });
  return cdp;
}

/** Main-thread CPU per getStats() window of Pulse's WebRTC monitor, against a bare poller. */
export const webrtcCostSection: Section = {
  id: 'webrtc',
  title: '8. WebRTC getStats() polling cost',
  async run() {
    const roles: Poller[] = ['control', 'bare', 'pulse'];
    const server = await startPageServer(Object.fromEntries(roles.map((r) => [r, callPage(r)])), {
      '/pulse.js': join(SDK_DIST, 'pulse.js'),
      '/pulse.webrtc.js': join(SDK_DIST, 'pulse.webrtc.js'),
    });
    const browser = await launchChromium({
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    try {
      const pages = new Map<Poller, { page: Page; cdp: CDPSession }>();
      for (const role of roles) {
        const page = await browser.newPage();
        pages.set(role, { page, cdp: await openPage(page, `${server.origin}/${role}.html`) });
      }
      // All three at once, so the machine's load falls on each alike; each page's own thread time.
      const before = new Map<Poller, number>();
      for (const [role, { cdp }] of pages) before.set(role, await taskMs(cdp));
      for (const { page } of pages.values()) {
        await page.evaluate(
          (ms) => (window as unknown as { startPolling(ms: number): void }).startPolling(ms),
          BURST_INTERVAL_MS,
        );
      }
      await pages.get('pulse')!.page.waitForTimeout(BURST_SECONDS * 1000);
      const measured = new Map<Poller, { ms: number; windows: number }>();
      for (const [role, { page, cdp }] of pages) {
        const windows = await page.evaluate(() => {
          const w = window as unknown as { stopPolling(): void; windows: number };
          w.stopPolling();
          return w.windows;
        });
        measured.set(role, { ms: (await taskMs(cdp)) - before.get(role)!, windows });
      }
      const control = measured.get('control')!;
      /** Main-thread ms per window above the control page's (the call itself, and the timer). */
      const perWindow = (role: Poller) => {
        const { ms, windows } = measured.get(role)!;
        return (ms - control.ms) / windows;
      };
      const pulse = perWindow('pulse');
      const bare = perWindow('bare');
      const body = [
        `Three pages in one Chromium, each in its own loopback call (two RTCPeerConnections, fake audio and 320x240 video both ways, \`--use-fake-device-for-media-stream\`), Pulse by script tag with \`/pulse.webrtc.js\`. For ${BURST_SECONDS} s all three poll every ${BURST_INTERVAL_MS} ms: the control page only counts (a timer), the bare page calls the caller's \`getStats()\` (what any stats poller pays, Chromium building the report), the Pulse page runs \`Pulse.monitorPeerConnection(caller, { interval: ${BURST_INTERVAL_MS} })\` (getStats, the window from the deltas, the event queued for the beacon). Main-thread CPU is each page's \`TaskDuration\` (CDP \`Performance.getMetrics\`, threadTicks: every task, not only script) minus the control page's, per window. At the default interval (10 s) a call has 6 windows a minute.`,
        '',
        table(
          ['poller', ' windows', ' main-thread ms', ' per window, ms'],
          [
            ['control (timer only)', fmt(control.windows), fmt(control.ms, 1), ''],
            [
              'bare getStats(), every entry read',
              fmt(measured.get('bare')!.windows),
              fmt(measured.get('bare')!.ms, 1),
              fmt(bare, 3),
            ],
            [
              'Pulse monitorPeerConnection',
              fmt(measured.get('pulse')!.windows),
              fmt(measured.get('pulse')!.ms, 1),
              fmt(pulse, 3),
            ],
          ],
        ),
        '',
        `Pulse per window: ${fmt(pulse, 3)} ms, ${fmt(pulse / bare, 2)}x the bare getStats() poll.`,
      ].join('\n');
      return {
        goals: [
          {
            name: `getStats() polling costs under ${GOAL_MS} ms of main thread per window`,
            met: pulse < GOAL_MS,
            detail: `${fmt(pulse, 3)} ms per window (bare getStats() reading every entry ${fmt(bare, 3)} ms)`,
          },
        ],
        body,
        data: { pulseMsPerWindow: pulse, bareMsPerWindow: bare },
      };
    } finally {
      await browser.close();
      await server.close();
    }
  },
};
