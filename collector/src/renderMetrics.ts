/**
 * `GET /metrics` text, rendered one metric family per event-loop turn.
 *
 * prom-client's `registry.metrics()` renders every family in one go. At the default caps that is
 * about 3.5 MB of text and 40–75 ms in which the collector reads no beacon. Rendered a family at
 * a time, beacons that arrived meanwhile are taken between families, and the longest stall is the
 * largest family (`pulse_web_vital_seconds`, about 2 MB: 20–27 ms). Each family is still read at
 * one instant, as a Prometheus client library's collector reads it, so a histogram's buckets, sum
 * and count agree. The text is byte for byte what `registry.metrics()` gives.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Registry, type Metric, type MetricObject, type OpenMetricsContentType } from 'prom-client';

/** Each family of `source` through `render`, one per event-loop turn (undefined: left out). */
async function renderFamilies(
  source: Registry,
  render: (metric: MetricObject) => Promise<string> | undefined,
): Promise<string[]> {
  const families: string[] = [];
  for (const metric of source.getMetricsAsArray()) {
    await nextTurn();
    const text = render(metric);
    if (text !== undefined) families.push(await text);
  }
  return families;
}

/** False once `metric` was removed from `registry`, between two turns of a render. */
const isRegistered = (registry: Registry, metric: MetricObject) =>
  (registry.getSingleMetric(metric.name) as unknown) === metric;

/**
 * The Prometheus text format (0.0.4) as pieces that, written one after another, are what
 * `registry.metrics()` renders: one piece per family, so a response can be streamed.
 */
export async function renderPrometheusChunks(registry: Registry): Promise<string[]> {
  const families = await renderFamilies(registry, (metric) =>
    // A plugin may remove its series (on close) while a scrape is under way.
    isRegistered(registry, metric) ? registry.getSingleMetricAsString(metric.name) : undefined,
  );
  return families.map((family, i) => `${family}${i === families.length - 1 ? '\n' : '\n\n'}`);
}

/** The Prometheus text format (0.0.4), as `registry.metrics()` renders it. */
export async function renderPrometheus(registry: Registry): Promise<string> {
  return (await renderPrometheusChunks(registry)).join('');
}

/**
 * OpenMetrics (1.0.0), as `registry.metrics()` of an OpenMetrics registry renders it.
 * prom-client ties one content type to a registry and, when rendering OpenMetrics, renames
 * counters in place (drops `_total`), which would corrupt the next Prometheus-format scrape of the
 * same metric objects. So each family is rendered through a throw-away view:
 * `Object.create(metric)` shares the metric's values through the prototype, while the rename
 * lands on the view.
 */
export async function renderOpenMetricsChunks(registry: Registry): Promise<string[]> {
  const openMetrics = new Registry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const families = await renderFamilies(registry, (metric) => {
    if (!isRegistered(registry, metric)) return undefined;
    const view = Object.create(metric) as MetricObject;
    openMetrics.registerMetric(view as unknown as Metric);
    // Registered under its own name, renamed as prom-client renames counters for OpenMetrics.
    // (`type` is the string 'counter' at run time; the typings declare a numeric enum.)
    if (String(view.type) === 'counter') view.name = metric.name.replace(/_total$/, '');
    return openMetrics.getSingleMetricAsString(metric.name);
  });
  return [...families.map((family) => `${family}\n`), '# EOF\n'];
}

/** OpenMetrics (1.0.0) in one string. */
export async function renderOpenMetrics(registry: Registry): Promise<string> {
  return (await renderOpenMetricsChunks(registry)).join('');
}
