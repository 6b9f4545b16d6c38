/**
 * `GET /metrics` text, rendered a part of a metric family per event-loop turn.
 *
 * prom-client's `registry.metrics()` renders every family in one go. At the default series
 * ceiling that is about 5 MB of text and more than 100 ms in which the collector reads no beacon.
 * Rendered a family at a time, the longest stall is the largest family
 * (`pulse_web_vital_seconds`, about half the text); so Pulse's own families (series.ts) are
 * rendered in parts of at most `PART_SAMPLES` samples, and beacons that arrived meanwhile are
 * taken between parts. Each series is read at one instant, as a Prometheus client library's
 * collector reads it, so a histogram's buckets, sum and count agree. The text is byte for byte
 * what `registry.metrics()` gives.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Registry, type Metric, type MetricObject, type OpenMetricsContentType } from 'prom-client';
import { LabelledSeries } from './series.js';

/**
 * Samples rendered per event-loop turn: a few milliseconds of work. With 5,000 the longest gap
 * between beacon answers while scraped at the ceiling was 40-51 ms over three bench runs; with
 * 2,000, 31-33 ms over two (BENCHMARKS.md section 3), for no measurable cost in render time.
 */
export const PART_SAMPLES = 2_000;

/** The parts `metric` is rendered in: Pulse's own families split, prom-client's whole. */
function partsOf(metric: MetricObject): MetricObject[] {
  const family: unknown = metric;
  if (!(family instanceof LabelledSeries)) return [metric];
  return family.parts(PART_SAMPLES) as unknown[] as MetricObject[];
}

/** A part's text without its `# HELP` and `# TYPE` lines, which the family's first part has. */
const samplesOnly = (text: string) => text.slice(text.indexOf('\n', text.indexOf('\n') + 1) + 1);

type ContentType = typeof Registry.PROMETHEUS_CONTENT_TYPE | OpenMetricsContentType;

/**
 * One part's text, rendered by a registry of its own on a view of the part
 * (`Object.create(part)` shares its values through the prototype). prom-client ties one content
 * type to a registry, and when rendering OpenMetrics renames counters in place (drops `_total`),
 * which on the family itself would corrupt the next Prometheus-format scrape: the rename lands on
 * the view.
 */
function renderPart(part: MetricObject, contentType: ContentType): Promise<string> {
  const scratch = new Registry<ContentType>();
  scratch.setContentType(contentType);
  const view = Object.create(part) as MetricObject;
  scratch.registerMetric(view as unknown as Metric);
  // (`type` is the string 'counter' at run time; the typings declare a numeric enum.)
  if (contentType === Registry.OPENMETRICS_CONTENT_TYPE && String(view.type) === 'counter') {
    view.name = part.name.replace(/_total$/, '');
  }
  return scratch.getSingleMetricAsString(part.name);
}

/**
 * Each family of `source`, its parts rendered one per event-loop turn. A family removed from
 * `source` while the render is under way (a plugin closing) is left out.
 */
async function renderFamilies(source: Registry, contentType: ContentType): Promise<string[]> {
  const families: string[] = [];
  for (const metric of source.getMetricsAsArray()) {
    const texts: string[] = [];
    for (const part of partsOf(metric)) {
      await nextTurn();
      if (!isRegistered(source, metric)) break;
      const text = await renderPart(part, contentType);
      texts.push(texts.length === 0 ? text : samplesOnly(text));
    }
    if (isRegistered(source, metric)) families.push(texts.join('\n'));
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
  const families = await renderFamilies(registry, Registry.PROMETHEUS_CONTENT_TYPE);
  return families.map((family, i) => `${family}${i === families.length - 1 ? '\n' : '\n\n'}`);
}

/** The Prometheus text format (0.0.4), as `registry.metrics()` renders it. */
export async function renderPrometheus(registry: Registry): Promise<string> {
  return (await renderPrometheusChunks(registry)).join('');
}

/** OpenMetrics (1.0.0), as `registry.metrics()` of an OpenMetrics registry renders it, in pieces. */
export async function renderOpenMetricsChunks(registry: Registry): Promise<string[]> {
  const families = await renderFamilies(registry, Registry.OPENMETRICS_CONTENT_TYPE);
  return [...families.map((family) => `${family}\n`), '# EOF\n'];
}

/** OpenMetrics (1.0.0) in one string. */
export async function renderOpenMetrics(registry: Registry): Promise<string> {
  return (await renderOpenMetricsChunks(registry)).join('');
}
