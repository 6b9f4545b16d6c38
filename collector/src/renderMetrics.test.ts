import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { exampleBeacon } from './exampleBeacons.js';
import { renderOpenMetrics, renderPrometheus } from './renderMetrics.js';
import { createCollector } from './server.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A collector's registry holding the example beacon, beside prom-client's own metric types. */
async function populatedRegistry(): Promise<Registry> {
  app = await createCollector({ processMetrics: false, rateLimit: false });
  await app.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify(exampleBeacon()),
  });
  const registry = app.pulse.registry;
  const registers = [registry];
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
    const registry = await populatedRegistry();
    const text = await renderPrometheus(registry);
    expect(text).toContain('pulse_beacons_total{app="shop"} 1');
    expect(text).toContain('app_orders_total{shop="a\\\\b \\"c\\"\\nd"} 3');
    expect(text).toBe(await registry.metrics());
  });

  it('lets other work run between metric families', async () => {
    const registry = await populatedRegistry();
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
    const registry = await populatedRegistry();
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
    const registry = await populatedRegistry();
    const text = await renderOpenMetrics(registry);
    expect(text).toContain('# TYPE pulse_beacons counter');
    expect(text).toContain('pulse_beacons_total{app="shop"} 1');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toBe(await promClientOpenMetrics(registry));
  });

  it('leaves the counters of the registry named as they were', async () => {
    const registry = await populatedRegistry();
    const before = await registry.metrics();
    await renderOpenMetrics(registry);
    expect(registry.getSingleMetric('app_orders_total')).toBeDefined();
    expect(await registry.metrics()).toBe(before);
  });
});
