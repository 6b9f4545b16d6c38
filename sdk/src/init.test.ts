// @vitest-environment happy-dom
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricType } from 'web-vitals';
import type { Beacon, PulseEvent } from './protocol.js';
import type { MetricUpdate, PulseClient, PulseConfig } from './types.js';

/** web-vitals stand-in: the tests call the reporters the SDK registers, and read its options. */
const reporters = vi.hoisted(() => new Map<string, (metric: unknown) => void>());
const reportOptions = vi.hoisted(() => new Map<string, unknown>());
vi.mock('web-vitals', () => {
  const on = (name: string) => (report: (metric: unknown) => void, options: unknown) => {
    reporters.set(name, report);
    reportOptions.set(name, options);
  };
  return {
    onLCP: on('LCP'),
    onINP: on('INP'),
    onCLS: on('CLS'),
    onFCP: on('FCP'),
    onTTFB: on('TTFB'),
  };
});

const { init } = await import('./init.js');

/** A web-vitals report; `soft` makes it one of the soft navigation to that URL, as web-vitals does. */
const vital = (name: string, value: number, entries: unknown[] = [], soft?: string) =>
  reporters.get(name)!({
    name,
    value,
    rating: 'good',
    entries,
    navigationType: soft ? 'soft-navigation' : 'navigate',
    navigationURL: soft ?? 'http://localhost:3000/orders/81723',
  } as unknown as MetricType);

const setVisibility = (state: 'hidden' | 'visible') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  Object.defineProperty(document, 'hidden', { value: state == 'hidden', configurable: true });
  if (state == 'hidden') document.dispatchEvent(new Event('visibilitychange'));
};

/** happy-dom's PageTransitionEvent ignores `persisted` in its init, so set it by hand. */
const pageTransition = (type: 'pageshow' | 'pagehide', persisted: boolean) => {
  const event = new Event(type);
  Object.defineProperty(event, 'persisted', { value: persisted });
  window.dispatchEvent(event);
};

const originalPushState = history.pushState;

describe('init', () => {
  let beacons: Beacon[];
  let client: PulseClient;
  const start = (config: Partial<PulseConfig> = {}) =>
    (client = init({ app: 'shop', release: '1.4.2', collector: 'https://rum.test', ...config }));
  const events = () => beacons.flatMap((beacon) => beacon.events);
  const kinds = () => events().map((event) => event.k);

  beforeEach(() => {
    vi.useFakeTimers();
    sessionStorage.clear();
    reporters.clear();
    beacons = [];
    history.replaceState(null, '', '/orders/81723?coupon=secret#top');
    setVisibility('visible');
    const collect = (body: string) => beacons.push(JSON.parse(body) as Beacon);
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, { body }: { body: string }) => {
        collect(body);
        return new Response(null, { status: 204 });
      }),
    );
    Object.defineProperty(navigator, 'sendBeacon', {
      configurable: true,
      value: vi.fn((_url: string, body: string) => (collect(body), true)),
    });
  });

  afterEach(() => {
    client?.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('starts a page view with its context; no query, fragment or id leaves the page', async () => {
    start();
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons).toHaveLength(1);
    const beacon = beacons[0]!;
    expect(beacon).toMatchObject({
      v: 2,
      app: 'shop',
      release: '1.4.2',
      route: '/orders/:id',
      nav: 'navigate',
      device: 'desktop',
      events: [{ k: 'view' }],
    });
    expect(['chromium', 'firefox', 'webkit', 'other']).toContain(beacon.engine);
    expect(beacon.session).toMatch(/^[a-z0-9]+$/);
    expect(beacon.page).toMatch(/^[a-z0-9]+$/);
    expect(JSON.stringify(beacon)).not.toMatch(/coupon|secret|#top|81723/);
    expect(vi.mocked(fetch).mock.calls[0]![0]).toBe('https://rum.test/v1/rum');
  });

  it('sends one page event per page view with the final vitals, at the first hide', async () => {
    start();
    vital('LCP', 1200);
    vital('LCP', 2100.5);
    vital('CLS', 0.05);
    vital('CLS', 0.12);
    vital('INP', 180);
    setVisibility('hidden');
    window.dispatchEvent(new Event('pagehide'));
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    const pages = events().filter((event) => event.k == 'page');
    expect(pages).toEqual([
      {
        k: 'page',
        vitals: {
          LCP: { value: 2100.5, rating: 'good' },
          CLS: { value: 0.12, rating: 'good' },
          INP: { value: 180, rating: 'good' },
        },
        // happy-dom has no Long Tasks API, like Firefox and WebKit: no TBT rather than a 0.
      },
    ]);
    // Sent while hiding: by beacon.
    expect(navigator.sendBeacon).toHaveBeenCalledTimes(1);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('waits for the hide after a pagehide while visible (Chromium order) for the final INP', async () => {
    start();
    vital('INP', 180);
    // Chromium on close or navigation: pagehide while still visible, then visibilitychange,
    // where web-vitals reports its final INP before Pulse's listener runs.
    window.dispatchEvent(new Event('pagehide'));
    vital('INP', 312);
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    const pages = events().filter((event) => event.k == 'page');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ vitals: { INP: { value: 312 } } });
  });

  it('sends nothing at a pagehide while visible, and what waits at a pagehide while hidden', async () => {
    start();
    client.track('before-close');
    // A visible page closed: pagehide first, then (same task) the visibilitychange to hidden.
    window.dispatchEvent(new Event('pagehide'));
    expect(navigator.sendBeacon).not.toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
    setVisibility('hidden');
    expect(navigator.sendBeacon).toHaveBeenCalledTimes(1);
    expect(kinds()).toEqual(['view', 'event', 'page']);
    // A page already hidden (a background tab closed): no visibilitychange follows the pagehide,
    // which sends what was recorded since the hide.
    client.track('while-hidden');
    window.dispatchEvent(new Event('pagehide'));
    expect(navigator.sendBeacon).toHaveBeenCalledTimes(2);
    expect(kinds().slice(3)).toEqual(['event']);
  });

  it('a hide handler cut short in a page listener leaves its page event to one later flush', async () => {
    start();
    let spin = true;
    client.onMetric((update) => {
      // The page's own listener, where the browser ends the handler at unload.
      if (update.k == 'page' && spin) for (;;);
    });
    // Terminated as a browser ends a handler (no catch or finally runs), not thrown out of.
    expect(() =>
      runInNewContext('hide()', { hide: () => setVisibility('hidden') }, { timeout: 200 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' }));
    spin = false;
    expect(beacons).toHaveLength(0);
    // The page lives on: shown and hidden again, its page event goes once.
    setVisibility('visible');
    setVisibility('hidden');
    await vi.runAllTimersAsync();
    expect(kinds()).toEqual(['view', 'page']);
  });

  it('a hide handler cut short right after its beacon was handed over sends it no second time', async () => {
    start();
    const handOver = vi.mocked(navigator.sendBeacon).getMockImplementation()!;
    vi.mocked(navigator.sendBeacon).mockImplementationOnce((url, body) => {
      handOver(url as string, body as string);
      for (;;);
    });
    expect(() =>
      runInNewContext('hide()', { hide: () => setVisibility('hidden') }, { timeout: 200 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' }));
    expect(kinds()).toEqual(['view', 'page']);
    setVisibility('visible');
    setVisibility('hidden');
    window.dispatchEvent(new Event('pagehide'));
    await vi.runAllTimersAsync();
    expect(kinds()).toEqual(['view', 'page']);
  });

  it('derives compact attribution from the metric entries', async () => {
    document.body.innerHTML =
      '<div id="hero"><img class="banner"></div><button class="buy">Buy</button><p class="note"></p>';
    const [img, button, note] = ['img', 'button', 'p'].map((tag) => document.querySelector(tag));
    start();
    vital('LCP', 900, [{ element: img }]);
    vital('INP', 240, [{ name: 'pointerdown', target: button, interactionId: 7 }]);
    vital('CLS', 0.2, [
      { value: 0.05, sources: [{ node: button }] },
      { value: 0.15, sources: [{ node: null }, { node: note }] },
    ]);
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    const page = events().find((event) => event.k == 'page');
    expect(page).toMatchObject({
      vitals: {
        LCP: { target: 'img.banner' },
        INP: { target: 'button.buy', type: 'pointerdown' },
        CLS: { target: 'p.note' },
      },
    });
  });

  it('gives onMetric listeners live vital updates and every recorded event', () => {
    start();
    const updates: MetricUpdate[] = [];
    const unsubscribe = client.onMetric((update) => updates.push(update));
    vital('LCP', 1000);
    client.track('checkout', 2);
    unsubscribe();
    client.track('checkout');
    expect(updates).toEqual([
      { k: 'vital', name: 'LCP', value: 1000, rating: 'good', target: undefined, type: undefined },
      { k: 'event', name: 'checkout', value: 2 },
    ]);
  });

  it('a listener that throws does not stop recording', async () => {
    start();
    client.onMetric(() => {
      throw new Error('listener bug');
    });
    expect(() => client.track('signup')).not.toThrow();
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds()).toEqual(['view', 'event']);
  });

  it('ends the page view and starts a soft one on an SPA route change', async () => {
    start();
    const first = (client.flush(), await vi.advanceTimersByTimeAsync(0), beacons[0]!.page);
    history.replaceState({ scroll: 1 }, '', '/orders/81723'); // same route: nothing happens
    history.pushState(null, '', '/orders/99?tab=2');
    await vi.advanceTimersByTimeAsync(0);
    history.pushState(null, '', '/products/7');
    await vi.advanceTimersByTimeAsync(0);
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons.map(({ route, nav, events }) => [route, nav, events.map((e) => e.k)])).toEqual([
      ['/orders/:id', 'navigate', ['view']],
      ['/orders/:id', 'navigate', ['page']],
      ['/products/:id', 'soft', ['view']],
    ]);
    expect(beacons[2]!.page).not.toBe(first);
  });

  it('follows popstate and, in hash mode, hashchange', async () => {
    start({ route: 'hash' });
    location.hash = '#/cart';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await vi.advanceTimersByTimeAsync(0);
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons.at(-1)).toMatchObject({ route: '/cart', nav: 'soft' });
  });

  it('setRoute reports the template and takes over from the history API', async () => {
    start();
    client.setRoute('/orders/:orderId');
    history.pushState(null, '', '/somewhere/else');
    await vi.advanceTimersByTimeAsync(0);
    client.setRoute('/orders/:orderId');
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons.map(({ route, nav }) => [route, nav])).toEqual([
      ['/orders/:id', 'navigate'],
      ['/orders/:orderId', 'soft'],
    ]);
  });

  it('starts a back-forward-cache page view on a bfcache restore', async () => {
    start();
    setVisibility('hidden');
    pageTransition('pagehide', true);
    setVisibility('visible');
    pageTransition('pageshow', true);
    vital('TTFB', 0);
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons.map(({ nav, events }) => [nav, events.map((e) => e.k)])).toEqual([
      ['navigate', ['view', 'page']],
      ['back-forward-cache', ['view', 'page']],
    ]);
    expect(beacons[1]!.events[1]).toMatchObject({ vitals: { TTFB: { value: 0 } } });
    expect(beacons[0]!.page).not.toBe(beacons[1]!.page);
  });

  it('counts uncaught errors and rejections by fingerprint, without messages by default', async () => {
    start();
    window.dispatchEvent(new ErrorEvent('error', { error: new TypeError('x is undefined') }));
    const rejection = new Event('unhandledrejection') as PromiseRejectionEvent;
    Object.defineProperty(rejection, 'reason', { value: new Error('fetch failed') });
    window.dispatchEvent(rejection);
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    const errors = events().filter((event) => event.k == 'error');
    expect(errors.map((error) => error.k == 'error' && error.kind)).toEqual(['error', 'rejection']);
    expect(errors.every((error) => 'fp' in error && !('msg' in error))).toBe(true);
  });

  it('sends messages only when configured, and caps a repeating error per page view', async () => {
    start({ captureErrorMessages: true });
    for (let n = 0; n < 50; n++)
      client.record({ k: 'error', kind: 'react', fp: 'abc', msg: 'loop' });
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    const errors = events().filter((event) => event.k == 'error');
    expect(errors).toHaveLength(10);
    expect(errors[0]).toEqual({ k: 'error', kind: 'react', fp: 'abc', msg: 'loop' });
  });

  it('records custom events and timings, ignoring values the collector would refuse', async () => {
    start();
    client.track('checkout');
    client.track('revenue', 42.5);
    client.track('bad', NaN);
    client.track('bad', -1);
    client.time('search', 120);
    client.time('bad', Infinity);
    client.time('bad', -5);
    client.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(events().slice(1)).toEqual([
      { k: 'event', name: 'checkout' },
      { k: 'event', name: 'revenue', value: 42.5 },
      { k: 'timing', name: 'search', d: 120 },
    ] satisfies PulseEvent[]);
  });

  it('stop() ends the page view, sends it, and leaves no timer, listener or wrapper behind', async () => {
    start();
    client.track('a');
    expect(history.pushState).not.toBe(originalPushState);
    client.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds()).toEqual(['view', 'event', 'page']);
    expect(vi.getTimerCount()).toBe(0);
    expect(history.pushState).toBe(originalPushState);
    const sent = beacons.length;
    // Nothing after stop is recorded: no listener, no late web-vitals report, no API call.
    window.dispatchEvent(new ErrorEvent('error', { error: new Error('late') }));
    setVisibility('hidden');
    vital('CLS', 0.3);
    client.track('b');
    client.flush();
    await vi.runAllTimersAsync();
    expect(beacons).toHaveLength(sent);
  });

  describe("when the page's Content-Security-Policy blocks the collector", () => {
    /** What the browser fires at the document once connect-src refused `blockedURI`. */
    const violate = (blockedURI: string, effectiveDirective = 'connect-src') =>
      document.dispatchEvent(
        Object.assign(new Event('securitypolicyviolation'), { blockedURI, effectiveDirective }),
      );
    const attempts = () =>
      vi.mocked(fetch).mock.calls.length + vi.mocked(navigator.sendBeacon).mock.calls.length;

    it("sends nothing more for the page's life: no retry, no flush, no beacon at hide", async () => {
      vi.mocked(fetch).mockRejectedValue(new TypeError('Failed to fetch'));
      start();
      client.flush();
      await vi.advanceTimersByTimeAsync(0);
      expect(attempts()).toBe(1);
      violate('https://rum.test/v1/rum');
      for (let i = 0; i < 10; i += 1) {
        client.track('tick');
        client.flush();
        await vi.advanceTimersByTimeAsync(10_000);
      }
      setVisibility('hidden');
      window.dispatchEvent(new Event('pagehide'));
      await vi.runAllTimersAsync();
      expect(attempts()).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
      // Recording goes on for the page's own listeners.
      const listener = vi.fn();
      client.onMetric(listener);
      client.track('live');
      expect(listener).toHaveBeenCalledWith({ k: 'event', name: 'live' });
    });

    it('says so once with debug on, and never without', async () => {
      const info = vi.spyOn(console, 'info').mockImplementation(() => {});
      start();
      violate('https://rum.test');
      violate('https://rum.test/v1/rum');
      expect(info).not.toHaveBeenCalled();
      client.stop();
      start({ debug: true });
      violate('https://rum.test/v1/rum');
      violate('https://rum.test/v1/rum');
      expect(info).toHaveBeenCalledTimes(1);
      expect(info.mock.calls[0]!.join(' ')).toBe(
        '[pulse] CSP blocks https://rum.test/v1/rum - sending stops',
      );
    });

    it('goes on sending after violations that are not about the collector', async () => {
      start();
      violate('https://cdn.example.com/lib.js', 'script-src-elem');
      violate('https://api.example.com/v2/cart');
      violate('https://rum.test/v1/rum', 'img-src');
      client.track('checkout');
      client.flush();
      await vi.advanceTimersByTimeAsync(0);
      expect(kinds()).toEqual(['view', 'event']);
    });

    it('listens no more after stop()', () => {
      const add = vi.spyOn(document, 'addEventListener');
      start();
      const [, , options] = add.mock.calls.find(([type]) => type == 'securitypolicyviolation')!;
      const { signal } = options as AddEventListenerOptions;
      expect(signal!.aborted).toBe(false);
      client.stop();
      expect(signal!.aborted).toBe(true);
    });
  });

  it('an unsampled session gets an inert client that records and sends nothing', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    start({ sampleRate: 0.5 });
    expect(client.sampled).toBe(false);
    expect(history.pushState).toBe(originalPushState);
    const listener = vi.fn();
    client.onMetric(listener);
    client.track('x');
    client.emit({ k: 'view' });
    client.setRoute('/elsewhere');
    client.flush();
    setVisibility('hidden');
    await vi.runAllTimersAsync();
    expect(beacons).toHaveLength(0);
    expect(listener).not.toHaveBeenCalled();
    expect(reporters.size).toBe(0);
  });

  it('sends the total blocking time of long tasks where the browser has the Long Tasks API', async () => {
    const observers: ((list: { getEntries(): unknown[] }) => void)[] = [];
    vi.stubGlobal(
      'PerformanceObserver',
      class {
        static supportedEntryTypes = ['longtask', 'long-animation-frame'];
        constructor(callback: (list: { getEntries(): unknown[] }) => void) {
          observers.push(callback);
        }
        observe() {}
        disconnect() {}
      },
    );
    start();
    const longTasks = (...durations: number[]) =>
      observers.forEach((callback) =>
        callback({
          getEntries: () => durations.map((duration) => ({ entryType: 'longtask', duration })),
        }),
      );
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    // A page view without a long task blocked nothing: a measured 0.
    expect(events().find((event) => event.k == 'page')).toMatchObject({ tbt: 0 });

    setVisibility('visible');
    pageTransition('pageshow', true);
    longTasks(180.4, 40, 75);
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    const pages = events().filter((event) => event.k == 'page');
    expect(pages.at(-1)).toMatchObject({ tbt: 130 + 25 });
  });

  describe('soft navigations', () => {
    /** Each page event's route and vital values, in the order the views ended. */
    const pageVitals = () =>
      beacons.flatMap(({ route, events }) =>
        events.flatMap((event) =>
          event.k == 'page'
            ? [
                [
                  route,
                  Object.fromEntries(Object.entries(event.vitals).map(([n, v]) => [n, v.value])),
                ],
              ]
            : [],
        ),
      );
    const navigate = async (path: string) => {
      history.pushState(null, '', path);
      await vi.advanceTimersByTimeAsync(0);
      return location.href;
    };

    it('asks web-vitals for soft navigations in LCP, FCP, INP and CLS, never TTFB', () => {
      start();
      for (const name of ['LCP', 'FCP', 'INP', 'CLS'])
        expect(reportOptions.get(name)).toMatchObject({ reportSoftNavs: true });
      expect(reportOptions.get('TTFB')).toMatchObject({ reportSoftNavs: false });
    });

    describe('with the Soft Navigation API (Chromium)', () => {
      beforeEach(() => {
        vi.stubGlobal(
          'PerformanceObserver',
          class {
            static supportedEntryTypes = ['soft-navigation', 'largest-contentful-paint'];
            observe() {}
            disconnect() {}
          },
        );
        vi.stubGlobal(
          'PerformanceSoftNavigation',
          class {
            getLargestInteractionContentfulPaint() {}
          },
        );
      });

      it("gives each soft page view its own LCP, FCP and INP, never the previous view's", async () => {
        start();
        vital('FCP', 800);
        vital('LCP', 1200);
        vital('INP', 90);
        const products = await navigate('/products/7');
        // The document's last values, reported after the route change: the first view has
        // ended, and they are not the soft view's.
        vital('INP', 350);
        vital('CLS', 0.3);
        vital('FCP', 120, [], products);
        vital('LCP', 140, [], products);
        vital('LCP', 260, [], products);
        vital('INP', 64, [], products);
        const cart = await navigate('/cart');
        // The products view's soft navigation, still reporting after the next route change.
        vital('INP', 480, [], products);
        vital('LCP', 90, [], cart);
        vital('FCP', 70, [], cart);
        setVisibility('hidden');
        await vi.advanceTimersByTimeAsync(0);
        expect(pageVitals()).toEqual([
          ['/orders/:id', { FCP: 800, LCP: 1200, INP: 90 }],
          ['/products/:id', { FCP: 120, LCP: 260, INP: 64 }],
          ['/cart', { LCP: 90, FCP: 70 }],
        ]);
      });

      it("live listeners see the current view's values only", async () => {
        start();
        const values: number[] = [];
        client.onMetric((update) => update.k == 'vital' && values.push(update.value));
        vital('LCP', 1200);
        const products = await navigate('/products/7');
        vital('INP', 350);
        vital('LCP', 140, [], products);
        expect(values).toEqual([1200, 140]);
      });

      it('a soft view the browser saw no soft navigation for gets no vitals, so no score', async () => {
        start();
        // A route set by the app without a history change: Chromium's heuristics need a URL
        // change (after an interaction, with a paint), so web-vitals goes on with the document.
        client.setRoute('/checkout');
        vital('INP', 350);
        vital('CLS', 0.3);
        setVisibility('hidden');
        await vi.advanceTimersByTimeAsync(0);
        expect(pageVitals()).toEqual([
          ['/orders/:id', {}],
          ['/checkout', {}],
        ]);
      });

      it("the document's reports go to a view restored from the back/forward cache", async () => {
        start();
        const products = await navigate('/products/7');
        vital('LCP', 140, [], products);
        setVisibility('hidden');
        pageTransition('pagehide', true);
        setVisibility('visible');
        pageTransition('pageshow', true);
        // web-vitals' values after a restore are of type back-forward-cache: not soft.
        vital('FCP', 16);
        setVisibility('hidden');
        await vi.advanceTimersByTimeAsync(0);
        expect(pageVitals()).toEqual([
          ['/orders/:id', {}],
          ['/products/:id', { LCP: 140 }],
          ['/products/:id', { FCP: 16 }],
        ]);
      });
    });

    it("without the API a soft view takes the document's reports, as before", async () => {
      start();
      vital('LCP', 1200);
      await navigate('/products/7');
      vital('INP', 350);
      vital('CLS', 0.3);
      setVisibility('hidden');
      await vi.advanceTimersByTimeAsync(0);
      expect(pageVitals()).toEqual([
        ['/orders/:id', { LCP: 1200 }],
        ['/products/:id', { INP: 350, CLS: 0.3 }],
      ]);
    });
  });

  it('works where PerformanceObserver, sessionStorage and sendBeacon are missing', async () => {
    vi.stubGlobal('PerformanceObserver', undefined);
    vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: undefined });
    expect(() => start()).not.toThrow();
    expect(client.sampled).toBe(true);
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds()).toEqual(['view', 'page']);
    expect(vi.mocked(fetch).mock.calls[0]![1]).toMatchObject({ keepalive: true });
  });

  it('never throws from its methods, whatever they are given', () => {
    start();
    expect(() => client.setRoute(undefined as unknown as string)).not.toThrow();
    const circular: Record<string, unknown> = { k: 'event', name: 'x' };
    circular.self = circular;
    expect(() => client.record(circular as unknown as PulseEvent)).not.toThrow();
  });
  describe("with consent: 'pending'", () => {
    const storageWrites = () => Object.keys(sessionStorage);
    const requests = () =>
      vi.mocked(fetch).mock.calls.length + vi.mocked(navigator.sendBeacon).mock.calls.length;
    /** A page view that records, flushes on its timer and hides, all while consent is pending. */
    const visitBeforeConsent = async () => {
      client.track('before-consent');
      client.flush();
      await vi.advanceTimersByTimeAsync(120_000);
      setVisibility('hidden');
      window.dispatchEvent(new Event('pagehide'));
      await vi.advanceTimersByTimeAsync(120_000);
    };

    it('stores nothing and sends nothing, then on consent(true) sends what was held under the tab session', async () => {
      start({ consent: 'pending' });
      expect(client.sampled).toBe(true);
      await visitBeforeConsent();
      expect(requests()).toBe(0);
      expect(storageWrites()).toEqual([]);
      client.consent(true);
      await vi.runAllTimersAsync();
      expect(kinds()).toEqual(['view', 'event', 'page']);
      // The session of every beacon is the tab session, stored now, and no stand-in.
      const stored = sessionStorage.getItem('pulse.s')!;
      expect(stored).toMatch(/^[a-z0-9]+1$/);
      expect(new Set(beacons.map((beacon) => beacon.session))).toEqual(
        new Set([stored.slice(0, -1)]),
      );
      // Then it records and sends as usual.
      setVisibility('visible');
      client.track('after-consent');
      client.flush();
      await vi.advanceTimersByTimeAsync(0);
      expect(kinds().at(-1)).toBe('event');
      expect(beacons.at(-1)!.session).toBe(stored.slice(0, -1));
    });

    it('takes the session a consented earlier page of the tab stored', async () => {
      sessionStorage.setItem('pulse.s', 'earlier1');
      start({ consent: 'pending' });
      client.consent();
      client.flush();
      await vi.runAllTimersAsync();
      expect(beacons.map((beacon) => beacon.session)).toEqual(['earlier']);
    });

    it('consent(false) drops what was held and sends nothing, ever', async () => {
      start({ consent: 'pending' });
      await visitBeforeConsent();
      client.consent(false);
      client.consent(true);
      client.track('after-refusal');
      client.flush();
      setVisibility('hidden');
      await vi.runAllTimersAsync();
      expect(requests()).toBe(0);
      expect(storageWrites()).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('consent(false) after consent(true) stops sending', async () => {
      start({ consent: 'pending' });
      client.consent(true);
      await vi.runAllTimersAsync();
      const sent = requests();
      expect(sent).toBe(1);
      expect(storageWrites()).toEqual(['pulse.s']);
      client.consent(false);
      client.track('after-withdrawal');
      setVisibility('hidden');
      await vi.runAllTimersAsync();
      expect(requests()).toBe(sent);
      // Withdrawn: the tab session id is gone from storage, not kept until the tab closes.
      expect(storageWrites()).toEqual([]);
    });

    it('consent(false) where storage is blocked still stops sending, and throws nothing', async () => {
      start({ consent: 'pending' });
      client.consent(true);
      await vi.runAllTimersAsync();
      const sent = requests();
      vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(() => {
        throw new DOMException('blocked', 'SecurityError');
      });
      expect(() => client.consent(false)).not.toThrow();
      client.track('after-withdrawal');
      setVisibility('hidden');
      await vi.runAllTimersAsync();
      expect(requests()).toBe(sent);
    });

    it('consent(false) in a client started with consent granted removes its tab session too', async () => {
      start({});
      expect(storageWrites()).toEqual(['pulse.s']);
      client.consent(false);
      client.track('after-withdrawal');
      setVisibility('hidden');
      await vi.runAllTimersAsync();
      expect(storageWrites()).toEqual([]);
      expect(requests()).toBe(0);
    });

    it('sends nothing after consent(true) in a session that is not sampled', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.9);
      start({ consent: 'pending', sampleRate: 0.5 });
      client.track('held');
      client.consent(true);
      setVisibility('hidden');
      await vi.runAllTimersAsync();
      expect(requests()).toBe(0);
      expect(sessionStorage.getItem('pulse.s')).toMatch(/0$/);
    });

    it("waits as 'pending' does for any value but 'granted', and does not wait for 'granted'", async () => {
      start({ consent: 'yes please' as 'pending' });
      client.flush();
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(requests()).toBe(0);
      // Held, not retried: no timer fires within the hour.
      expect(vi.getTimerCount()).toBe(1);
      client.stop();
      start({ consent: 'granted' });
      client.flush();
      await vi.runAllTimersAsync();
      expect(requests()).toBe(1);
      // Without a pending consent, consent() changes nothing.
      client.consent(true);
      client.track('x');
      client.flush();
      await vi.runAllTimersAsync();
      expect(requests()).toBe(2);
    });
  });

  describe('without an app', () => {
    for (const app of [undefined, '']) {
      it(`(${JSON.stringify(app)}) warns once, debug or not, and stays inert`, async () => {
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
        start({ app: app as string });
        expect(client.sampled).toBe(false);
        expect(warn.mock.calls.map((call) => call.join(' '))).toEqual([
          '[pulse] not started: no app',
        ]);
        client.track('x');
        client.consent(true);
        setVisibility('hidden');
        await vi.runAllTimersAsync();
        expect(beacons).toHaveLength(0);
        expect(Object.keys(sessionStorage)).toEqual([]);
      });
    }

    it('an app named, whatever the name, starts without a word', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      start({ app: 'my shop' });
      expect(client.sampled).toBe(true);
      expect(warn).not.toHaveBeenCalled();
    });
  });

  describe("the collector's refusals, with debug on", () => {
    const refuse = (reason: string, message: string, status = 400) =>
      vi
        .mocked(fetch)
        .mockResolvedValueOnce(
          Response.json({ error: 'Bad Request', reason, message }, { status }),
        );

    it('are explained once per reason', async () => {
      const info = vi.spyOn(console, 'info').mockImplementation(() => {});
      start({ debug: true });
      refuse('schema', "body/app: Expected string to match '^[A-Za-z0-9]'");
      refuse('schema', "body/app: Expected string to match '^[A-Za-z0-9]'");
      refuse('key', 'missing or wrong ingest key', 401);
      refuse('key', 'missing or wrong ingest key', 401);
      for (let i = 0; i < 4; i += 1) {
        client.track('x');
        client.flush();
        await vi.advanceTimersByTimeAsync(0);
      }
      await vi.runAllTimersAsync();
      expect(info.mock.calls.map((call) => call.join(' '))).toEqual([
        "[pulse] beacon refused: schema body/app: Expected string to match '^[A-Za-z0-9]'",
        '[pulse] beacon refused: key missing or wrong ingest key',
      ]);
    });

    it('are not read without debug, and a body that is not the JSON answer is logged, not thrown', async () => {
      const info = vi.spyOn(console, 'info').mockImplementation(() => {});
      start();
      refuse('schema', 'no');
      client.flush();
      await vi.runAllTimersAsync();
      expect(info).not.toHaveBeenCalled();
      client.stop();
      start({ debug: true });
      vi.mocked(fetch).mockResolvedValueOnce(
        new Response('<html>Forbidden</html>', { status: 403 }),
      );
      client.flush();
      await vi.runAllTimersAsync();
      expect(info).toHaveBeenCalledTimes(1);
      expect(info.mock.calls[0]![1]).toBeInstanceOf(SyntaxError);
    });
  });
});
