import { Registry } from 'prom-client';
import {
  PEER_STATES,
  type Beacon,
  type BlockingScript,
  type CandidateType,
  type MessageStats,
  type PulseEvent,
  type Rating,
} from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../../../collector/src/beacon/exampleBeacons.js';
import { CULPRIT_METRICS, createPulseMetrics } from '../../../collector/src/series/metrics.js';
import { defaultCollectorOptions } from '../../../collector/src/options.js';
import { RANKED_SLOTS } from '../../../collector/src/labels/rankedLabels.js';
import {
  DEVICE_CLASSES as DEVICES,
  ENGINES,
  ERROR_KINDS,
  NAVIGATION_TYPES as NAVIGATIONS,
  RATINGS,
  SCRIPT_INVOKERS,
} from '../../../collector/src/beacon/schema.js';
import { labelCosts } from '../../../collector/src/record/seriesHandles.js';

/**
 * Events in every generated beacon: the SDK's default batch size. A beacon is one whole page
 * view: its view, its page event, a long task, a long animation frame, an error, five custom
 * events, five timings, four socket windows and a WebRTC window.
 */
export const EVENTS_PER_BEACON = 20;

/**
 * Beacons per route: one per navigation type in each engine, which also gives every engine
 * each device class twice. A route's culprit slots need more page views than the six
 * navigation types give (`target`, below).
 */
export const BEACONS_PER_ROUTE = ENGINES.length * NAVIGATIONS.length;

/** Where a route's beacons of one engine start and end: every navigation type once. */
const PER_ENGINE = NAVIGATIONS.length;

/** Scripts named by each long animation frame: the most the SDK sends. */
const SCRIPTS_PER_FRAME = 3;

const TRANSPORTS = ['websocket', 'polling'] as const;
const CANDIDATES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];
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

/** Shares of LCP and INP that their phases take, in `LCP_PHASES` and `INP_PHASES` order. */
const PHASE_SHARES = { LCP: [0.15, 0.2, 0.3, 0.35], INP: [0.1, 0.75, 0.15] } as const;

/*
 * The ranked values (collector/src/labels/rankedLabels.ts): in every scope, the values meant to
 * hold its slots, then strays meant for `__other__`. A value takes a free slot on its first
 * sighting (the bench admits on one client's word), and displaces a holder only by outweighing
 * it; weights decay, the older weighing less. So in every scope the holders are all seen before
 * the first stray, and each holder weighs at least twice what any stray does over a pass through
 * the beacons: the slots are taken once and kept however the load's connections interleave,
 * and every stray folds into `__other__`.
 */

/** Per app: three releases (the newest, the one before, a rollback), then stragglers. */
const RELEASES = ['2.4.1', '2.4.0', '2.3.7'];
const STRAY_RELEASES = ['2.2.0', '2.1.3', '1.9.0'];

/** Culprits per route and metric: an element for LCP and CLS, event type and target for INP. */
const TARGETS: Record<(typeof CULPRIT_METRICS)[number], string[]> = {
  LCP: [
    'main>img#hero',
    'main>h1.title',
    'section.gallery>img',
    'div.banner>picture>img',
    'main>p.lead',
    'footer>img.partner',
  ],
  INP: [
    'button#add-to-cart',
    'input#search',
    'a.nav-link',
    'select#size',
    'button.filter',
    'div.cookie>button',
  ],
  CLS: [
    'div#ad-slot',
    'section.reviews',
    'div.carousel',
    'header>nav',
    'aside.recommendations',
    'div.newsletter',
  ],
};
/** INP's culprit is its event type and target: the type of each of `TARGETS.INP`. */
const INP_TYPES = ['click', 'keydown', 'click', 'pointerdown', 'click', 'click'];

/** Per app: the scripts that block its frames, first party and third, then light strays. */
const SCRIPTS = [
  'https://shop.example.com/assets/app.js',
  'https://shop.example.com/assets/vendor.js',
  'https://shop.example.com/assets/checkout.js',
  'inline',
  'https://www.googletagmanager.com/gtm.js',
  'https://connect.facebook.net/en_US/fbevents.js',
  'https://js.stripe.com/v3/',
  'https://cdn.optimizely.com/js/web.js',
  'https://static.hotjar.com/c/hotjar.js',
  'https://www.google-analytics.com/analytics.js',
];
/** One stray script per invoker, each running a few milliseconds. */
const STRAY_SCRIPTS = SCRIPT_INVOKERS.map((_, k) => `https://widgets.example.net/w${k}.js`);
/** Share of its frame that each script of a frame took, longest first. */
const SCRIPT_SHARES = [0.45, 0.25, 0.12];

/** Per app: error fingerprints (short hashes, as the SDK sends), then stray ones. */
const fingerprint = (k: number) => ((0x9e3779b1 * (k + 1)) >>> 0).toString(16).padStart(8, '0');
const FINGERPRINTS = Array.from({ length: RANKED_SLOTS.fingerprint }, (_, k) => fingerprint(k));
const STRAY_FINGERPRINTS = ERROR_KINDS.map((_, k) => fingerprint(RANKED_SLOTS.fingerprint + k));

/** Per app: the socket.io event names with delivery tracking, then a stray one. */
const MESSAGE_EVENTS = Array.from({ length: RANKED_SLOTS.event }, (_, k) => `event-${k}`);
const STRAY_EVENT = 'event-stray';

/**
 * The messages of a socket window: every event name of the app with every outcome and direction
 * (each window weighs them alike, so they hold their slots), and on the app's last beacon one
 * lighter stray that folds into `__other__`, which so gets its series too.
 */
function messages({ i, b, beacons }: Place): MessageStats[] {
  const stats = (e: string, k: number): MessageStats => ({
    e,
    in: 1,
    out: 1,
    ok: 1,
    fail: 1,
    lost: 1,
    d: [spread(i + k, 5, 3000)],
  });
  const held = MESSAGE_EVENTS.map(stats);
  return b === beacons - 1 ? [...held, stats(STRAY_EVENT, held.length)] : held;
}

/** Script and invoker pairs an app's frames must name for every script slot. */
const SCRIPT_PAIRS = RANKED_SLOTS.script * SCRIPT_INVOKERS.length;
/** Fingerprint and kind pairs an app's errors must carry for every fingerprint slot. */
const ERROR_PAIRS = RANKED_SLOTS.fingerprint * ERROR_KINDS.length;

/**
 * The fewest routes an app needs for its beacons to fill its release, script and fingerprint
 * slots and `__other__` with each (one frame and one error per beacon): 3 at the time of
 * writing, for the 70 script and invoker pairs and the 7 strays.
 */
export const MIN_ROUTES = Math.ceil(
  Math.max(
    (SCRIPT_PAIRS + STRAY_SCRIPTS.length) / (SCRIPTS_PER_FRAME * BEACONS_PER_ROUTE),
    (ERROR_PAIRS + STRAY_FINGERPRINTS.length) / BEACONS_PER_ROUTE,
    (2 * RELEASES.length * ERROR_KINDS.length + STRAY_RELEASES.length) / BEACONS_PER_ROUTE,
  ),
);

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
 * (labelCosts: what the label model reserves per app, route and name, diagnosis slots
 * included). `__other__` reserves an app's worth first. Then as many apps as fit whole at the
 * default caps (50 custom names, 100 routes), and one more for the rest. The routes are the
 * most that fit beside every app's names, and one more if giving up a few names makes room for
 * it; they go to the apps in turn, 100 each, the last keeping at least `MIN_ROUTES` (taken from
 * the app before), and the names given up are the last app's. So what stays unreserved is less
 * than a name, or less than a route when every app has all its names. With the costs of this
 * writing (an app 2,510 series with its own `__other__` route and name, a route 1,368, a name 16),
 * no whole app fits (one at the caps is 140,110 series), so the ceiling holds one app: `bench`
 * of 32 routes and 50 names, 49,596 of 50,000 series reserved (a 33rd route would take 61 of
 * its names).
 */
export function capLayout(): CapApp[] {
  const costs = labelCosts(createPulseMetrics(new Registry()));
  const { seriesCeiling, routeCap, eventNameCap, appCap } = defaultCollectorOptions;
  const whole = costs.app + eventNameCap * costs.name + routeCap * costs.route;
  const count = Math.min(appCap, Math.floor((seriesCeiling - costs.app) / whole) + 1);
  const room = seriesCeiling - (count + 1) * costs.app;
  const names = count * eventNameCap;
  let routes = Math.min(count * routeCap, Math.floor((room - names * costs.name) / costs.route));
  let namesGiven = 0;
  const left = room - names * costs.name - routes * costs.route;
  // Only when the names given up are fewer than an app has; otherwise the route does not fit.
  const given = Math.ceil((costs.route - left) / costs.name);
  if (left >= costs.name && routes < count * routeCap && given < eventNameCap) {
    namesGiven = given;
    routes++;
  }
  if (routes < count * MIN_ROUTES || namesGiven >= eventNameCap) {
    throw new Error(`the default series ceiling holds no layout of ${count} apps`);
  }
  return Array.from({ length: count }, (_, k) => {
    const last = k === count - 1;
    const own = Math.min(routeCap, routes - (count - k - 1) * MIN_ROUTES);
    routes -= own;
    return {
      app: k ? `bench-${letters(k)}` : 'bench',
      routes: own,
      names: last ? eventNameCap - namesGiven : eventNameCap,
    };
  });
}

/** Where a beacon sits: its index in the load, in its app (of `beacons`), on its route. */
interface Place {
  i: number;
  b: number;
  beacons: number;
  q: number;
}

/**
 * The culprits' vitals of a route rated so that each of LCP, INP and CLS is good once in each
 * engine's beacons of the route (metric `v` on the engine's beacon `v`), and needs-improvement
 * or poor in turn on the others, so every rating shows in every engine: 20 such page views per
 * route and metric, the route's 5 holders named by all but the last, which names one stray.
 */
function culpritVital(metric: (typeof CULPRIT_METRICS)[number], v: number, { i, q }: Place) {
  const band = BANDS[metric];
  const inEngine = q % PER_ENGINE;
  if (inEngine === v) return { rating: 'good' as const, value: spread(i + v, band[0], band[1]) };
  const goodBefore = Math.floor(q / PER_ENGINE) + (inEngine > v ? 1 : 0);
  const sighting = q - goodBefore;
  const sightings = BEACONS_PER_ROUTE - ENGINES.length;
  const slots = RANKED_SLOTS.target;
  const k = sighting < sightings - 1 ? sighting % slots : slots;
  const rating: Rating = sighting % 2 ? 'poor' : 'needs-improvement';
  const at = RATINGS.indexOf(rating);
  return {
    rating,
    value: spread(i + v, band[at]!, band[at + 1]!),
    target: TARGETS[metric][k]!,
    ...(metric === 'INP' ? { type: INP_TYPES[k]! } : {}),
  };
}

/** The phases of a value, adding up to it (rounded to the millisecond, as the SDK sends them). */
function phases(value: number, shares: readonly number[]) {
  const parts = shares.slice(0, -1).map((share) => Math.round(value * share));
  return [...parts, Math.max(0, Math.round(value) - parts.reduce((a, b) => a + b, 0))];
}

/**
 * The page event of a beacon: every vital, LCP and INP with their phases, and its total
 * blocking time where the engine measures one (Chromium alone has the Long Tasks API).
 */
function page(place: Place, engine: (typeof ENGINES)[number]): PulseEvent {
  const { i } = place;
  const { vitals } = exampleEvents.page;
  /** FCP and TTFB, rated in turn so that every rating shows on every route. */
  const rated = (name: 'FCP' | 'TTFB', v: number) => {
    const rating: Rating = RATINGS[(i + v) % RATINGS.length]!;
    const band = BANDS[name];
    const at = RATINGS.indexOf(rating);
    return { ...vitals[name]!, rating, value: spread(i + v, band[at]!, band[at + 1]!) };
  };
  const lcp = culpritVital('LCP', 0, place);
  const inp = culpritVital('INP', 1, place);
  return {
    ...exampleEvents.page,
    vitals: {
      LCP: { ...lcp, ph: phases(lcp.value, PHASE_SHARES.LCP) },
      INP: { ...inp, ph: phases(inp.value, PHASE_SHARES.INP) },
      CLS: culpritVital('CLS', 2, place),
      FCP: rated('FCP', 3),
      TTFB: rated('TTFB', 4),
    },
    ...(engine === 'chromium' ? { tbt: spread(i, 0, 900) } : {}),
    heap: spread(i, 5e6, 2e8),
  };
}

/**
 * The long animation frame of a beacon, with its three longest scripts. An app's frames name
 * the 70 script and invoker pairs in turn, ten scripts to an invoker, and its last frames the
 * 7 strays, one per invoker, each a few milliseconds long.
 */
function frame({ i, b, beacons }: Place): PulseEvent {
  const d = spread(i + 1, 50, 400);
  const firstStray = SCRIPTS_PER_FRAME * beacons - STRAY_SCRIPTS.length;
  const s = SCRIPT_SHARES.map((share, j): BlockingScript => {
    const entry = SCRIPTS_PER_FRAME * b + j;
    if (entry >= firstStray) {
      const k = entry - firstStray;
      return { u: STRAY_SCRIPTS[k]!, i: SCRIPT_INVOKERS[k]!, d: 4 - k * 0.5 };
    }
    const pair = entry % SCRIPT_PAIRS;
    return {
      u: SCRIPTS[pair % SCRIPTS.length]!,
      i: SCRIPT_INVOKERS[Math.floor(pair / SCRIPTS.length)]!,
      d: Math.round(d * share),
    };
  });
  return { k: 'long', kind: 'loaf', d, s };
}

/**
 * The error of a beacon: an app's errors carry the 30 fingerprint and kind pairs in turn, the
 * kind changing every beacon, and its last three beacons one stray fingerprint of each kind.
 */
function error({ b, beacons }: Place): PulseEvent {
  const stray = b - (beacons - STRAY_FINGERPRINTS.length);
  if (stray >= 0) return { k: 'error', kind: ERROR_KINDS[stray]!, fp: STRAY_FINGERPRINTS[stray]! };
  const pair = b % ERROR_PAIRS;
  return {
    k: 'error',
    kind: ERROR_KINDS[pair % ERROR_KINDS.length]!,
    fp: FINGERPRINTS[Math.floor(pair / ERROR_KINDS.length)]!,
  };
}

/**
 * The release of a beacon: three beacons in a row (one error of each kind) to each release in
 * turn, and a straggler release on each of the app's last three beacons.
 */
function release({ b, beacons }: Place): string {
  const stray = b - (beacons - STRAY_RELEASES.length);
  if (stray >= 0) return STRAY_RELEASES[stray]!;
  return RELEASES[Math.floor(b / ERROR_KINDS.length) % RELEASES.length]!;
}

/** The engine of the beacon at `place`: each engine a run of its route's beacons. */
const engineOf = ({ q }: Place) => ENGINES[Math.floor(q / PER_ENGINE)]!;

/** The 20 events of the beacon at `place` of an app with `names` custom names. */
function events(place: Place, names: number): PulseEvent[] {
  const { i } = place;
  const name = (k: number) => `flow-${letters((i * 5 + k) % names)}`;
  return [
    exampleEvents.view,
    page(place, engineOf(place)),
    { k: 'long', kind: 'longtask', d: spread(i, 50, 400) },
    frame(place),
    error(place),
    ...Array.from({ length: 5 }, (_, k): PulseEvent => ({ k: 'event', name: name(k), value: 1 })),
    ...Array.from({ length: 5 }, (_, k): PulseEvent => ({
      k: 'timing',
      name: name(k),
      d: spread(i + k, 1, 3000),
    })),
    // A WebRTC window, each beacon's with the next candidate type and state change.
    {
      ...exampleEvents.webrtc,
      rtt: spread(i, 5, 800),
      cand: CANDIDATES[i % CANDIDATES.length]!,
      states: [PEER_STATES[i % PEER_STATES.length]!],
    },
    ...Array.from({ length: 4 }, (_, k): PulseEvent => ({
      ...exampleEvents.socket,
      transport: TRANSPORTS[(i + k) % TRANSPORTS.length]!,
      rtt: spread(i + k, 5, 800),
      jitter: spread(i + k + 1, 0, 100),
      loss: spread(i + k + 2, 0, 0.2),
      disconnects: [REASONS[(i + k) % REASONS.length]!],
      // One window a beacon carries messages: the rest would only add weight.
      msgs: k === 0 ? messages(place) : undefined,
    })),
  ];
}

/**
 * Beacons that together make every series the collector can hold under its default ceiling
 * (`capLayout`), diagnosis included: for each route of each app, one beacon per navigation
 * type in each engine, eight per device class, FCP and TTFB rated good, needs-improvement and
 * poor in turn, LCP, INP and CLS good once per engine and otherwise naming the route's
 * culprits, LCP and INP with their
 * phases; across each app, its releases, the scripts of its long animation frames under every
 * invoker, and its error fingerprints of every kind, with strays for each `__other__`; every
 * long task kind, socket transport and disconnect reason, and the app's custom event and timing
 * names; 20 events each, as the SDK batches them.
 */
export function capBeacons(layout: readonly CapApp[] = capLayout()): Beacon[] {
  const beacons: Beacon[] = [];
  for (const { app, routes, names } of layout) {
    if (routes < MIN_ROUTES) {
      throw new Error(`app ${app}: ${routes} routes cannot fill its diagnosis slots`);
    }
    const appBeacons = routes * BEACONS_PER_ROUTE;
    for (let b = 0; b < appBeacons; b++) {
      const i = beacons.length;
      const q = b % BEACONS_PER_ROUTE;
      const place = { i, b, beacons: appBeacons, q };
      beacons.push(
        exampleBeacon(events(place, names), {
          app,
          release: release(place),
          route: `/shop/${letters(Math.floor(b / BEACONS_PER_ROUTE))}/:id`,
          device: DEVICES[q % DEVICES.length]!,
          engine: engineOf(place),
          nav: NAVIGATIONS[q % NAVIGATIONS.length]!,
          session: `s${letters(i)}`,
          page: `p${letters(i)}`,
          ...(q === 0 ? { dropped: 1 } : {}),
        }),
      );
    }
  }
  if (beacons.some((b) => b.events.length !== EVENTS_PER_BEACON)) {
    throw new Error(`every bench beacon must carry exactly ${EVENTS_PER_BEACON} events`);
  }
  return beacons;
}

/** The load in words, for the report: `1,176 beacons over 2 apps, ...`. */
export function describeLoad(layout: readonly CapApp[] = capLayout()): string {
  const routes = layout.reduce((sum, app) => sum + app.routes, 0);
  const apps = layout.map((a) => `\`${a.app}\` (${a.routes} routes, ${a.names} names)`);
  return `${(routes * BEACONS_PER_ROUTE).toLocaleString('en-US')} beacons over ${layout.length} ${layout.length === 1 ? 'app' : 'apps'}, ${apps.join(' and ')}: one per route, navigation type (${NAVIGATIONS.length}) and engine (${ENGINES.length}, Chromium's with a total blocking time, the others without), eight per device class, FCP and TTFB rated good, needs-improvement and poor in turn, LCP, INP and CLS good once per route and engine and otherwise naming one of the route's ${RANKED_SLOTS.target} culprits (LCP and INP with their phases), each app with ${RANKED_SLOTS.release} releases, ${RANKED_SLOTS.script} scripts blocking its long animation frames under each of the ${SCRIPT_INVOKERS.length} invokers and ${RANKED_SLOTS.fingerprint} error fingerprints of each kind, and lighter strays of each that fold into \`__other__\` by design; every long task kind, socket transport and disconnect reason, and ${RANKED_SLOTS.event} socket.io event names with every delivery outcome and direction and a stray; a WebRTC window each, over every candidate type and state change; as many series as the default series ceiling holds`;
}
