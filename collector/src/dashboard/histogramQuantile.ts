/** One cumulative histogram bucket: observations less than or equal to `le`. */
export interface CumulativeBucket {
  /** Upper bound; `Infinity` for the `+Inf` bucket. */
  le: number;
  /** Observations at or below `le` (cumulative, as Prometheus exposes `_bucket` series). */
  count: number;
}

/**
 * The q-quantile of a cumulative histogram, computed exactly as PromQL's `histogram_quantile`
 * (prometheus/promql/quantile.go, `bucketQuantile`): linear interpolation inside the bucket that
 * holds the rank, the lower bound of the first bucket taken as 0, and the highest finite bound
 * returned when the rank falls into `+Inf`. The dashboard shows the same p75 a Grafana panel
 * shows for the same data, which is what lets a reader trust both.
 *
 * Returns `null` where Prometheus returns NaN: no `+Inf` bucket, fewer than two buckets, no
 * observations, or q = 0 with an empty first bucket.
 */
export function histogramQuantile(q: number, input: readonly CumulativeBucket[]): number | null {
  if (Number.isNaN(q)) return null;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = coalesce([...input].sort((a, b) => a.le - b.le));
  const last = buckets[buckets.length - 1];
  if (last === undefined || last.le !== Infinity || buckets.length < 2) return null;
  ensureMonotonic(buckets);
  const observations = last.count;
  if (observations === 0) return null;

  let rank = q * observations;
  // Like Go's sort.Search over all but the +Inf bucket: the first bucket holding the rank.
  let b = buckets.findIndex((bucket, i) => i < buckets.length - 1 && bucket.count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  const bucket = buckets[b]!;
  if (b === 0 && bucket.le <= 0) return bucket.le;

  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const previous = buckets[b - 1]!;
    start = previous.le;
    count -= previous.count;
    rank -= previous.count;
  }
  const quantile = start + (bucket.le - start) * (rank / count);
  // q = 0 over an empty first bucket is 0/0 in Prometheus too: NaN, here null.
  return Number.isNaN(quantile) ? null : quantile;
}

/** Merges buckets with the same bound (several series summed into one histogram). */
function coalesce(sorted: CumulativeBucket[]): CumulativeBucket[] {
  const merged: CumulativeBucket[] = [];
  for (const bucket of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.le === bucket.le) last.count += bucket.count;
    else merged.push({ le: bucket.le, count: bucket.count });
  }
  return merged;
}

/**
 * Scrapes are not atomic, so a bucket can read lower than the one below it; Prometheus then
 * raises it to the running maximum rather than interpolating over a negative count.
 */
function ensureMonotonic(buckets: CumulativeBucket[]): void {
  let max = -Infinity;
  for (const bucket of buckets) {
    if (bucket.count > max) max = bucket.count;
    else if (bucket.count < max) bucket.count = max;
  }
}
