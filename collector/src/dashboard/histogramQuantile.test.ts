import { describe, expect, it } from 'vitest';
import { histogramQuantile, type CumulativeBucket } from './histogramQuantile.js';

const buckets = (pairs: Array<[number, number]>): CumulativeBucket[] =>
  pairs.map(([le, count]) => ({ le, count }));

// Expected values follow prometheus/promql/quantile.go; test/dashboard checks the same function
// against promtool on generated histograms.
describe('histogramQuantile', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    // 4 observations: one ≤ 1 s, one in (2.5, 3], two in (3, 4]; rank 3 is half-way into (3, 4].
    const h = buckets([
      [1, 1],
      [2.5, 1],
      [3, 2],
      [4, 4],
      [Infinity, 4],
    ]);
    expect(histogramQuantile(0.75, h)).toBeCloseTo(3.5, 12);
    expect(histogramQuantile(0.5, h)).toBeCloseTo(3, 12);
  });

  it('takes 0 as the lower bound of the first bucket', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [0.1, 4],
          [Infinity, 4],
        ]),
      ),
    ).toBeCloseTo(0.05, 12);
  });

  it('answers the highest finite bound when the rank falls into +Inf', () => {
    expect(
      histogramQuantile(
        0.9,
        buckets([
          [1, 1],
          [10, 2],
          [Infinity, 10],
        ]),
      ),
    ).toBe(10);
  });

  it('answers the bound of a first bucket at or below zero', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [0, 3],
          [1, 4],
          [Infinity, 4],
        ]),
      ),
    ).toBe(0);
  });

  it('returns null where PromQL returns NaN', () => {
    expect(
      histogramQuantile(
        0.75,
        buckets([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
    expect(
      histogramQuantile(
        0.75,
        buckets([
          [1, 2],
          [2, 3],
        ]),
      ),
    ).toBeNull();
    expect(histogramQuantile(0.75, buckets([[Infinity, 3]]))).toBeNull();
    expect(
      histogramQuantile(
        Number.NaN,
        buckets([
          [1, 2],
          [Infinity, 3],
        ]),
      ),
    ).toBeNull();
  });

  it('answers ±Infinity for q outside 0..1, like PromQL', () => {
    const h = buckets([
      [1, 2],
      [Infinity, 3],
    ]);
    expect(histogramQuantile(-0.1, h)).toBe(-Infinity);
    expect(histogramQuantile(1.1, h)).toBe(Infinity);
  });

  it('sorts buckets, merges equal bounds and repairs non-monotonic counts', () => {
    const merged = histogramQuantile(
      0.5,
      buckets([
        [Infinity, 4],
        [2, 2],
        [1, 1],
        [1, 1],
        [2, 2],
      ]),
    );
    // Coalesced: le 1 → 2, le 2 → 4, +Inf → 4; rank 2 lands at the top of the first bucket.
    expect(merged).toBeCloseTo(1, 12);
    // le 2 reads lower than le 1 (a torn scrape): raised to 3, so the rank stays in (0, 1].
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [1, 3],
          [2, 1],
          [Infinity, 4],
        ]),
      ),
    ).toBeCloseTo(2 / 3, 12);
  });
});
