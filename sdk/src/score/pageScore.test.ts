import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAGE_WEIGHTS,
  PAGE_CURVES,
  erf,
  logNormalScore,
  pageScore,
  pageViewScore,
  rateMetric,
  type PageMetric,
} from './index.js';

const metrics = Object.keys(PAGE_CURVES) as PageMetric[];

describe('erf (Abramowitz & Stegun 7.1.26)', () => {
  it('stays within 1.5e-7 of reference values', () => {
    // Reference values of erf from Abramowitz & Stegun, table 7.1.
    const table: [number, number][] = [
      [0, 0],
      [0.5, 0.5204998778],
      [1, 0.8427007929],
      [2, 0.995322265],
    ];
    for (const [x, expected] of table) {
      expect(Math.abs(erf(x) - expected)).toBeLessThanOrEqual(1.5e-7);
      expect(Math.abs(erf(-x) + expected)).toBeLessThanOrEqual(1.5e-7);
    }
  });
});

describe('logNormalScore', () => {
  it.each(metrics)('%s scores 0.9 at p10 and 0.5 at the median', (metric) => {
    const curve = PAGE_CURVES[metric];
    expect(logNormalScore(curve, curve.p10)).toBe(0.9);
    expect(logNormalScore(curve, curve.median)).toBe(0.5);
  });

  it('scores zero and negative values 1, and huge values 0', () => {
    expect(logNormalScore(PAGE_CURVES.LCP, 0)).toBe(1);
    expect(logNormalScore(PAGE_CURVES.CLS, -1)).toBe(1);
    expect(logNormalScore(PAGE_CURVES.LCP, 1e9)).toBe(0);
    expect(logNormalScore(PAGE_CURVES.LCP, Infinity)).toBe(0);
  });

  it('never increases as the value grows, and agrees with the rating band', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...metrics),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (metric, a, b) => {
          const curve = PAGE_CURVES[metric];
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(logNormalScore(curve, lo)).toBeGreaterThanOrEqual(logNormalScore(curve, hi));
          const score = logNormalScore(curve, lo);
          const rating = rateMetric(metric, lo);
          if (rating === 'good') expect(score).toBeGreaterThanOrEqual(0.9);
          if (rating === 'needs-improvement') expect(score >= 0.5 && score < 0.9).toBe(true);
          if (rating === 'poor') expect(score).toBeLessThan(0.5);
        },
      ),
    );
  });
});

describe('pageScore: the worked examples of docs/SCORING.md', () => {
  it.each([
    ['fast page', { LCP: 1200, INP: 80, CLS: 0.02, FCP: 900, TTFB: 300, TBT: 50 }, 99.81],
    [
      'every metric at "good"',
      { LCP: 2500, INP: 200, CLS: 0.1, FCP: 1800, TTFB: 800, TBT: 200 },
      90,
    ],
    ['middling page', { LCP: 3000, INP: 350, CLS: 0.15, FCP: 2400, TTFB: 1000, TBT: 400 }, 73.99],
    [
      'every metric at "poor"',
      { LCP: 4000, INP: 500, CLS: 0.25, FCP: 3000, TTFB: 1800, TBT: 600 },
      50,
    ],
    ['slow page', { LCP: 6000, INP: 900, CLS: 0.4, FCP: 5000, TTFB: 3000, TBT: 1200 }, 19.03],
    ['no interaction yet', { LCP: 2000, CLS: 0.05 }, 97.92],
    ['LCP only', { LCP: 3200 }, 72.86],
  ])('%s', (_name, values, expected) => {
    expect(pageScore(values)).toBeCloseTo(expected, 2);
  });

  it('is undefined without any metric', () => {
    expect(pageScore({})).toBeUndefined();
    expect(pageScore({ LCP: Number.NaN })).toBeUndefined();
  });

  it('uses only the metrics present, with their default weights', () => {
    const lcp = 100 * logNormalScore(PAGE_CURVES.LCP, 3000);
    const tbt = 100 * logNormalScore(PAGE_CURVES.TBT, 400);
    expect(pageScore({ LCP: 3000, TBT: 400 })).toBeCloseTo(
      (DEFAULT_PAGE_WEIGHTS.LCP * lcp + DEFAULT_PAGE_WEIGHTS.TBT * tbt) /
        (DEFAULT_PAGE_WEIGHTS.LCP + DEFAULT_PAGE_WEIGHTS.TBT),
      10,
    );
  });

  it('takes a weights override; a metric without weight does not count', () => {
    const values = { LCP: 1000, CLS: 0.25 };
    expect(pageScore(values, { LCP: 1, CLS: 1 })).toBeCloseTo(
      (100 * logNormalScore(PAGE_CURVES.LCP, 1000) + 50) / 2,
      10,
    );
    expect(pageScore(values, { CLS: 1 })).toBe(50);
    expect(pageScore(values, { INP: 1 })).toBeUndefined();
  });

  it('stays within 0..100 for any input', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...metrics), fc.double({ min: -1, max: 1e7, noNaN: true })),
        (values) => {
          const score = pageScore(values);
          if (Object.keys(values).length === 0) expect(score).toBeUndefined();
          else expect(score! >= 0 && score! <= 100).toBe(true);
        },
      ),
    );
  });
});

describe('rateMetric', () => {
  it('follows the web-vitals thresholds (inclusive "good", exclusive "poor")', () => {
    expect(rateMetric('LCP', 2500)).toBe('good');
    expect(rateMetric('LCP', 2501)).toBe('needs-improvement');
    expect(rateMetric('LCP', 4000)).toBe('needs-improvement');
    expect(rateMetric('LCP', 4001)).toBe('poor');
    expect(rateMetric('CLS', 0.1)).toBe('good');
  });
});

describe('pageViewScore', () => {
  it('scores no page view without LCP, INP or CLS, however good its other metrics', () => {
    expect(pageViewScore({ FCP: 300, TTFB: 50, TBT: 0 })).toBeUndefined();
    expect(pageViewScore({ TBT: 0 })).toBeUndefined();
    expect(pageViewScore({})).toBeUndefined();
  });

  it('is pageScore once any of LCP, INP or CLS is there', () => {
    for (const values of [
      { CLS: 0.3, FCP: 300 },
      { INP: 600, TBT: 0 },
      { LCP: 5000, TTFB: 100 },
    ]) {
      expect(pageViewScore(values)).toBe(pageScore(values));
    }
  });
});
