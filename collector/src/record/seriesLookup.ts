/**
 * Reads series values out of a registry by name and label subset, the way a PromQL
 * `sum(metric{labels})` would. For tests and tools that inspect a collector in-process.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

export interface SeriesLookup {
  /** Counter or gauge: sum over the series whose labels include `labels`. */
  value(name: string, labels?: Labels): number;
  /** Histogram: observation count summed over matching series. */
  count(name: string, labels?: Labels): number;
  /** Histogram: sum of observations over matching series. */
  sum(name: string, labels?: Labels): number;
  /** Label sets of a family's series (for histograms, of its `_count` samples). */
  labelSets(name: string): Labels[];
}

interface Sample {
  metricName: string;
  labels: Labels;
  value: number;
}

const includes = (have: Labels, want: Labels) =>
  Object.entries(want).every(([key, value]) => have[key] === value);

/** Snapshot of `registry` now. */
export async function lookupSeries(registry: Registry): Promise<SeriesLookup> {
  const samples: Sample[] = [];
  for (const family of await registry.getMetricsAsJSON()) {
    for (const sample of family.values) {
      const { metricName = family.name } = sample as { metricName?: string };
      const labels = Object.fromEntries(
        Object.entries(sample.labels).map(([key, value]) => [key, String(value)]),
      );
      samples.push({ metricName, labels, value: sample.value });
    }
  }
  const total = (metricName: string, labels: Labels) =>
    samples
      .filter((sample) => sample.metricName === metricName && includes(sample.labels, labels))
      .reduce((sum, sample) => sum + sample.value, 0);
  return {
    value: (name, labels = {}) => total(name, labels),
    count: (name, labels = {}) => total(`${name}_count`, labels),
    sum: (name, labels = {}) => total(`${name}_sum`, labels),
    labelSets: (name) =>
      samples
        .filter((sample) => sample.metricName === name || sample.metricName === `${name}_count`)
        .map((sample) => sample.labels),
  };
}
