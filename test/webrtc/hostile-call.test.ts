/**
 * The WebRTC monitor on calls that break under it, in real Chromium with fake media against a
 * running collector: a page whose `getStats()` throws or rejects, and a call closed mid-window.
 * The page must hear nothing from Pulse (no error, no console message), the state changes must
 * still reach the collector, and `stop()` after the end must be quiet too.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebRtcEvent } from '@pulse/sdk';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import { LOOPBACK_CALL_SCRIPT } from './lab/loopbackCall.js';

/** What each page does to `getStats()` before the monitor starts. */
const BREAKS: Record<string, string> = {
  'stats-throws': `RTCPeerConnection.prototype.getStats = function () { throw new Error('hostile getStats'); };`,
  'stats-rejects': `RTCPeerConnection.prototype.getStats = function () { return Promise.reject(new Error('hostile getStats')); };`,
  'stats-garbage': `RTCPeerConnection.prototype.getStats = function () { return Promise.resolve({ forEach() { throw new Error('hostile report'); }, get() { return 42; } }); };`,
  'closed-mid-call': '',
};

/**
 * A call whose caller is monitored every 500 ms; once a window has carried `connected`, the caller
 * closes, and `stop()` follows. `window.done` resolves with the windows the page saw.
 */
const page = (collector: string, variant: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>${variant}</title><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="hostile-call-${variant}"></script>
<script src="${collector}/pulse.webrtc.js"></script>
<script>${LOOPBACK_CALL_SCRIPT}</script>
</head><body><script>
  ${BREAKS[variant]}
  const windows = [];
  Pulse.onMetric((u) => u.k === 'webrtc' && windows.push(u));
  const until = async (ready) => {
    for (let i = 0; i < 300 && !ready(); i++) await new Promise((r) => setTimeout(r, 100));
  };
  window.done = (async () => {
    let stop;
    const { a } = await startCall((caller) => {
      stop = Pulse.monitorPeerConnection(caller, { interval: 500 });
    });
    // A window carries the connection (the stats' windows only where getStats works).
    await until(() => windows.some((w) => w.states.includes('connected')));
    a.close();
    await until(() => windows.some((w) => w.states.includes('closed')));
    stop();
    stop();
    Pulse.flush();
    return windows;
  })();
</script></body></html>`;

describe('the WebRTC monitor on calls that break under it (Chromium)', () => {
  let collector: RunningCollector;
  let site: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    collector = await startCollector();
    site = await serveHtml((path) => page(collector.url, path.slice(1)));
    browser = await launchChromium({
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await collector?.close();
  });

  it.each(Object.keys(BREAKS))(
    '%s: no error in the page, and the call’s end is reported',
    async (variant) => {
      const tab = await browser.newPage();
      const heard: string[] = [];
      tab.on('pageerror', (error) => heard.push(error.message));
      tab.on('console', (message) => heard.push(`${message.type()}: ${message.text()}`));
      await tab.goto(`${site.url}/${variant}`);
      const windows = await tab.evaluate(
        () => (window as unknown as { done: Promise<WebRtcEvent[]> }).done,
      );
      await tab.close();
      expect(heard).toEqual([]);
      const states = windows.flatMap((w) => w.states);
      expect(states).toContain('connected');
      expect(states).toContain('closed');
      // With stats, every window but the last ones has the call's media; without, none has.
      expect(windows.some((w) => w.audio !== undefined)).toBe(variant === 'closed-mid-call');
      const metrics = await waitForScrape(
        collector.adminUrl,
        (m) =>
          m.value('pulse_webrtc_state_changes_total', {
            app: `hostile-call-${variant}`,
            state: 'closed',
          }) === 1,
      );
      expect(
        metrics.value('pulse_webrtc_state_changes_total', {
          app: `hostile-call-${variant}`,
          state: 'closed',
        }),
      ).toBe(1);
    },
  );
});
