import { setTimeout as delay } from 'node:timers/promises';
import parsePrometheusTextFormat, {
  type MetricFamily,
  type PlainSample,
} from 'parse-prometheus-text-format';

/** A parsed /metrics page, with lookups by series name and a label subset. */
export interface Scrape {
  text: string;
  families: MetricFamily[];
  /** Counter or gauge value summed over the series whose labels include `labels`. */
  value(name: string, labels?: Record<string, string>): number;
  /** Histogram observation count summed over the series whose labels include `labels`. */
  count(name: string, labels?: Record<string, string>): number;
  /** Histogram sum summed over the series whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
  /** Every label set seen on a series. */
  labelSets(name: string): Record<string, string>[];
}

const matches = (have: Record<string, string> | undefined, want: Record<string, string>) =>
  Object.entries(want).every(([key, value]) => have?.[key] === value);

export async function scrape(collectorUrl: string): Promise<Scrape> {
  const response = await fetch(`${collectorUrl}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  return parseScrape(await response.text());
}

/** Parses a /metrics page (Prometheus text format) however it was fetched. */
export function parseScrape(text: string): Scrape {
  // The parser folds a typed histogram's series into one sample without labels, so labelled
  // histograms would lose their _count and _sum. Without their TYPE lines, a histogram's
  // _bucket, _count and _sum are read as the plain series they are (each label set then starts a
  // family of its own, hence every lookup goes over all families of a name).
  const families = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ''));
  const samples = (name: string, labels: Record<string, string> = {}) =>
    families
      .filter((family) => family.name === name)
      .flatMap((family) => family.metrics)
      .filter((sample) => matches(sample.labels, labels));
  const total = (name: string, labels?: Record<string, string>) =>
    samples(name, labels).reduce((sum, sample) => sum + Number((sample as PlainSample).value), 0);
  return {
    text,
    families,
    value: total,
    count: (name, labels) => total(`${name}_count`, labels),
    sum: (name, labels) => total(`${name}_sum`, labels),
    labelSets: (name) => samples(name).map((sample) => sample.labels ?? {}),
  };
}

/** Polls /metrics until `ready` holds, so tests wait for beacons without fixed sleeps. */
export async function waitForScrape(
  collectorUrl: string,
  ready: (metrics: Scrape) => boolean,
  timeoutMs = 15_000,
): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  let last = await scrape(collectorUrl);
  while (!ready(last) && Date.now() < deadline) {
    await delay(200);
    last = await scrape(collectorUrl);
  }
  return last;
}

/**
 * Scrapes until `read` gives the same value twice, `intervalMs` apart: the figure once the
 * deliveries in flight have landed (a page drains its retry queue one body after another).
 */
export async function settledValue(
  collectorUrl: string,
  read: (metrics: Scrape) => number,
  intervalMs = 1000,
): Promise<number> {
  let previous = read(await scrape(collectorUrl));
  for (;;) {
    await delay(intervalMs);
    const value = read(await scrape(collectorUrl));
    if (value === previous) return value;
    previous = value;
  }
}
