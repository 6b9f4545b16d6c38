/**
 * Quality scores, 0..100, as pure functions (no DOM, no dependencies) so the collector, the
 * React hooks and the dashboards compute the same number. Formulas and worked examples:
 * docs/SCORING.md.
 */
export { erf } from './erf.js';
export { logNormalScore, type ScoreCurve } from './logNormalScore.js';
export { PAGE_CURVES, DEFAULT_PAGE_WEIGHTS, rateMetric, type PageMetric } from './curves.js';
export { pageScore, pageViewScore, type PageValues } from './pageScore.js';
export { connectionScore, type ConnectionSample, type ConnectionScore } from './connectionScore.js';
export { callScore } from './callScore.js';
