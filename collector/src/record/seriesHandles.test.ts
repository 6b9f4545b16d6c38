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
import { SeriesHandles, VITAL_NAMES } from './seriesHandles.js';

/** One recording, as the handles take it; `value` is used by the observing kinds. */
const operation = fc.record({
  app: fc.constantFrom('shop', 'blog'),
  route: fc.constantFrom('/', '/products/:id', '/checkout'),
  device: fc.constantFrom(...DEVICE_CLASSES),
  engine: fc.constantFrom(...ENGINES),
  kind: fc.constantFrom('view', 'rating', 'error', 'long', 'tbt', 'vital', 'score'),
  index: fc.nat(),
  value: fc.double({ min: 0, max: 30, noNaN: true }),
});
type Operation = typeof operation extends fc.Arbitrary<infer O> ? O : never;

const pick = <T>(values: readonly T[], index: number): T => values[index % values.length]!;

function throughHandles(handles: SeriesHandles, op: Operation): void {
  const page = handles.page(op.app, op.route, op.device, op.engine);
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

function throughMetrics(metrics: PulseMetrics, op: Operation): void {
  const { app, route, device, engine } = op;
  const metric = pick(VITAL_NAMES, op.index);
  // The handles of an app hold its beacon counter from the start (every beacon counts itself).
  metrics.beaconsTotal.labels(app);
  switch (op.kind) {
    case 'view':
      return metrics.pageViewsTotal.inc({
        app,
        route,
        navigation: pick(NAVIGATION_TYPES, op.index),
      });
    case 'rating':
      return metrics.webVitalRatingTotal.inc({
        app,
        route,
        metric,
        rating: pick(RATINGS, op.index),
        engine,
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
      return metrics.pageScore.observe({ app, route, device, engine }, op.value);
  }
}

describe('SeriesHandles', () => {
  it('renders exactly what recording through the metrics renders, series made only when used', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 200 }), async (operations) => {
        const viaHandles = new Registry();
        const viaMetrics = new Registry();
        const handles = new SeriesHandles(createPulseMetrics(viaHandles));
        const metrics = createPulseMetrics(viaMetrics);
        for (const op of operations) {
          throughHandles(handles, op);
          throughMetrics(metrics, op);
        }
        expect(await viaHandles.metrics()).toBe(await viaMetrics.metrics());
      }),
      { numRuns: 200 },
    );
  });
});
