import { Registry } from 'prom-client';
import type { Beacon, PulseEvent, Rating } from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../../../collector/src/beacon/exampleBeacons.js';
import { createPulseMetrics } from '../../../collector/src/series/metrics.js';
import { defaultCollectorOptions } from '../../../collector/src/options.js';
import {
  DEVICE_CLASSES as DEVICES,
  ERROR_KINDS,
  NAVIGATION_TYPES as NAVIGATIONS,
  RATINGS,
} from '../../../collector/src/beacon/schema.js';
import { labelCosts } from '../../../collector/src/record/seriesHandles.js';

/** Events in every generated beacon: the SDK's default batch size. */
export const EVENTS_PER_BEACON = 20;

const TRANSPORTS = ['websocket', 'polling'] as const;
const REASONS = [
  'io server disconnect',
  'io client disconnect',
  'ping timeout',
  'transport close',
  'transport error',
  'parse error',
  'other',
] as const;

/**
 * Each vital's range as web-vitals rates it: lowest value sent, the good and poor thresholds,
 * highest value sent. A beacon's value lies in the band of the rating it carries.
 */
const BANDS = {
  LCP: [400, 2500, 4000, 9000],
  INP: [20, 200, 500, 900],
  CLS: [0, 0.1, 0.25, 0.5],
  FCP: [300, 1800, 3000, 5000],
  TTFB: [50, 800, 1800, 3000],
} as const;

/** `7` → `h`, `30` → `be`: label values without digits, which route normalisation keeps as is. */
const letters = (n: number): string =>
  (n >= 26 ? letters(Math.floor(n / 26) - 1) : '') + String.fromCharCode(97 + (n % 26));

/** Spreads values over a range so histograms fill many buckets, deterministically. */
const spread = (i: number, lo: number, hi: number) => lo + ((i * 7919) % 1000) * ((hi - lo) / 1000);

/** One app of the load: its name, and how many routes and custom names it sends. */
export interface CapApp {
  app: string;
  routes: number;
  names: number;
}

/**
 * The apps that fill the collector's default series ceiling, by the collector's own costs
 * (labelCosts: what the label model reserves per app, route and name): `__other__` first, then
 * apps in turn, each with its 50 custom names (the default name cap) and as many routes as fit,
 * at most 100 (the default route cap), until no further app would fit. With the costs of this
 * writing: one app of 100 routes and one of 33, 49,743 of 50,000 series reserved.
 */
export function capLayout(): CapApp[] {
  const costs = labelCosts(createPulseMetrics(new Registry()));
  const { seriesCeiling, routeCap, eventNameCap, appCap } = defaultCollectorOptions;
  const apps: CapApp[] = [];
  let left = seriesCeiling - costs.app;
  while (apps.length < appCap && left >= costs.app + eventNameCap * costs.name + costs.route) {
    left -= costs.app + eventNameCap * costs.name;
    const routes = Math.min(routeCap, Math.floor(left / costs.route));
    left -= routes * costs.route;
    apps.push({
      app: apps.length ? `bench-${letters(apps.length)}` : 'bench',
      routes,
      names: eventNameCap,
    });
  }
  return apps;
}

/** The 20 events of beacon number `i` of an app with `names` custom names. */
function events(i: number, names: number): PulseEvent[] {
  const { vitals } = exampleEvents.page;
  /** Vital number `v` of this beacon, rated in turn so six beacons of a route carry every rating. */
  const vital = (name: keyof typeof BANDS, v: number) => {
    const rating: Rating = RATINGS[(i + v) % RATINGS.length]!;
    const band = BANDS[name];
    const at = RATINGS.indexOf(rating);
    return { ...vitals[name]!, rating, value: spread(i + v, band[at]!, band[at + 1]!) };
  };
  const name = (k: number) => `flow-${letters((i * 5 + k) % names)}`;
  return [
    exampleEvents.view,
    {
      ...exampleEvents.page,
      vitals: {
        LCP: vital('LCP', 0),
        INP: vital('INP', 1),
        CLS: vital('CLS', 2),
        FCP: vital('FCP', 3),
        TTFB: vital('TTFB', 4),
      },
      tbt: spread(i, 0, 900),
      heap: spread(i, 5e6, 2e8),
    },
    { k: 'long', kind: 'longtask', d: spread(i, 50, 400) },
    { k: 'long', kind: 'loaf', d: spread(i + 1, 50, 400) },
    { ...exampleEvents.error, kind: ERROR_KINDS[i % ERROR_KINDS.length]! },
    ...Array.from({ length: 5 }, (_, k): PulseEvent => ({ k: 'event', name: name(k), value: 1 })),
    ...Array.from({ length: 5 }, (_, k): PulseEvent => ({
      k: 'timing',
      name: name(k),
      d: spread(i + k, 1, 3000),
    })),
    ...Array.from({ length: 5 }, (_, k): PulseEvent => ({
      ...exampleEvents.socket,
      transport: TRANSPORTS[(i + k) % TRANSPORTS.length]!,
      rtt: spread(i + k, 5, 800),
      jitter: spread(i + k + 1, 0, 100),
      loss: spread(i + k + 2, 0, 0.2),
      disconnects: [REASONS[(i + k) % REASONS.length]!],
    })),
  ];
}

/**
 * Beacons that together make every series the collector can hold under its default ceiling
 * (`capLayout`): for each route of each app, one beacon per navigation type, two per device
 * class, rating every vital good, needs-improvement and poor in turn, with every error kind,
 * long task kind, socket transport and disconnect reason, and the app's custom event and timing
 * names; 20 events each, as the SDK batches them.
 */
export function capBeacons(layout: readonly CapApp[] = capLayout()): Beacon[] {
  const beacons: Beacon[] = [];
  for (const { app, routes, names } of layout) {
    for (let r = 0; r < routes; r++) {
      NAVIGATIONS.forEach((nav, k) => {
        const i = beacons.length;
        beacons.push(
          exampleBeacon(events(i, names), {
            app,
            route: `/shop/${letters(r)}/:id`,
            device: DEVICES[k % DEVICES.length]!,
            nav,
            session: `s${letters(i)}`,
            page: `p${letters(i)}`,
            ...(k === 0 ? { dropped: 1 } : {}),
          }),
        );
      });
    }
  }
  if (beacons.some((b) => b.events.length !== EVENTS_PER_BEACON)) {
    throw new Error('every bench beacon must carry exactly 20 events');
  }
  return beacons;
}

/** The load in words, for the report: `810 beacons: app `bench` (100 routes), ...`. */
export function describeLoad(layout: readonly CapApp[] = capLayout()): string {
  const routes = layout.reduce((sum, app) => sum + app.routes, 0);
  const apps = layout.map((a) => `\`${a.app}\` (${a.routes} routes, ${a.names} names)`);
  return `${routes * NAVIGATIONS.length} beacons over ${layout.length} apps, ${apps.join(' and ')}: one per route and navigation type (${NAVIGATIONS.length}), two per device class, every vital rated good, needs-improvement and poor in turn, every error kind, long task kind, socket transport and disconnect reason, as many series as the default series ceiling holds`;
}
