import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createPulseMetrics, type PulseMetrics } from '../series/metrics.js';
import {
  DEVICE_CLASSES,
  ENGINES,
  ERROR_KINDS,
  LONG_TASK_KINDS,
  NAVIGATION_TYPES,
  RATINGS,
} from '../beacon/schema.js';
import { RANKED_SLOTS } from '../labels/rankedLabels.js';
import { SeriesHandles, VITAL_NAMES, labelCosts } from './seriesHandles.js';

/** One recording, as the handles take it; `value` is used by the observing kinds. */
const operation = fc.record({
  app: fc.constantFrom('shop', 'blog'),
  route: fc.constantFrom('/', '/products/:id', '/checkout'),
  device: fc.constantFrom(...DEVICE_CLASSES),
  engine: fc.constantFrom(...ENGINES),
  country: fc.constantFrom('NL', 'DE', '__unknown__'),
  kind: fc.constantFrom('view', 'rating', 'error', 'long', 'tbt', 'vital', 'score'),
  index: fc.nat(),
  value: fc.double({ min: 0, max: 30, noNaN: true }),
});
type Operation = typeof operation extends fc.Arbitrary<infer O> ? O : never;

const pick = <T>(values: readonly T[], index: number): T => values[index % values.length]!;

function throughHandles(handles: SeriesHandles, op: Operation): void {
  const page = handles.page(op.app, op.route, op.device, op.engine, op.country);
  const vital = op.index % VITAL_NAMES.length;
  switch (op.kind) {
    case 'view':
      return page.countView(pick(NAVIGATION_TYPES, op.index));
    case 'rating':
      return page.countRating(vital, pick(RATINGS, op.index));
    case 'error':
      return page.countError(pick(ERROR_KINDS, op.index));
    case 'long':
      return page.observeLongTask(pick(LONG_TASK_KINDS, op.index), op.value);
    case 'tbt':
      return page.observeBlockingTime(op.value);
    case 'vital':
      return page.observeVital(vital, op.value);
    case 'score':
      return page.observeScore(op.value);
  }
}

function throughMetrics(metrics: PulseMetrics, op: Operation, geography: boolean): void {
  const { app, route, device, engine } = op;
  // Only page views, ratings and scores carry the country, and only with geography on.
  const country = geography ? { country: op.country } : {};
  const metric = pick(VITAL_NAMES, op.index);
  // The handles of an app hold its beacon counter from the start (every beacon counts itself).
  metrics.beaconsTotal.labels(app);
  switch (op.kind) {
    case 'view':
      return metrics.pageViewsTotal.inc({
        app,
        route,
        navigation: pick(NAVIGATION_TYPES, op.index),
        ...country,
      });
    case 'rating':
      return metrics.webVitalRatingTotal.inc({
        app,
        route,
        metric,
        rating: pick(RATINGS, op.index),
        engine,
        ...country,
      });
    case 'error':
      return metrics.jsErrorsTotal.inc({ app, route, kind: pick(ERROR_KINDS, op.index) });
    case 'long':
      return metrics.longTaskSeconds.observe(
        { app, route, kind: pick(LONG_TASK_KINDS, op.index) },
        op.value,
      );
    case 'tbt':
      return metrics.totalBlockingTimeSeconds.observe({ app, route }, op.value);
    case 'vital':
      return metric === 'CLS'
        ? metrics.layoutShiftScore.observe({ app, route, device, engine }, op.value)
        : metrics.webVitalSeconds.observe({ app, route, metric, device, engine }, op.value);
    case 'score':
      return metrics.pageScore.observe({ app, route, device, engine, ...country }, op.value);
  }
}

describe('SeriesHandles', () => {
  // With geography, the views, ratings and scores of a route live in blocks per country, the
  // rest in blocks shared by every country: each series in one block only, or writes are lost.
  it.each([
    ['without geography (the country ignored)', false],
    ['with geography', true],
  ])(
    'renders exactly what recording through the metrics renders, series made only when used, %s',
    async (_name, geography) => {
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { maxLength: 200 }), async (operations) => {
          const viaHandles = new Registry();
          const viaMetrics = new Registry();
          const handles = new SeriesHandles(createPulseMetrics(viaHandles, { geography }));
          const metrics = createPulseMetrics(viaMetrics, { geography });
          for (const op of operations) {
            throughHandles(handles, op);
            throughMetrics(metrics, op, geography);
          }
          expect(await viaHandles.metrics()).toBe(await viaMetrics.metrics());
        }),
        { numRuns: 200 },
      );
    },
  );

  it('drops the handles of a retired country, so its series are made anew', async () => {
    const registry = new Registry();
    const metrics = createPulseMetrics(registry, { geography: true });
    const handles = new SeriesHandles(metrics);
    handles.page('shop', '/', 'mobile', 'chromium', 'NL').countView('navigate');
    metrics.pageViewsTotal.removeWhere({ app: 'shop', country: 'NL' });
    handles.retire('country', { app: 'shop' }, 'NL');
    handles.page('shop', '/', 'mobile', 'chromium', 'NL').countView('navigate');
    expect(await registry.metrics()).toMatch(
      /^pulse_page_views_total\{app="shop",route="\/",navigation="navigate",country="NL"\} 1$/m,
    );
  });
});

describe('labelCosts', () => {
  it('reserves, with geography, every country value of a route: 10 slots, __other__, __unknown__', () => {
    const without = labelCosts(createPulseMetrics(new Registry()));
    const geography = labelCosts(createPulseMetrics(new Registry(), { geography: true }));
    const metrics = createPulseMetrics(new Registry());
    const countries = RANKED_SLOTS.country + 2;
    // Per country past the first: a route's views and ratings, and a score per device and engine.
    const viewsAndRatings =
      NAVIGATION_TYPES.length + ENGINES.length * VITAL_NAMES.length * RATINGS.length;
    const scores = DEVICE_CLASSES.length * ENGINES.length * metrics.pageScore.slots;
    expect(geography.route).toBe(without.route + (countries - 1) * (viewsAndRatings + scores));
    expect(geography.app - geography.route).toBe(without.app - without.route);
    expect(geography.name).toBe(without.name);
    expect(without.route).toBe(1368);
    expect(geography.route).toBe(3810);
  });
});
