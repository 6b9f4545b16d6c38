import { erf } from './erf.js';

/** A log-normal score curve, given by the two values where it crosses 0.9 and 0.5. */
export interface ScoreCurve {
  /** The value that scores 0.9: the web-vitals "good" threshold. */
  p10: number;
  /** The value that scores 0.5: the web-vitals "poor" threshold. */
  median: number;
}

/** erfc⁻¹(0.2): scales the curve so that `p10` lands exactly on the 10th percentile (score 0.9). */
const INVERSE_ERFC_ONE_FIFTH = 0.9061938024368232;

/**
 * Lighthouse's log-normal score of one value, 0..1 (higher value, lower score):
 * `score(x) = ½·(1 − erf(ln(x/median)·0.9061938 / ln(median/p10)))`.
 *
 * As in Lighthouse, the result is clamped to the band the value's rating implies (≥ 0.9 up to
 * p10, 0.5..0.9 up to the median, < 0.5 beyond), so the erf approximation can never put a
 * "good" value at 89.99 or a "poor" one at 50. Zero and negative values score 1, `Infinity` 0.
 */
export function logNormalScore(curve: ScoreCurve, value: number): number {
  const { p10, median } = curve;
  if (value <= 0) return 1;
  const standardized = (Math.log(value / median) * INVERSE_ERFC_ONE_FIFTH) / Math.log(median / p10);
  const score = (1 - erf(standardized)) / 2;
  if (value <= p10) return Math.min(1, Math.max(0.9, score));
  if (value <= median) return Math.min(0.8999999999999999, Math.max(0.5, score));
  return Math.min(0.49999999999999994, Math.max(0, score));
}
