/**
 * Well-formed example beacons, one event of each kind, for tests, benchmarks and load tools
 * that need valid traffic without a browser.
 */
import {
  PROTOCOL_VERSION,
  type Beacon,
  type LongTaskEvent,
  type PulseEvent,
} from '@pulse/sdk/protocol';

/** One valid event of each kind, with realistic values. */
export const exampleEvents: { [K in PulseEvent['k']]: Extract<PulseEvent, { k: K }> } = {
  view: { k: 'view' },
  page: {
    k: 'page',
    vitals: {
      // Phases add up to their values, as the SDK sends them.
      LCP: { value: 2140, rating: 'good', target: 'main>h1#hero', ph: [210, 340, 690, 900] },
      INP: {
        value: 312,
        rating: 'needs-improvement',
        target: 'button#buy',
        type: 'click',
        ph: [24, 248, 40],
      },
      CLS: { value: 0.12, rating: 'needs-improvement', target: 'div#slot' },
      FCP: { value: 980, rating: 'good' },
      TTFB: { value: 210, rating: 'good' },
    },
    tbt: 320,
    heap: 18_350_080,
  },
  long: { k: 'long', kind: 'longtask', d: 120 },
  error: { k: 'error', kind: 'error', fp: 'a1b2c3d4' },
  event: { k: 'event', name: 'checkout', value: 2 },
  timing: { k: 'timing', name: 'search-results', d: 340 },
  socket: {
    k: 'socket',
    transport: 'websocket',
    probes: 5,
    lost: 0,
    rtt: 42,
    p50: 40,
    p95: 61,
    jitter: 3.5,
    loss: 0,
    reconnects: 1,
    disconnects: ['transport close'],
    upgrades: 1,
    msgIn: 12,
    msgOut: 9,
    msgs: [{ e: 'chat:send', in: 4, out: 3, ok: 2, fail: 1, lost: 0, d: [35, 80] }],
  },
  webrtc: {
    k: 'webrtc',
    rtt: 84.2,
    cand: 'srflx',
    bw: 1_250_000,
    audio: {
      in: { packets: 500, lost: 3, jitter: 6.1 },
      out: { packets: 500, lost: 1, jitter: 4.8 },
      conceal: 0.012,
    },
    video: {
      in: { packets: 2400, lost: 12, jitter: 9.4 },
      out: { packets: 2350, lost: 4, jitter: 8 },
      fps: 29.8,
      dropped: 2,
      freezes: 0,
      freezeMs: 0,
    },
    states: ['connected'],
  },
};

/**
 * A long animation frame with the scripts that blocked it, longest first. Not in `exampleEvents`,
 * which holds one event per kind (`long` is a long task).
 */
export const exampleLoaf: LongTaskEvent = {
  k: 'long',
  kind: 'loaf',
  d: 184,
  s: [
    { u: 'https://shop.example.com/assets/app.js', i: 'event-listener', d: 120 },
    { u: 'https://www.googletagmanager.com/gtm.js', i: 'classic-script', d: 38 },
    { u: 'inline', i: 'resolve-promise', d: 12 },
  ],
};

/** A valid beacon carrying `events` (default: one of each kind), with `overrides` applied. */
export function exampleBeacon(
  events: readonly PulseEvent[] = Object.values(exampleEvents),
  overrides: Partial<Beacon> = {},
): Beacon {
  return {
    v: PROTOCOL_VERSION,
    app: 'shop',
    release: '1.4.2',
    session: 'k3j9x0q2',
    page: 'p7f2m1',
    route: '/products/:id',
    nav: 'navigate',
    device: 'desktop',
    engine: 'chromium',
    ect: '4g',
    events: [...events],
    ...overrides,
  };
}
