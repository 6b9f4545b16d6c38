/**
 * Beacon traffic for the alerting e2e, sent over HTTP to real collector replicas as browsers
 * and their SDK would send it, round-robin over the replicas still up (a load balancer with
 * health checks). Shares are exact patterns, not random draws, so that a healthy share stays
 * where it is stated and the test cannot flake on luck.
 *
 * Healthy, four ticks a second:
 * - shop, busy: 8 page views a second, 1 in 10 not good, release 1.0.0; 20 socket reporting
 *   windows a second, 1 in 25 lossy.
 * - blog, small: a page view every 2 s, 1 in 5 not good, with a run of four (a slow visitor);
 *   one socket whose windows, every 2 s, are every other one lossy and poorly scored.
 * - a scanner: a malformed body every 4 s.
 * Degraded (blog unchanged):
 * - shop: release 2.0.0, every page view not good and throwing an error; every socket window
 *   loses 2 probes in 5 at 600 ms RTT.
 * - news, a new app: 8 page views a second, 9 in 20 not good.
 * - the scanner: 3 malformed bodies a second; and once, shop page views on 6 new routes, past
 *   the collector's route cap.
 */
import { Agent } from 'node:http';
import { exampleBeacon, exampleEvents, type Beacon, type PulseEvent } from '@pulse/collector';
import { postBeacon } from '../helpers/beaconClient.js';

export const TICK_MS = 250;
/** Routes sent once when degrading; the collectors run with a route cap below their number. */
export const CAMPAIGN_ROUTES = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `/campaign/${name}`);

type Vitals = Extract<PulseEvent, { k: 'page' }>['vitals'];
type SocketWindow = Extract<PulseEvent, { k: 'socket' }>;

/** A fast page: page score 99.8 (docs/SCORING.md), "good". */
const FAST: Vitals = {
  LCP: { value: 1200, rating: 'good' },
  INP: { value: 80, rating: 'good' },
  CLS: { value: 0.02, rating: 'good' },
  FCP: { value: 900, rating: 'good' },
  TTFB: { value: 300, rating: 'good' },
};
/** A slow page: page score 19.0, not good. */
const SLOW: Vitals = {
  LCP: { value: 6000, rating: 'poor' },
  INP: { value: 900, rating: 'poor' },
  CLS: { value: 0.4, rating: 'poor' },
  FCP: { value: 5000, rating: 'poor' },
  TTFB: { value: 3000, rating: 'poor' },
};

const socketWindow = (lost: number, rtt: number, jitter: number): SocketWindow => ({
  ...exampleEvents.socket,
  probes: 5,
  lost,
  loss: lost / 5,
  rtt,
  p50: rtt,
  p95: rtt * 1.5,
  jitter,
  reconnects: 0,
  disconnects: [],
  upgrades: 0,
});
const CLEAN_WINDOW = socketWindow(0, 40, 3);
const LOSSY_WINDOW = socketWindow(1, 40, 3);
const DEGRADED_WINDOW = socketWindow(2, 600, 80);

/** One page view's beacon: its start, its end with final vitals, and an error when it threw. */
function pageView(app: string, route: string, release: string, slow: boolean, error = false) {
  const events: PulseEvent[] = [
    { k: 'view' },
    { k: 'page', vitals: slow ? SLOW : FAST, tbt: slow ? 1200 : 50 },
  ];
  if (error) events.push(exampleEvents.error);
  return exampleBeacon(events, { app, route, release });
}

const socketBeacon = (app: string, windows: SocketWindow[]) =>
  exampleBeacon(windows, { app, route: '/', release: '1.0.0' });

/** What one tick sends: beacons, and requests that are not beacons at all. */
export interface Tick {
  beacons: Beacon[];
  junk: number;
}

/** Tick `n` of healthy traffic. */
export function healthyTick(n: number): Tick {
  const beacons = [0, 1].map((i) =>
    pageView('shop', '/products/:id', '1.0.0', (2 * n + i) % 10 === 0),
  );
  beacons.push(
    socketBeacon(
      'shop',
      [0, 1, 2, 3, 4].map((i) => ((5 * n + i) % 25 === 0 ? LOSSY_WINDOW : CLEAN_WINDOW)),
    ),
  );
  if (n % 8 === 0) {
    const view = n / 8;
    beacons.push(
      pageView('blog', '/posts/:slug', '7', view % 10 === 3 || [20, 21, 22].includes(view % 30)),
    );
    beacons.push(socketBeacon('blog', [view % 2 === 0 ? DEGRADED_WINDOW : CLEAN_WINDOW]));
  }
  return { beacons, junk: n % 16 === 0 ? 1 : 0 };
}

/** Tick `n` of degraded traffic, `d` ticks after the degradation began. */
export function degradedTick(n: number, d: number): Tick {
  const healthy = healthyTick(n);
  const blog = healthy.beacons.filter((beacon) => beacon.app === 'blog');
  const beacons = [
    ...blog,
    ...[0, 1].map(() => pageView('shop', '/products/:id', '2.0.0', true, true)),
    socketBeacon('shop', Array<SocketWindow>(5).fill(DEGRADED_WINDOW)),
    ...[0, 1].map((i) => pageView('news', '/', '1', ((2 * d + i) * 9) % 20 < 9)),
  ];
  if (d === 0)
    beacons.push(...CAMPAIGN_ROUTES.map((route) => pageView('shop', route, '2.0.0', true, true)));
  return { beacons, junk: n % 4 === 0 ? 0 : 1 };
}

export interface TrafficDriver {
  /** From the next tick on, send degraded traffic. */
  degrade(): void;
  /**
   * Stop sending to this replica (it is about to go down), the others taking its share; resolves
   * once every request already sent to it has its answer.
   */
  retire(ingestUrl: string): Promise<void>;
  /** Beacons answered 204, malformed bodies answered 400. */
  counts(): { beacons: number; junk: number };
  /** Stops and waits for requests in flight; throws if any answer was not the expected one. */
  stop(): Promise<void>;
}

export function startTraffic(replicas: readonly string[]): TrafficDriver {
  const live = [...replicas];
  // A few keep-alive connections per replica, each in constant use: an idle one could be closed
  // by the collector (keep-alive timeout, 5 s) just as a request goes out on it. The default
  // last-in-first-out pick leaves the fourth socket idle between bursts; first-in-first-out
  // takes each in turn.
  const agents = new Map(
    replicas.map((url) => [url, new Agent({ keepAlive: true, maxSockets: 4, scheduling: 'fifo' })]),
  );
  const failures: string[] = [];
  /** Requests awaiting their answer, by replica. */
  const inFlight = new Map(replicas.map((url) => [url, new Set<Promise<void>>()]));
  let sent = 0;
  let beacons = 0;
  let junk = 0;
  let n = 0;
  let degradedSince: number | undefined;

  const replica = () => live[sent++ % live.length]!;
  const track = (url: string, request: Promise<void>) => {
    const requests = inFlight.get(url)!;
    requests.add(request);
    void request.finally(() => requests.delete(request));
  };

  const sendTick = () => {
    const tick = degradedSince === undefined ? healthyTick(n) : degradedTick(n, n - degradedSince);
    n += 1;
    for (const beacon of tick.beacons) {
      const url = replica();
      track(
        url,
        postBeacon(url, beacon, { agent: agents.get(url)! }).then(
          ({ status, body }) => {
            if (status === 204) beacons += 1;
            else failures.push(`${beacon.app} beacon: ${status} ${body}`);
          },
          (error: Error) => {
            failures.push(`${beacon.app} beacon to ${url}: ${error.message}`);
          },
        ),
      );
    }
    for (let i = 0; i < tick.junk; i += 1) {
      const url = replica();
      track(
        url,
        fetch(`${url}/v1/rum`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: '{"v":1,"app":',
        }).then(
          (response) => {
            if (response.status === 400) junk += 1;
            else failures.push(`junk: ${response.status}`);
          },
          (error: Error) => {
            failures.push(`junk to ${url}: ${error.message}`);
          },
        ),
      );
    }
  };
  // Ticks owed by the clock, not by timer callbacks: on a busy machine a late timer sends the
  // ticks it missed, so that the rates stay what they are stated to be.
  const start = Date.now();
  const timer = setInterval(() => {
    while (n <= Math.floor((Date.now() - start) / TICK_MS)) sendTick();
  }, TICK_MS);

  return {
    degrade: () => void (degradedSince = n),
    async retire(url) {
      live.splice(live.indexOf(url), 1);
      await Promise.all([...inFlight.get(url)!]);
    },
    counts: () => ({ beacons, junk }),
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight.values()].flatMap((requests) => [...requests]));
      for (const agent of agents.values()) agent.destroy();
      if (failures.length > 0)
        throw new Error(
          `${failures.length} unexpected answers:\n${failures.slice(0, 5).join('\n')}`,
        );
    },
  };
}
