import { DEFAULT_PAGE_WEIGHTS, PAGE_CURVES, type PageMetric } from './curves.js';
import { logNormalScore } from './logNormalScore.js';

/** Every scored metric, listed once rather than on each call (scores are computed per beacon). */
const PAGE_METRICS = Object.keys(PAGE_CURVES) as PageMetric[];

/** Metric values of one page view: ms, except CLS (unitless). Absent metrics are left out. */
export type PageValues = Partial<Record<PageMetric, number>>;

/**
 * The page experience score, 0..100: the weighted mean of each present metric's log-normal
 * score. `undefined` when no metric with a positive weight has a usable value. A value that is
 * not a number (NaN) counts as absent; a weight missing from `weights` counts as 0.
 */
export function pageScore(
  values: PageValues,
  weights: Partial<Record<PageMetric, number>> = DEFAULT_PAGE_WEIGHTS,
): number | undefined {
  let weighted = 0;
  let total = 0;
  for (const metric of PAGE_METRICS) {
    const value = values[metric];
    const weight = weights[metric] ?? 0;
    if (value === undefined || Number.isNaN(value) || !(weight > 0)) continue;
    weighted += weight * logNormalScore(PAGE_CURVES[metric], value);
    total += weight;
  }
  return total > 0 ? (100 * weighted) / total : undefined;
}

/**
 * The score of a page view: `pageScore`, but only for a page view with at least one of LCP, INP
 * and CLS. FCP, TTFB and TBT alone say little about the experience (a soft navigation without
 * paint metrics, or a view whose render threw, often has nothing else), and scoring them would
 * give such views near-perfect scores that lift every median.
 */
export function pageViewScore(
  values: PageValues,
  weights?: Partial<Record<PageMetric, number>>,
): number | undefined {
  return values.LCP === undefined && values.INP === undefined && values.CLS === undefined
    ? undefined
    : pageScore(values, weights);
}
