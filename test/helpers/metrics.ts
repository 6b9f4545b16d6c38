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
  const text = await response.text();
  const families = parsePrometheusTextFormat(text);
  // The parser folds a histogram's series into one sample without labels, so labelled histograms
  // lose their _count and _sum; read those as the plain series they are, without the TYPE line
  // (each label set then starts a family of its own, hence the filter over all families).
  const plainFamilies = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ''));
  const samplesIn = (list: MetricFamily[], name: string, labels: Record<string, string>) =>
    list
      .filter((family) => family.name === name)
      .flatMap((family) => family.metrics)
      .filter((sample) => matches(sample.labels, labels));
  const samples = (name: string, labels: Record<string, string>) =>
    samplesIn(families, name, labels);
  const plainValues = (name: string, labels: Record<string, string>) =>
    samplesIn(plainFamilies, name, labels).map((sample) => (sample as PlainSample).value);
  const total = (values: string[]) => values.reduce((sum, value) => sum + Number(value), 0);
  return {
    text,
    families,
    value: (name, labels = {}) =>
      total(samples(name, labels).map((sample) => (sample as PlainSample).value)),
    count: (name, labels = {}) => total(plainValues(`${name}_count`, labels)),
    sum: (name, labels = {}) => total(plainValues(`${name}_sum`, labels)),
    labelSets: (name) =>
      (families.find((family) => family.name === name)?.metrics ?? []).map(
        (sample) => sample.labels ?? {},
      ),
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
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await scrape(collectorUrl);
  }
  return last;
}
