import type { Rating } from '../protocol.js';
import type { ScoreCurve } from './logNormalScore.js';

/** The metrics of the page experience score: the five web vitals plus total blocking time. */
export type PageMetric = 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB' | 'TBT';

/**
 * One curve per metric: `p10` is the web-vitals "good" threshold, `median` the "poor" threshold
 * (https://web.dev/articles/vitals, web-vitals `*Thresholds`); for TBT, Lighthouse's mobile
 * thresholds. Milliseconds, except CLS which is unitless.
 */
export const PAGE_CURVES: Readonly<Record<PageMetric, ScoreCurve>> = {
  LCP: { p10: 2500, median: 4000 },
  INP: { p10: 200, median: 500 },
  CLS: { p10: 0.1, median: 0.25 },
  FCP: { p10: 1800, median: 3000 },
  TTFB: { p10: 800, median: 1800 },
  TBT: { p10: 200, median: 600 },
};

/** Default weights of the page experience score; the weighted mean uses only metrics present. */
export const DEFAULT_PAGE_WEIGHTS: Readonly<Record<PageMetric, number>> = {
  LCP: 25,
  INP: 25,
  CLS: 25,
  FCP: 10,
  TTFB: 5,
  TBT: 10,
};

/** The web-vitals rating of a value: good up to p10, poor beyond the median. */
export function rateMetric(metric: PageMetric, value: number): Rating {
  const { p10, median } = PAGE_CURVES[metric];
  return value <= p10 ? 'good' : value <= median ? 'needs-improvement' : 'poor';
}
