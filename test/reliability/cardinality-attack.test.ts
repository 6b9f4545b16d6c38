/**
 * A cardinality attack by a botnet: every beacon from a client network of its own, and every
 * invented app, route and custom name sent from enough networks (`admitAfterClients`) to be
 * admitted, so the label model's evidence does not stop it. What must hold it is the rest of the
 * model: the per-app caps and the one series ceiling. Every distinct label value would be a set
 * of series held by the collector and by Prometheus; the series exported must stay under the
 * ceiling, and the collector's heap must not grow with the number of distinct values sent.
 * A last phase sprays a million more values once each (a new app, route and 48 names per beacon),
 * the shape of an attack that never waits for evidence: 1.2 M distinct values in all.
 *
 * Client networks: `inject({ remoteAddress })` with a distinct IPv4 address per beacon (no
 * sockets: hundreds of thousands of beacons in seconds).
 *
 * Heap: measured as `heapUsed` after a full garbage collection, before and after the attack.
 * vitest's workers do not run with `--expose-gc`, so the flag is set at run time and `gc` is
 * taken from a fresh V8 context, where V8 then installs it (the documented effect of the flag).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  BeaconSchema,
  CAPPED_LABELS,
  createCollector,
  defaultCollectorOptions,
  exampleBeacon,
  exampleEvents,
  OTHER,
  RANKED_SLOTS,
  type Beacon,
  type PulseEvent,
} from '@pulse/collector';
import { parseScrape, type Scrape } from '../helpers/metrics.js';
import { collapsed } from '../helpers/labelCollapses.js';

const { appCap, routeCap, eventNameCap, seriesCeiling, admitAfterClients } =
  defaultCollectorOptions;
/** Invented apps, each sent from `admitAfterClients` networks. */
const APPS = 20_000;
/** Invented routes on the real app, each sent from `admitAfterClients` networks. */
const ROUTES = 20_000;
/** New custom names per beacon on the real app: 100,000 in all, each from as many networks. */
const NAMES_PER_BEACON = 5;
const NAMES = ROUTES * NAMES_PER_BEACON;
/**
 * Phase 3: beacons that each bring a new app, a new route and `SPRAY_NAMES` new names, each sent
 * once: a million distinct label values with no evidence behind any of them.
 */
const SPRAY_BEACONS = 20_000;
const SPRAY_NAMES = 48;
const SPRAYED = SPRAY_BEACONS * (2 + SPRAY_NAMES);
/** Distinct label values sent in all: apps, routes and names of the three phases. */
const DISTINCT_VALUES = APPS * 4 + ROUTES * (1 + NAMES_PER_BEACON) + SPRAYED;
const WARM_UP = 500;
const BEACONS = WARM_UP + (APPS + ROUTES) * admitAfterClients + SPRAY_BEACONS;
/** Injected requests in flight at once: several keep fastify's pipeline busy. */
const IN_FLIGHT = 256;
const HEAP_GROWTH_LIMIT = 50 * 1024 * 1024;
/** Every device class, navigation type and engine a beacon may carry, as the schema lists them. */
const DEVICES = BeaconSchema.properties.device.anyOf.map((literal) => literal.const);
const NAVIGATIONS = BeaconSchema.properties.nav.anyOf.map((literal) => literal.const);
const ENGINES = BeaconSchema.properties.engine.anyOf.map((literal) => literal.const);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** `i` in letters only: path segments without digits are kept as routes, not taken for ids. */
const word = (i: number) => {
  let text = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    text = String.fromCharCode(97 + ((n - 1) % 26)) + text;
  }
  return text;
};

/** The `n`th client network: one IPv4 address each (10.0.0.0/8 holds 2^24). */
const network = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let app: FastifyInstance;
const statuses = new Map<number, number>();
let sent = 0;
let pending: Promise<void>[] = [];

/** Sends the next beacon from a network of its own; resolves once few enough are in flight. */
async function send(events: PulseEvent[], overrides: Partial<Beacon>) {
  const n = sent++;
  const beacon = exampleBeacon(events, {
    device: DEVICES[n % DEVICES.length],
    engine: ENGINES[n % ENGINES.length],
    nav: NAVIGATIONS[n % NAVIGATIONS.length],
    ...overrides,
  });
  pending.push(
    app
      .inject({
        method: 'POST',
        url: '/v1/rum',
        remoteAddress: network(n),
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        payload: JSON.stringify(beacon),
      })
      .then((response) => {
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      }),
  );
  if (pending.length >= IN_FLIGHT) await drain();
}

async function drain() {
  await Promise.all(pending);
  pending = [];
}

const metricsPage = async () => (await app.pulseAdmin.inject({ url: '/metrics' })).body;

/** Every sample line of a family with an `app` label: each is one series for Prometheus. */
const appSeriesLines = (text: string) =>
  text.split('\n').filter((line) => line.startsWith('pulse_') && line.includes('app="'));

/** Routes and names with series of their own, per app. */
function labelValues(text: string) {
  const seriesPerApp = new Map<string, { route: Set<string>; name: Set<string> }>();
  for (const line of appSeriesLines(text)) {
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const perApp = seriesPerApp.get(labels.app!) ?? { route: new Set(), name: new Set() };
    if (labels.route !== undefined) perApp.route.add(labels.route);
    if (labels.name !== undefined) perApp.name.add(labels.name);
    seriesPerApp.set(labels.app!, perApp);
  }
  return seriesPerApp;
}

/** The series (label sets without `le`) of each `pulse_` family; histogram parts folded in. */
function seriesPerFamily(text: string) {
  const families = new Map<string, Map<string, Record<string, string>>>();
  for (const line of text.split('\n')) {
    const match = /^(pulse_\w+?)(?:_bucket|_sum|_count)?(?:\{(.*)\})? /.exec(line);
    if (match === null) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
        .filter((m) => m[1] !== 'le')
        .map((m) => [m[1]!, m[2]!]),
    );
    const series = families.get(match[1]!) ?? new Map<string, Record<string, string>>();
    series.set(JSON.stringify(labels), labels);
    families.set(match[1]!, series);
  }
  return new Map([...families].map(([name, series]) => [name, [...series.values()]]));
}

const labelNamesOf = (series: Record<string, string>[]) =>
  new Set(series.flatMap((labels) => Object.keys(labels)));

let heapBefore = 0;
let heapAfter = 0;
let seriesBefore = 0;
let metricsText = '';
let metrics: Scrape;

beforeAll(async () => {
  app = await createCollector({ rateLimit: false, processMetrics: false });
  // A real app first, sent by many networks: its route and names are admitted. The same beacons
  // warm up the JIT, fastify's caches and one series of each kind before the baseline.
  for (let i = 0; i < WARM_UP; i += 1) {
    await send(Object.values(exampleEvents), { app: 'shop', route: '/', release: '1.0.0' });
  }
  await drain();
  seriesBefore = appSeriesLines(await metricsPage()).length;
  heapBefore = heapAfterGc();

  // Phase 1: invented apps, each with a route, an event and a timing name of its own, and every
  // beacon a new release.
  for (let i = 0; i < APPS; i += 1) {
    const id = word(i);
    const events: PulseEvent[] = [
      exampleEvents.view,
      exampleEvents.page,
      { k: 'event', name: `event ${id}` },
      { k: 'timing', name: `timing ${id}`, d: 12 },
    ];
    for (let copy = 0; copy < admitAfterClients; copy += 1) {
      await send(events, {
        app: `app-${id}`,
        route: `/attack/${id}`,
        release: `1.0.0+${id}${copy}`,
      });
    }
  }
  // Phase 2: the real app flooded with invented routes and names.
  for (let i = 0; i < ROUTES; i += 1) {
    const names = Array.from({ length: NAMES_PER_BEACON }, (_, j) => ({
      k: 'event' as const,
      name: `flood ${word(i * NAMES_PER_BEACON + j)}`,
    }));
    for (let copy = 0; copy < admitAfterClients; copy += 1) {
      await send([exampleEvents.view, exampleEvents.page, ...names], {
        app: 'shop',
        route: `/flood/${word(i)}`,
        release: `2.0.0+${word(i)}${copy}`,
      });
    }
  }
  // Phase 3: a million values sprayed once each, from as many networks as beacons.
  for (let i = 0; i < SPRAY_BEACONS; i += 1) {
    const id = word(i);
    const names = Array.from({ length: SPRAY_NAMES }, (_, j) => ({
      k: 'event' as const,
      name: `spray ${id} ${word(j)}`,
    }));
    await send([exampleEvents.view, exampleEvents.page, ...names], {
      app: `spray-${id}`,
      route: `/spray/${id}`,
      release: `3.0.0+${id}`,
    });
  }
  await drain();
  metricsText = await metricsPage();
  metrics = parseScrape(metricsText);
  heapAfter = heapAfterGc();
}, 600_000);

afterAll(async () => {
  await app?.close();
});

describe(`a botnet's cardinality attack: ${DISTINCT_VALUES.toLocaleString('en')} distinct label values from ${BEACONS.toLocaleString('en')} networks`, () => {
  it('accepts the beacons (they are valid), so the model, not refusals, bounds the series', () => {
    expect([...statuses.keys()]).toEqual([204]);
    expect(statuses.get(204)).toBe(BEACONS);
  });

  it('admits apps up to the cap or the ceiling, and keeps routes and names per app within theirs', () => {
    const seriesPerApp = labelValues(metricsText);
    // With evidence from enough networks, invented apps are admitted until the cap or the
    // ceiling is full. At the default costs the ceiling stops them first: each app reserves its
    // diagnosis and its routes' split by device and engine (1,368 series a route), so about 20
    // apps with a route each fit in 50,000 series.
    expect(seriesPerApp.size).toBeLessThanOrEqual(appCap + 1);
    expect(seriesPerApp.size).toBeGreaterThan(15);
    expect(seriesPerApp.has(OTHER)).toBe(true);
    for (const [name, { route, name: names }] of seriesPerApp) {
      expect(route.size, `routes of ${name}`).toBeLessThanOrEqual(routeCap + 1);
      expect(names.size, `names of ${name}`).toBeLessThanOrEqual(eventNameCap + 1);
    }
    // The real app keeps what it had before the flood: admitted values are not pushed out.
    const shop = seriesPerApp.get('shop')!;
    expect(shop.route).toContain('/');
    expect(shop.name).toContain(exampleEvents.event.name);
    expect(shop.name).toContain(exampleEvents.timing.name);
    // Every value admitted has series, and every value with series was admitted.
    const admitted = (label: string) => metrics.value('pulse_label_admissions_total', { label });
    const withSeries = (pick: (values: { route: Set<string>; name: Set<string> }) => Set<string>) =>
      [...seriesPerApp.values()].reduce(
        (sum, values) => sum + [...pick(values)].filter((value) => value !== OTHER).length,
        0,
      );
    expect(admitted('app')).toBe(seriesPerApp.size - 1);
    expect(admitted('route')).toBe(withSeries((values) => values.route));
    expect(admitted('name')).toBe(withSeries((values) => values.name));
  });

  it('keeps the exported series under the series ceiling, which the attack filled', () => {
    const exported = appSeriesLines(metricsText).length;
    const reserved = metrics.value('pulse_series_reserved');
    console.info(
      `cardinality attack: ${seriesBefore} series of apps before, ${exported} after; ` +
        `${reserved} reserved of a ceiling of ${metrics.value('pulse_series_ceiling')}; ` +
        `/metrics ${(metricsText.length / 2 ** 20).toFixed(1)} MB`,
    );
    expect(metrics.value('pulse_series_ceiling')).toBe(seriesCeiling);
    expect(exported).toBeLessThanOrEqual(reserved);
    expect(reserved).toBeLessThanOrEqual(seriesCeiling);
    // Full to within one route's worst case (1,368 series): the ceiling, not a cap, stopped it.
    expect(reserved).toBeGreaterThan(seriesCeiling - 1_368);
    // Exported series are what the beacons made of the reservations, a good part of them.
    expect(exported).toBeGreaterThan(reserved / 5);
  });

  it('counts what went to __other__: values past a cap or the ceiling among them', () => {
    for (const label of CAPPED_LABELS) {
      expect(metrics.value('pulse_label_overflow_total', { label }), label).toBeGreaterThan(0);
    }
    // Every sighting of a value not admitted is one collapse: most of each value's sightings.
    expect(collapsed(metrics, 'app')).toBeGreaterThan(APPS * (admitAfterClients - 1));
    expect(collapsed(metrics, 'route')).toBeGreaterThan(ROUTES * (admitAfterClients - 1));
    expect(collapsed(metrics, 'name')).toBeGreaterThan(NAMES * (admitAfterClients - 1));
    // Every sprayed app, seen once, collapsed, and its route and names with it (counted once, as
    // the app): none of the million values has a series.
    expect(collapsed(metrics, 'app')).toBeGreaterThan(
      APPS * (admitAfterClients - 1) + SPRAY_BEACONS,
    );
    expect(metricsText).not.toContain('spray');
  });

  it('keeps the number of series of every family within the product of the caps', () => {
    const families = seriesPerFamily(metricsText);
    for (const [family, series] of families) {
      // Capped labels may take cap + 1 values (with __other__); every other label is an enum
      // of the schema, bounded by construction, so the values seen are its bound here.
      const bound = [...labelNamesOf(series)].reduce((product, label) => {
        const capped = {
          app: appCap + 1,
          route: routeCap + 1,
          name: eventNameCap + 1,
          // Ranked labels: a few slots per scope, and __other__.
          release: RANKED_SLOTS.release + 1,
          target: RANKED_SLOTS.target + 1,
          script: RANKED_SLOTS.script + 1,
          fingerprint: RANKED_SLOTS.fingerprint + 1,
        }[label];
        return product * (capped ?? new Set(series.map((labels) => labels[label])).size);
      }, 1);
      expect(series.length, family).toBeLessThanOrEqual(bound);
    }
    // Every beacon's release was its own, sent from one network: none earned a series.
    expect(metricsText).not.toMatch(/[123]\.0\.0\+/);
  });

  it('grows the heap by less than 50 MB', () => {
    const growth = heapAfter - heapBefore;
    console.info(
      `cardinality attack: heap ${(heapBefore / 2 ** 20).toFixed(1)} MB → ${(heapAfter / 2 ** 20).toFixed(1)} MB after gc (growth ${(growth / 2 ** 20).toFixed(1)} MB)`,
    );
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
  });
});
