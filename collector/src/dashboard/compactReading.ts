/**
 * Registry readings kept for the collector's local history, and the figures of a window between
 * two readings.
 *
 * A stored reading is grouped as the summary needs (summaryGrouping.ts) and packed into one
 * Float64Array per family: 8 bytes per number instead of a JavaScript object per bucket. The
 * series keys of a family rarely change from one reading to the next, so a reading reuses the
 * previous one's key list when it is the same: the history then costs its numbers and little
 * more (docs/DASHBOARD.md gives the figures).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { histogramIncrease } from './histogramFigures.js';
import {
  sumHistograms,
  sumScalars,
  type HistogramSeries,
  type Labels,
  type RegistryReading,
  type ScalarSeries,
} from './registryReading.js';
import { SUMMARY_GROUPING } from './summaryGrouping.js';

/** One family of a stored reading. */
interface CompactFamily {
  /** The grouping labels' values of each series, in `SUMMARY_GROUPING` order. */
  keys: readonly string[];
  /** Histograms: the bucket bounds every series of the family shares; counters: empty. */
  les: readonly number[];
  /**
   * Counters: one value per series. Histograms: per series, the cumulative bucket counts in
   * `les` order, then the sum (the count is the `+Inf` bucket).
   */
  values: Float64Array;
}

export interface CompactReading {
  at: number;
  families: Map<string, CompactFamily>;
}

/** The labels of `names` in `labels`, as one key. */
const keyOf = (labels: Labels, names: readonly string[]) =>
  JSON.stringify(names.map((name) => labels[name] ?? ''));

const labelsOf = (key: string, names: readonly string[]): Labels => {
  const values = JSON.parse(key) as string[];
  const labels: Labels = {};
  names.forEach((name, i) => {
    if (values[i] !== '') labels[name] = values[i]!;
  });
  return labels;
};

/** `reading` summed down to the labels of `SUMMARY_GROUPING`, one family per event-loop turn. */
export async function groupedReading(reading: RegistryReading): Promise<RegistryReading> {
  const grouped: RegistryReading = { at: reading.at, scalars: new Map(), histograms: new Map() };
  for (const [name, by] of Object.entries(SUMMARY_GROUPING)) {
    if (reading.histograms.has(name)) {
      grouped.histograms.set(name, [...sumHistograms(reading, name, by).values()]);
    } else if (reading.scalars.has(name)) {
      grouped.scalars.set(name, [...sumScalars(reading, name, by).values()]);
    } else continue;
    await nextTurn();
  }
  return grouped;
}

const sameKeys = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((key, i) => key === b[i]);

/** Packs a grouped reading; key lists equal to `previous`'s are shared with it. */
export function compactReading(
  grouped: RegistryReading,
  previous?: CompactReading,
): CompactReading {
  const families = new Map<string, CompactFamily>();
  const keep = (name: string, keys: string[], les: readonly number[], values: Float64Array) => {
    const before = previous?.families.get(name);
    families.set(name, {
      keys: before !== undefined && sameKeys(before.keys, keys) ? before.keys : keys,
      les:
        before !== undefined && sameKeys(before.les.map(String), les.map(String))
          ? before.les
          : les,
      values,
    });
  };
  for (const [name, series] of grouped.scalars) {
    const by = SUMMARY_GROUPING[name as keyof typeof SUMMARY_GROUPING] ?? [];
    keep(
      name,
      series.map((one) => keyOf(one.labels, by)),
      [],
      Float64Array.from(series, (one) => one.value),
    );
  }
  for (const [name, series] of grouped.histograms) {
    const by = SUMMARY_GROUPING[name as keyof typeof SUMMARY_GROUPING] ?? [];
    const les = series[0]?.buckets.map((bucket) => bucket.le) ?? [];
    const width = les.length + 1;
    const values = new Float64Array(series.length * width);
    series.forEach((one, i) => {
      les.forEach((le, b) => {
        const bucket =
          one.buckets[b]?.le === le ? one.buckets[b] : one.buckets.find((x) => x.le === le);
        values[i * width + b] = bucket?.count ?? 0;
      });
      values[i * width + les.length] = one.sum;
    });
    keep(
      name,
      series.map((one) => keyOf(one.labels, by)),
      les,
      values,
    );
  }
  return { at: grouped.at, families };
}

/** The bytes a stored reading holds in numbers (its key lists are mostly shared). */
export const compactBytes = (reading: CompactReading) =>
  [...reading.families.values()].reduce((sum, family) => sum + family.values.byteLength, 0);

/** Where each key sits in a family: built once per distinct key list, which readings share. */
const positions = new WeakMap<readonly string[], Map<string, number>>();
function positionOf(family: CompactFamily, key: string): number | undefined {
  let index = positions.get(family.keys);
  if (index === undefined) {
    index = new Map(family.keys.map((one, i) => [one, i]));
    positions.set(family.keys, index);
  }
  return index.get(key);
}

function storedHistogram(family: CompactFamily, i: number, labels: Labels): HistogramSeries {
  const width = family.les.length + 1;
  const buckets = family.les.map((le, b) => ({ le, count: family.values[i * width + b]! }));
  return {
    labels,
    buckets,
    count: buckets.at(-1)?.count ?? 0,
    sum: family.values[i * width + family.les.length]!,
  };
}

/**
 * What happened between `base` and `now` (both grouped): per series, the increase, as PromQL's
 * `increase()` counts it without extrapolation. A series that went down was reset (its label
 * value was evicted and admitted again) and counts whole from zero; a series absent from `base`
 * is new and counts whole too. Without `base`, `now` itself: everything since the collector
 * started.
 */
export function windowReading(
  now: RegistryReading,
  base: CompactReading | undefined,
): RegistryReading {
  if (base === undefined) return now;
  const window: RegistryReading = { at: now.at, scalars: new Map(), histograms: new Map() };
  for (const [name, series] of now.scalars) {
    const family = base.families.get(name);
    const by = SUMMARY_GROUPING[name as keyof typeof SUMMARY_GROUPING] ?? [];
    window.scalars.set(
      name,
      series.map((one): ScalarSeries => {
        const i = family === undefined ? undefined : positionOf(family, keyOf(one.labels, by));
        const before = i === undefined ? 0 : family!.values[i]!;
        return { labels: one.labels, value: one.value >= before ? one.value - before : one.value };
      }),
    );
  }
  for (const [name, series] of now.histograms) {
    const family = base.families.get(name);
    const by = SUMMARY_GROUPING[name as keyof typeof SUMMARY_GROUPING] ?? [];
    window.histograms.set(
      name,
      series.map((one) => {
        const i = family === undefined ? undefined : positionOf(family, keyOf(one.labels, by));
        const before = i === undefined ? undefined : storedHistogram(family!, i, one.labels);
        const increase = histogramIncrease(one, before)!;
        // A bucket that went down means a reset the count alone did not show.
        return increase.buckets.some((bucket) => bucket.count < 0) ? one : increase;
      }),
    );
  }
  return window;
}

/** A stored reading unpacked, for tests and for persisting the history. */
export function expandReading(reading: CompactReading): RegistryReading {
  const expanded: RegistryReading = { at: reading.at, scalars: new Map(), histograms: new Map() };
  for (const [name, family] of reading.families) {
    const by = SUMMARY_GROUPING[name as keyof typeof SUMMARY_GROUPING] ?? [];
    if (family.les.length === 0) {
      expanded.scalars.set(
        name,
        family.keys.map((key, i) => ({ labels: labelsOf(key, by), value: family.values[i]! })),
      );
    } else {
      expanded.histograms.set(
        name,
        family.keys.map((key, i) => storedHistogram(family, i, labelsOf(key, by))),
      );
    }
  }
  return expanded;
}

/**
 * `reading` moved onto the counters of a new process: less `carry`, the previous process's last
 * reading. A window from a reading so rebased to one of the new process (whose counters started
 * again at zero) then counts what the old process counted after it plus everything since the
 * restart. Series `carry` has and `reading` lacks were still at zero then: they get `-carry`.
 */
export function rebaseReading(reading: CompactReading, carry: CompactReading): CompactReading {
  const families = new Map<string, CompactFamily>();
  for (const name of new Set([...reading.families.keys(), ...carry.families.keys()])) {
    const family = reading.families.get(name);
    const old = carry.families.get(name);
    const les = family?.les ?? old!.les;
    if (old === undefined || !sameKeys(old.les.map(String), les.map(String))) {
      families.set(name, family!);
      continue;
    }
    const width = les.length === 0 ? 1 : les.length + 1;
    const keys = [...(family?.keys ?? [])];
    const known = new Set(keys);
    for (const key of old.keys) if (!known.has(key)) keys.push(key);
    const values = new Float64Array(keys.length * width);
    if (family !== undefined) values.set(family.values);
    keys.forEach((key, i) => {
      const j = positionOf(old, key);
      if (j === undefined) return;
      for (let w = 0; w < width; w++) {
        values[i * width + w] = values[i * width + w]! - old.values[j * width + w]!;
      }
    });
    families.set(name, { keys, les, values });
  }
  return { at: reading.at, families };
}

/**
 * `now` (grouped) with a zero series for each series of `base` that `now` lacks and that a
 * previous process counted (negative in a rebased reading): a route nobody has visited since a
 * restart still counts, over a range reaching before it, what it had before.
 */
export function withCarriedSeries(now: RegistryReading, base: CompactReading): RegistryReading {
  const filled: RegistryReading = {
    at: now.at,
    scalars: new Map(now.scalars),
    histograms: new Map(now.histograms),
  };
  for (const [name, family] of base.families) {
    const by = SUMMARY_GROUPING[name as keyof typeof SUMMARY_GROUPING] ?? [];
    const width = family.les.length === 0 ? 1 : family.les.length + 1;
    const histogram = family.les.length > 0;
    const present = new Set(
      (histogram ? filled.histograms.get(name) : filled.scalars.get(name))?.map((one) =>
        keyOf(one.labels, by),
      ),
    );
    const carried = family.keys.filter(
      (key, i) =>
        !present.has(key) && family.values.subarray(i * width, (i + 1) * width).some((v) => v < 0),
    );
    if (carried.length === 0) continue;
    if (histogram) {
      const zeros = carried.map((key): HistogramSeries => ({
        labels: labelsOf(key, by),
        buckets: family.les.map((le) => ({ le, count: 0 })),
        count: 0,
        sum: 0,
      }));
      filled.histograms.set(name, [...(filled.histograms.get(name) ?? []), ...zeros]);
    } else {
      const zeros = carried.map((key): ScalarSeries => ({ labels: labelsOf(key, by), value: 0 }));
      filled.scalars.set(name, [...(filled.scalars.get(name) ?? []), ...zeros]);
    }
  }
  return filled;
}
