import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { PART_SAMPLES, renderOpenMetrics, renderPrometheus } from './renderMetrics.js';
import { SeriesCounter, SeriesHistogram } from './series.js';

/** Pulse's own series types beside prom-client's, each with a value, in one registry. */
function populatedRegistry(): Registry {
  const registry = new Registry();
  const registers = [registry];
  const beacons = new SeriesCounter({
    name: 'pulse_beacons_total',
    help: 'Beacons',
    labelNames: ['app'],
  });
  registry.registerMetric(beacons.asRegistryMetric());
  beacons.inc({ app: 'shop' });
  const vitals = new SeriesHistogram({
    name: 'pulse_web_vital_seconds',
    help: 'Vitals',
    labelNames: ['app', 'metric'],
    buckets: [0.1, 1],
  });
  registry.registerMetric(vitals.asRegistryMetric());
  vitals.observe({ app: 'shop', metric: 'LCP' }, 0.5);
  new Counter({
    name: 'app_orders_total',
    help: 'Orders "placed"\\n',
    labelNames: ['shop'],
    registers,
  })
    .labels('a\\b "c"\nd')
    .inc(3);
  new Gauge({ name: 'app_queue_depth', help: 'Queue depth', registers }).set(7);
  new Histogram({ name: 'app_wait_seconds', help: 'Wait', buckets: [0.1, 1], registers }).observe(
    0.5,
  );
  return registry;
}

describe('renderPrometheus', () => {
  it('renders byte for byte what registry.metrics() renders', async () => {
    const registry = populatedRegistry();
    const text = await renderPrometheus(registry);
    expect(text).toContain('pulse_beacons_total{app="shop"} 1');
    expect(text).toContain('app_orders_total{shop="a\\\\b \\"c\\"\\nd"} 3');
    expect(text).toBe(await registry.metrics());
  });

  it('lets other work run between metric families', async () => {
    const registry = populatedRegistry();
    let finished = false;
    const render = renderPrometheus(registry).then(() => (finished = true));
    // registry.metrics() renders everything within one turn: this would run after it finished.
    const ranDuringRender = new Promise<boolean>((resolve) =>
      setImmediate(() => resolve(!finished)),
    );
    await render;
    expect(await ranDuringRender).toBe(true);
  });

  it('leaves out a family removed while the render is under way', async () => {
    const registry = populatedRegistry();
    const render = renderPrometheus(registry);
    registry.removeSingleMetric('app_wait_seconds');
    const text = await render;
    expect(text).not.toContain('app_wait_seconds');
    expect(text).toContain('app_queue_depth 7');
  });
});

describe('renderOpenMetrics', () => {
  /** What prom-client renders for OpenMetrics, on copies so the originals keep their names. */
  async function promClientOpenMetrics(registry: Registry): Promise<string> {
    const openMetrics = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
    openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    for (const metric of registry.getMetricsAsArray())
      openMetrics.registerMetric(Object.create(metric) as Metric);
    return openMetrics.metrics();
  }

  it('renders byte for byte what prom-client renders for OpenMetrics', async () => {
    const registry = populatedRegistry();
    const text = await renderOpenMetrics(registry);
    expect(text).toContain('# TYPE pulse_beacons counter');
    expect(text).toContain('pulse_beacons_total{app="shop"} 1');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toBe(await promClientOpenMetrics(registry));
  });

  it('leaves the counters of the registry named as they were', async () => {
    const registry = populatedRegistry();
    const before = await registry.metrics();
    await renderOpenMetrics(registry);
    expect(registry.getSingleMetric('app_orders_total')).toBeDefined();
    expect(await registry.metrics()).toBe(before);
  });
});

describe('a family larger than one part', () => {
  /** A registry whose histogram holds `series` series: several parts of PART_SAMPLES samples. */
  function largeRegistry(series: number) {
    const registry = populatedRegistry();
    const routes = new SeriesHistogram({
      name: 'pulse_route_seconds',
      help: 'Per route',
      labelNames: ['app', 'route'],
      buckets: [0.1, 0.5, 1, 5],
    });
    registry.registerMetric(routes.asRegistryMetric());
    for (let i = 0; i < series; i++) routes.observe({ app: 'shop', route: `/r${i}` }, i % 7);
    return { registry, routes };
  }
  // 7 samples per series (4 buckets, +Inf, sum, count): three parts and a bit.
  const SERIES = Math.ceil((PART_SAMPLES * 3.5) / 7);

  it('renders both formats byte for byte as prom-client does', async () => {
    const { registry } = largeRegistry(SERIES);
    const prometheus = await renderPrometheus(registry);
    expect(prometheus.match(/^# TYPE pulse_route_seconds /gm)).toHaveLength(1);
    expect(prometheus).toContain(`pulse_route_seconds_count{app="shop",route="/r${SERIES - 1}"} 1`);
    expect(prometheus).toBe(await registry.metrics());
    const openMetrics = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
    openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    for (const metric of registry.getMetricsAsArray())
      openMetrics.registerMetric(Object.create(metric) as Metric);
    expect(await renderOpenMetrics(registry)).toBe(await openMetrics.metrics());
  });

  it('takes other work between the parts of one family', async () => {
    const { registry, routes } = largeRegistry(SERIES);
    // Between two parts of pulse_route_seconds, a beacon observes into its first series.
    let turns = 0;
    const render = renderPrometheus(registry);
    const interleave = () => {
      turns++;
      routes.observe({ app: 'shop', route: '/r0' }, 0.05);
      if (turns < 200) setImmediate(interleave);
    };
    setImmediate(interleave);
    const text = await render;
    // More turns ran than there are families: the large family did not render in one turn.
    expect(turns).toBeGreaterThan(registry.getMetricsAsArray().length);
    // The first series was read at one instant: its +Inf bucket and count agree.
    const inf = /pulse_route_seconds_bucket\{le="\+Inf",app="shop",route="\/r0"\} (\d+)/.exec(text);
    const count = /pulse_route_seconds_count\{app="shop",route="\/r0"\} (\d+)/.exec(text);
    expect(inf?.[1]).toBe(count?.[1]);
  });
});
