/**
 * A cardinality attack: beacons carrying 100,000 distinct apps, release strings, routes and
 * custom event / timing names, sent to a collector with the default caps. Every distinct label
 * value would be a series held forever by the collector and by Prometheus; the caps must hold
 * the series count, and the collector's heap must not grow with the number of distinct values.
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
  CAPPED_LABELS,
  createCollector,
  defaultCollectorOptions,
  exampleBeacon,
  exampleEvents,
  OTHER,
  type PulseEvent,
} from '@pulse/collector';

const DISTINCT = 100_000;
/** Beacons on one admitted app, each with this many new names: the per-app flood. */
const NAMES_PER_BEACON = 5;
const HEAP_GROWTH_LIMIT = 50 * 1024 * 1024;
const { appCap, routeCap, eventNameCap } = defaultCollectorOptions;

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

const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let app: FastifyInstance;
const statuses = new Map<number, number>();

async function send(
  events: PulseEvent[],
  overrides: { app: string; route: string; release: string },
) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    payload: JSON.stringify(exampleBeacon(events, overrides)),
  });
  statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
}

/** Label values per label name over every `pulse_` series of a /metrics page. */
function labelValues(text: string) {
  const samples = text.split('\n').filter((line) => line.startsWith('pulse_'));
  const seriesPerApp = new Map<string, { route: Set<string>; name: Set<string> }>();
  for (const line of samples) {
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    if (labels.app === undefined) continue;
    const perApp = seriesPerApp.get(labels.app) ?? { route: new Set(), name: new Set() };
    if (labels.route !== undefined) perApp.route.add(labels.route);
    if (labels.name !== undefined) perApp.name.add(labels.name);
    seriesPerApp.set(labels.app, perApp);
  }
  return { samples: samples.length, seriesPerApp };
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

beforeAll(async () => {
  app = await createCollector({ rateLimit: false, processMetrics: false });
  // Warm up (JIT, fastify's route caches, one series of each kind) before the baseline.
  for (let i = 0; i < 500; i += 1) {
    await send(Object.values(exampleEvents), { app: 'shop', route: '/', release: '1.0.0' });
  }
  seriesBefore = labelValues((await app.inject({ url: '/metrics' })).body).samples;
  heapBefore = heapAfterGc();

  // Phase 1: every beacon a new app, release, route, event name and timing name.
  for (let i = 0; i < DISTINCT; i += 1) {
    const id = word(i);
    await send(
      [
        exampleEvents.view,
        exampleEvents.page,
        { k: 'event', name: `event ${id}` },
        { k: 'timing', name: `timing ${id}`, d: 12 },
      ],
      { app: `app-${id}`, route: `/attack/${id}`, release: `1.0.0+${id}` },
    );
  }
  // Phase 2: an admitted app flooded with new routes and names.
  for (let i = 0; i < DISTINCT / NAMES_PER_BEACON; i += 1) {
    const names = Array.from({ length: NAMES_PER_BEACON }, (_, j) => ({
      k: 'event' as const,
      name: `flood ${word(i * NAMES_PER_BEACON + j)}`,
    }));
    await send([exampleEvents.view, ...names], {
      app: 'shop',
      route: `/flood/${word(i)}`,
      release: `2.0.0+${word(i)}`,
    });
  }
  metricsText = (await app.inject({ url: '/metrics' })).body;
  heapAfter = heapAfterGc();
}, 300_000);

afterAll(async () => {
  await app?.close();
});

describe(`a cardinality attack of ${DISTINCT.toLocaleString('en')} distinct values per label`, () => {
  it('accepts the beacons (they are valid), so the caps, not refusals, bound the series', () => {
    expect([...statuses.keys()]).toEqual([204]);
    expect(statuses.get(204)).toBe(500 + DISTINCT + DISTINCT / NAMES_PER_BEACON);
  });

  it('keeps apps, and routes and names per app, within the caps', () => {
    const { seriesPerApp } = labelValues(metricsText);
    expect(seriesPerApp.size).toBeLessThanOrEqual(appCap + 1);
    expect(seriesPerApp.has(OTHER)).toBe(true);
    for (const [name, { route, name: names }] of seriesPerApp) {
      expect(route.size, `routes of ${name}`).toBeLessThanOrEqual(routeCap + 1);
      expect(names.size, `names of ${name}`).toBeLessThanOrEqual(eventNameCap + 1);
    }
    // The flooded app and the overflow app both hit their caps exactly.
    for (const flooded of ['shop', OTHER]) {
      expect(seriesPerApp.get(flooded)!.route.size).toBe(routeCap + 1);
      expect(seriesPerApp.get(flooded)!.name.size).toBe(eventNameCap + 1);
    }
  });

  it('counts what went to __other__', () => {
    for (const label of CAPPED_LABELS) {
      const match = new RegExp(`^pulse_label_overflow_total\\{label="${label}"\\} (\\d+)`, 'm');
      expect(Number(match.exec(metricsText)?.[1]), label).toBeGreaterThan(DISTINCT / 2);
    }
  });

  it('keeps the number of series of every family within the product of the caps', () => {
    const families = seriesPerFamily(metricsText);
    let total = 0;
    for (const [family, series] of families) {
      // Capped labels may take cap + 1 values (with __other__); every other label is an enum
      // of the schema, bounded by construction, so the values seen are its bound here.
      const bound = [...labelNamesOf(series)].reduce((product, label) => {
        const capped = { app: appCap + 1, route: routeCap + 1, name: eventNameCap + 1 }[label];
        return product * (capped ?? new Set(series.map((labels) => labels[label])).size);
      }, 1);
      expect(series.length, family).toBeLessThanOrEqual(bound);
      total += series.length;
    }
    console.info(
      `cardinality attack: ${seriesBefore} pulse_ samples before, ${labelValues(metricsText).samples} after (${total} series in ${families.size} families)`,
    );
    // Releases are never labels.
    expect(metricsText).not.toMatch(/1\.0\.0\+|2\.0\.0\+/);
  });

  it('grows the heap by less than 50 MB', () => {
    const growth = heapAfter - heapBefore;
    console.info(
      `cardinality attack: heap ${(heapBefore / 2 ** 20).toFixed(1)} MB → ${(heapAfter / 2 ** 20).toFixed(1)} MB after gc (growth ${(growth / 2 ** 20).toFixed(1)} MB)`,
    );
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
  });
});
