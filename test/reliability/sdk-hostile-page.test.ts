/**
 * The script tags on pages that fight them, in real Chromium against a running collector: a page
 * that broke the globals the tags touch gets no error from them (and, where the SDK can still
 * work, its data), and a page whose Content-Security-Policy blocks the collector hears of the
 * SDK's beacons once or twice, not at every retry for the rest of its life.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { scrape, waitForScrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';

/** Page script: `target[property]` becomes a getter (and nothing else) that runs `get`. */
const redefine = (target: string, property: string, get: string) =>
  `Object.defineProperty(${target}, '${property}', { configurable: true, get() { ${get} } });`;

/** Page script: throws an error that names what it stands for. */
const throwHostile = (what: string) => `throw new Error('hostile ${what}');`;

/**
 * What each hostile page does to its globals before the tags run. `works`: the SDK can still
 * record and send there (nothing it needs is broken), so its page view must arrive.
 */
const HOSTILE: Record<string, { script: string; works: boolean }> = {
  'url-undefined': { script: 'window.URL = undefined;', works: true },
  'url-deleted': { script: 'delete window.URL;', works: true },
  'url-throws': { script: `window.URL = function () { ${throwHostile('URL')} };`, works: true },
  'url-proxy': {
    script: `window.URL = new Proxy(function () {}, {
      construct() { ${throwHostile('URL construct')} },
      apply() { ${throwHostile('URL call')} },
      get() { ${throwHostile('URL property')} },
    });`,
    works: true,
  },
  'current-script-throws': {
    script: redefine('Document.prototype', 'currentScript', throwHostile('currentScript')),
    works: false,
  },
  'current-script-odd': {
    script: redefine(
      'Document.prototype',
      'currentScript',
      "return { dataset: { app: 'odd' }, src: 42 };",
    ),
    works: false,
  },
  'dataset-throws': {
    script: redefine('HTMLElement.prototype', 'dataset', throwHostile('dataset')),
    works: false,
  },
  'pulse-getter-throws': {
    script: redefine('window', 'Pulse', throwHostile('Pulse')),
    works: false,
  },
  'pulse-frozen': { script: 'window.Pulse = Object.freeze({});', works: false },
};

/** A page that breaks globals, then loads both tags, then runs a script of its own. */
const hostilePage = (collector: string, variant: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>${variant}</title><link rel="icon" href="data:,">
<script>${HOSTILE[variant]!.script}</script>
<script src="${collector}/pulse.js" data-app="hostile-${variant}"></script>
<script src="${collector}/pulse.socket.js"></script>
<script>window.after = true;</script>
</head><body><h1 style="font-size:48px">Handmade ceramic mug</h1></body></html>`;

/** Every CSP violation the page hears of, recorded before the tag runs. */
interface Violation {
  uri: string;
  directive: string;
}

/**
 * The Content-Security-Policy header of each CSP page (`/csp/<app>`): the page is on another
 * port than the collector, so `'self'` leaves the collector out.
 */
const POLICIES: Record<string, (collector: string) => string> = {
  'csp-blocked': () => "connect-src 'self'",
  'csp-beacon': () => "connect-src 'self'",
  'csp-other': (collector) => `connect-src 'self' ${collector}`,
};

const cspPage = (collector: string, app: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>${app}</title><link rel="icon" href="data:,">
<script>
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (event) =>
    violations.push({ uri: event.blockedURI, directive: event.effectiveDirective }));
</script>
<script src="${collector}/pulse.js" data-app="${app}"></script>
</head><body><h1 style="font-size:48px">Handmade ceramic mug</h1></body></html>`;

type PulseWindow = Window & {
  Pulse: { track(name: string): void; flush(): void; monitorSocket?: unknown; sampled: boolean };
  violations: Violation[];
  after?: boolean;
};

let collector: RunningCollector;
let site: StaticServer;
let browser: Browser;

beforeAll(async () => {
  // Pages are rendered per request, so they can name the collector started after the site.
  site = await serveHtml((path) => {
    const [, kind, name = ''] = path.split('/');
    if (kind === 'hostile' && name in HOSTILE) return hostilePage(collector.url, name);
    if (kind === 'csp' && name in POLICIES) {
      const policy = POLICIES[name]!(collector.url);
      return { body: cspPage(collector.url, name), headers: { 'content-security-policy': policy } };
    }
    return undefined;
  });
  collector = await startCollector({ allowOrigins: [site.url], rateLimit: false });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  await site?.close();
});

/** A new tab on the CSP page `/csp/<app>`, with the console errors it logs. */
async function cspTab(app: string): Promise<{ tab: Page; consoleErrors: string[] }> {
  const tab = await browser.newPage();
  const consoleErrors: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await tab.goto(`${site.url}/csp/${app}`);
  await tab.waitForFunction(() => (window as unknown as PulseWindow).Pulse !== undefined);
  return { tab, consoleErrors };
}

/**
 * A series summed over all its labels. The collector may fold a new app name into `__other__`
 * until enough clients sent it, so these tests count what arrives in total, before and after
 * (one page at a time).
 */
const total = async (series: string) => (await scrape(collector.adminUrl)).value(series);

/** Waits until `series` summed over its labels reaches `atLeast`, and returns it then. */
const totalOnceAt = async (series: string, atLeast: number) =>
  (await waitForScrape(collector.adminUrl, (m) => m.value(series) >= atLeast)).value(series);

const violationsOf = (tab: Page) =>
  tab.evaluate(() => (window as unknown as PulseWindow).violations);

describe('a page that broke the globals the tags use', () => {
  it.each(Object.keys(HOSTILE))(
    '%s: no error from pulse.js or pulse.socket.js',
    async (variant) => {
      const viewsBefore = await total('pulse_page_views_total');
      const tab = await browser.newPage();
      const pageErrors: string[] = [];
      const consoleMessages: string[] = [];
      tab.on('pageerror', (error) => pageErrors.push(error.message));
      tab.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
      await tab.goto(`${site.url}/hostile/${variant}`);
      // The page's own script after the tags ran.
      expect(await tab.evaluate(() => (window as unknown as PulseWindow).after)).toBe(true);
      const { works } = HOSTILE[variant]!;
      if (works) {
        // Both tags did their work: the client is there, with the socket plugin.
        expect(
          await tab.evaluate(() => {
            const { Pulse } = window as unknown as PulseWindow;
            return [Pulse.sampled, typeof Pulse.monitorSocket];
          }),
        ).toEqual([true, 'function']);
      }
      // Leaving the page ends its view: a working SDK sends it.
      await tab.goto('about:blank');
      await tab.close();
      expect(pageErrors).toEqual([]);
      // Not a word in the console either: the tag has no data-debug.
      expect(consoleMessages).toEqual([]);
      if (works)
        expect(await totalOnceAt('pulse_page_views_total', viewsBefore + 1)).toBe(viewsBefore + 1);
    },
  );
});

describe('a Content-Security-Policy whose connect-src leaves out the collector', () => {
  it('ends sending after the first violation: ~5 s of flushes and a hide add none', async () => {
    const beaconsBefore = await total('pulse_beacons_total');
    const { tab, consoleErrors } = await cspTab('csp-blocked');
    // The page view's first event goes out now and is blocked.
    await tab.evaluate(() => (window as unknown as PulseWindow).Pulse.flush());
    await tab.waitForFunction(() => (window as unknown as PulseWindow).violations.length > 0);
    // Long enough for the first retry of a body whose failure beat the violation event (a
    // random wait under 1 s): a request or two may go before the SDK hears, no more.
    await tab.waitForTimeout(1500);
    const first = await violationsOf(tab);
    expect(first.length).toBeGreaterThanOrEqual(1);
    expect(first.length).toBeLessThanOrEqual(2);
    expect(first).toContainEqual({ uri: `${collector.url}/v1/rum`, directive: 'connect-src' });
    const consoleAfterFirst = consoleErrors.length;
    expect(consoleAfterFirst).toBeGreaterThanOrEqual(1);

    // Five seconds of new events, each flushed at once, then a hide (sendBeacon's path): where
    // the SDK kept retrying, each of these would be blocked (and logged) again.
    for (let i = 0; i < 20; i += 1) {
      await tab.evaluate(() => {
        const { Pulse } = window as unknown as PulseWindow;
        Pulse.track('tick');
        Pulse.flush();
      });
      await tab.waitForTimeout(250);
    }
    await tab.evaluate(() => {
      // A hidden page's pagehide sends what waits (a visible page's waits for the
      // visibilitychange that follows it).
      Object.defineProperty(document, 'hidden', { value: true });
      dispatchEvent(new PageTransitionEvent('pagehide'));
    });
    await tab.waitForTimeout(1000);
    expect(await violationsOf(tab)).toEqual(first);
    expect(consoleErrors).toHaveLength(consoleAfterFirst);
    await tab.close();
    // Nothing of this page reached the collector.
    expect(await total('pulse_beacons_total')).toBe(beaconsBefore);
  });

  it('stops as well when the first blocked request was a beacon (sendBeacon said yes)', async () => {
    const { tab } = await cspTab('csp-beacon');
    // Three hides, with new events between: only the first one's beacon is attempted. The
    // page reads as hidden, where pagehide sends what waits.
    await tab.evaluate(() => Object.defineProperty(document, 'hidden', { value: true }));
    for (let i = 0; i < 3; i += 1) {
      await tab.evaluate(() => {
        (window as unknown as PulseWindow).Pulse.track('tick');
        dispatchEvent(new PageTransitionEvent('pagehide'));
      });
      await tab.waitForTimeout(500);
    }
    expect(await violationsOf(tab)).toEqual([
      { uri: `${collector.url}/v1/rum`, directive: 'connect-src' },
    ]);
    await tab.close();
  });

  it('goes on sending when the violation names another origin', async () => {
    const eventsBefore = await total('pulse_custom_events_total');
    const { tab } = await cspTab('csp-other');
    // The page itself is refused elsewhere (port 9: nothing is requested, CSP refuses first).
    await tab.evaluate(() => fetch('http://127.0.0.1:9/elsewhere').catch(() => undefined));
    await tab.waitForFunction(() => (window as unknown as PulseWindow).violations.length > 0);
    await tab.evaluate(() => {
      const { Pulse } = window as unknown as PulseWindow;
      Pulse.track('after-violation');
      Pulse.flush();
    });
    expect(await totalOnceAt('pulse_custom_events_total', eventsBefore + 1)).toBe(eventsBefore + 1);
    expect(await violationsOf(tab)).toEqual([
      { uri: 'http://127.0.0.1:9/elsewhere', directive: 'connect-src' },
    ]);
    await tab.close();
  });
});
