import type { Beacon, PulseEvent } from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../../../collector/src/exampleBeacons.js';
import {
  DEVICE_CLASSES as DEVICES,
  ERROR_KINDS,
  NAVIGATION_TYPES as NAVIGATIONS,
} from '../../../collector/src/schema.js';

/** The collector's default label caps (SPEC.md): routes per app, custom event names per app. */
export const DEFAULT_ROUTE_CAP = 100;
export const DEFAULT_NAME_CAP = 50;

/** Events in every generated beacon: the SDK's default batch size. */
export const EVENTS_PER_BEACON = 20;

const TRANSPORTS = ['websocket', 'polling'] as const;
const REASONS = [
  'transport close',
  'ping timeout',
  'io server disconnect',
  'transport error',
] as const;

/** `7` → `h`, `30` → `be`: label values without digits, which route normalisation keeps as is. */
const letters = (n: number): string =>
  (n >= 26 ? letters(Math.floor(n / 26) - 1) : '') + String.fromCharCode(97 + (n % 26));

/** Spreads values over a range so histograms fill many buckets, deterministically. */
const spread = (i: number, lo: number, hi: number) => lo + ((i * 7919) % 1000) * ((hi - lo) / 1000);

/** The 20 events of beacon number `i`: one of each context-level kind plus named ones. */
function events(i: number): PulseEvent[] {
  const { LCP, INP, CLS, FCP, TTFB } = exampleEvents.page.vitals;
  const names = (k: number) => `flow-${letters((i * 5 + k) % DEFAULT_NAME_CAP)}`;
  return [
    exampleEvents.view,
    {
      ...exampleEvents.page,
      vitals: {
        LCP: { ...LCP!, value: spread(i, 400, 9000) },
        INP: { ...INP!, value: spread(i + 1, 20, 900) },
        CLS: { ...CLS!, value: spread(i + 2, 0, 0.5) },
        FCP: { ...FCP!, value: spread(i + 3, 300, 5000) },
        TTFB: { ...TTFB!, value: spread(i + 4, 50, 3000) },
      },
      tbt: spread(i, 0, 900),
      heap: spread(i, 5e6, 2e8),
    },
    { k: 'long', kind: 'longtask', d: spread(i, 50, 400) },
    { k: 'long', kind: 'loaf', d: spread(i + 1, 50, 400) },
    { ...exampleEvents.error, kind: ERROR_KINDS[i % ERROR_KINDS.length]! },
    ...Array.from({ length: 5 }, (_, k): PulseEvent => ({ k: 'event', name: names(k), value: 1 })),
    ...Array.from({ length: 5 }, (_, k): PulseEvent => ({
      k: 'timing',
      name: names(k),
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
 * Beacons that together fill every Pulse series at the default caps: each of the 100 routes on
 * each device class, all navigation types, error kinds, both transports, disconnect reasons,
 * and 50 custom event and timing names; 20 events each, as the SDK batches them. One app.
 */
export function capBeacons(): Beacon[] {
  const beacons: Beacon[] = [];
  for (let r = 0; r < DEFAULT_ROUTE_CAP; r++) {
    for (const device of DEVICES) {
      const i = beacons.length;
      beacons.push(
        exampleBeacon(events(i), {
          app: 'bench',
          route: `/shop/${letters(r)}/:id`,
          device,
          nav: NAVIGATIONS[i % NAVIGATIONS.length]!,
          session: `s${letters(i)}`,
          page: `p${letters(i)}`,
        }),
      );
    }
  }
  if (beacons.some((b) => b.events.length !== EVENTS_PER_BEACON)) {
    throw new Error('every bench beacon must carry exactly 20 events');
  }
  return beacons;
}
