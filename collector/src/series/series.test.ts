import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { SeriesCounter, SeriesHistogram } from './series.js';

const BUCKETS = [0.05, 0.1, 0.25, 1, 2.5];
const LABELS = ['app', 'route', 'device'] as const;
type Label = (typeof LABELS)[number];

/** A deterministic stream of observations over a few label sets, some values past every bound. */
function* observations(count: number): Generator<[Record<Label, string>, number]> {
  let seed = 7;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < count; i++) {
    const labels = {
      app: `app${Math.floor(next() * 2)}`,
      route: `/r${Math.floor(next() * 5)}`,
      device: ['desktop', 'mobile', 'tablet'][Math.floor(next() * 3)]!,
    };
    // Exact bounds included: a value equal to a bound belongs to that bucket.
    const value = next() < 0.2 ? BUCKETS[Math.floor(next() * BUCKETS.length)]! : next() * 4;
    yield [labels, value];
  }
}

describe('SeriesHistogram', () => {
  it('renders exactly what prom-client renders for the same observations', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'help',
      labelNames: LABELS,
      buckets: BUCKETS,
      registers: [theirs],
    });
    const histogram = new SeriesHistogram({
      name: 'h_seconds',
      help: 'help',
      labelNames: LABELS,
      buckets: BUCKETS,
    });
    ours.registerMetric(histogram.asRegistryMetric());
    for (const [labels, value] of observations(2000)) {
      reference.observe(labels, value);
      histogram.observe(labels, value);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text.split('\n').filter((line) => line.startsWith('h_seconds_count'))).toHaveLength(30);
    // prom-client adds `exemplar: null` to bucket samples; exemplars are off, so none is kept.
    const withoutExemplars = (await theirs.getMetricsAsJSON()).map((family) => ({
      ...family,
      values: family.values.map((sample) => {
        const { exemplar: _, ...rest } = sample as typeof sample & { exemplar?: unknown };
        return rest;
      }),
    }));
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars);
  });

  it('reads as numbers (cumulativeSeries) what prom-client renders as samples', async () => {
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'help',
      labelNames: LABELS,
      buckets: BUCKETS,
      registers: [],
    });
    const histogram = new SeriesHistogram({
      name: 'h_seconds',
      help: 'help',
      labelNames: LABELS,
      buckets: BUCKETS,
    });
    for (const [labels, value] of observations(2000)) {
      reference.observe(labels, value);
      histogram.observe(labels, value);
    }
    // prom-client's samples regrouped per series: `_bucket` by `le`, then `_sum` and `_count`.
    const expected = new Map<string, { buckets: { le: number; count: number }[]; sum?: number }>();
    for (const { labels, value, metricName } of (await reference.get()).values) {
      const { le, ...own } = labels as Record<string, string | number>;
      const key = JSON.stringify(LABELS.map((name) => own[name]));
      const series = expected.get(key) ?? { buckets: [] };
      expected.set(key, series);
      if (metricName === 'h_seconds_bucket')
        series.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value });
      if (metricName === 'h_seconds_sum') series.sum = value;
    }
    const read = histogram.cumulativeSeries();
    expect(read).toHaveLength(30);
    for (const series of read) {
      const theirs = expected.get(JSON.stringify(LABELS.map((name) => series.labels[name])));
      expect(series.buckets).toEqual(theirs?.buckets);
      expect(series.count).toBe(series.buckets.at(-1)!.count);
      expect(series.sum).toBeCloseTo(theirs!.sum!, 9);
    }
  });

  it('keeps a series per label set, whatever the key order of the labels object', async () => {
    const histogram = new SeriesHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['a', 'b'],
      buckets: [1],
    });
    histogram.observe({ a: 'x', b: 'y' }, 0.5);
    histogram.observe({ b: 'y', a: 'x' }, 2);
    histogram.observe({ a: 'y', b: 'x' }, 0.5);
    const { values } = await histogram.get();
    const counts = values.filter((v) => v.metricName === 'h_count');
    expect(counts).toEqual([
      { labels: { a: 'x', b: 'y' }, value: 2, metricName: 'h_count' },
      { labels: { a: 'y', b: 'x' }, value: 1, metricName: 'h_count' },
    ]);
  });

  it('labels(...values) takes values in labelNames order and names the same series', async () => {
    const histogram = new SeriesHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['a', 'b'],
      buckets: [1],
    });
    histogram.labels('x', 'y').observe(0.5);
    histogram.observe({ b: 'y', a: 'x' }, 0.5);
    histogram.labels('y', 'x').observe(2);
    expect(histogram.labels('x', 'y')).toBe(histogram.labels('x', 'y'));
    const counts = (await histogram.get()).values.filter((v) => v.metricName === 'h_count');
    expect(counts.map((v) => [v.labels, v.value])).toEqual([
      [{ a: 'x', b: 'y' }, 2],
      [{ a: 'y', b: 'x' }, 1],
    ]);
  });

  it('zero() creates a series with empty buckets, reset() forgets every series', async () => {
    const histogram = new SeriesHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['a'],
      buckets: [1, 2],
    });
    histogram.zero({ a: 'x' });
    expect((await histogram.get()).values.map((v) => v.value)).toEqual([0, 0, 0, 0, 0]);
    histogram.reset();
    expect((await histogram.get()).values).toEqual([]);
  });

  it('refuses what prom-client refuses: a value that is not finite, a label not declared', () => {
    const histogram = new SeriesHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['a'],
      buckets: [1],
    });
    expect(() => histogram.observe({ a: 'x' }, Number.NaN)).toThrow(TypeError);
    expect(() => histogram.observe({ a: 'x', b: 'y' } as never, 1)).toThrow(/"b"/);
  });
});

describe('SeriesCounter', () => {
  it('renders exactly what prom-client renders for the same increments', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Counter({
      name: 'c_total',
      help: 'help',
      labelNames: LABELS,
      registers: [theirs],
    });
    const counter = new SeriesCounter({ name: 'c_total', help: 'help', labelNames: LABELS });
    ours.registerMetric(counter.asRegistryMetric());
    for (const [labels, value] of observations(500)) {
      reference.inc(labels, value);
      counter.inc(labels, value);
      reference.inc(labels);
      counter.inc(labels);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('starts a series at 0 with inc(labels, 0) and refuses to go down', async () => {
    const counter = new SeriesCounter({ name: 'c_total', help: 'h', labelNames: ['reason'] });
    counter.inc({ reason: 'schema' }, 0);
    expect((await counter.get()).values).toEqual([{ labels: { reason: 'schema' }, value: 0 }]);
    expect(() => counter.inc({ reason: 'schema' }, -1)).toThrow(/decrease/);
    expect(() => counter.inc({ reason: 'schema' }, Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});

describe('labelsAt: a series kept in a shared array', () => {
  it('carries numbers recorded before the move, and renders what is recorded after it', async () => {
    const registry = new Registry();
    const histogram = new SeriesHistogram({
      name: 'h_seconds',
      help: 'help',
      labelNames: ['app'],
      buckets: BUCKETS,
    });
    const counter = new SeriesCounter({ name: 'c_total', help: 'help', labelNames: ['app'] });
    registry.registerMetric(histogram.asRegistryMetric());
    registry.registerMetric(counter.asRegistryMetric());
    histogram.observe({ app: 'a' }, 0.2);
    counter.inc({ app: 'a' }, 2);

    const shared = new Float64Array(1 + histogram.slots + 5);
    counter.labelsAt(shared, 0, 'a');
    histogram.labelsAt(shared, 1, 'a');
    counter.recordAt(shared, 0, 3);
    histogram.recordAt(shared, 1, 3);
    // Recording through the series object lands in the same place.
    histogram.labels('a').observe(0.05);

    const text = await registry.metrics();
    expect(text).toContain('c_total{app="a"} 5');
    expect(text).toContain('h_seconds_count{app="a"} 3');
    expect(text).toContain('h_seconds_sum{app="a"} 3.25');
    expect(text).toContain('h_seconds_bucket{le="0.05",app="a"} 1');
    expect(text).toContain('h_seconds_bucket{le="0.25",app="a"} 2');
    expect(text).toContain('h_seconds_bucket{le="+Inf",app="a"} 3');
    // The slots past the two series are untouched.
    expect([...shared.subarray(1 + histogram.slots)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('makes a series that did not exist, as labels() does', async () => {
    const counter = new SeriesCounter({ name: 'c_total', help: 'help', labelNames: ['app'] });
    const shared = new Float64Array(1);
    expect((await counter.get()).values).toEqual([]);
    counter.labelsAt(shared, 0, 'a');
    counter.recordAt(shared, 0, 1);
    expect((await counter.get()).values).toEqual([{ labels: { app: 'a' }, value: 1 }]);
  });
});
