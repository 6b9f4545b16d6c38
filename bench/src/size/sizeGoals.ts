import { ratio } from '../markdown.js';
import type { Goal } from '../section.js';
import type { Sizes } from './compressedSizes.js';

/** Issue 8's size goals: under 1.5x web-vitals alone, and under 1/7 of Faro. */
export const WEB_VITALS_LIMIT = 1.5;
export const FARO_LIMIT = 1 / 7;

/**
 * The two size goals of one build, `name`, against web-vitals alone and Faro from the same run.
 * A goal is met only when it holds both for gzip and for brotli, and only strictly under its
 * limit: a build exactly at 1.5x is not under it.
 */
export function sizeGoals(name: string, sizes: Sizes, webVitals: Sizes, faro: Sizes): Goal[] {
  const vsBase = { gzip: sizes.gzip / webVitals.gzip, brotli: sizes.brotli / webVitals.brotli };
  const vsFaro = { gzip: sizes.gzip / faro.gzip, brotli: sizes.brotli / faro.brotli };
  return [
    {
      name: `${name} under 1.5x web-vitals alone`,
      met: vsBase.gzip < WEB_VITALS_LIMIT && vsBase.brotli < WEB_VITALS_LIMIT,
      detail: `gzip ${ratio(vsBase.gzip)}, brotli ${ratio(vsBase.brotli)}`,
    },
    {
      name: `${name} under 1/7 of Faro`,
      met: vsFaro.gzip < FARO_LIMIT && vsFaro.brotli < FARO_LIMIT,
      detail: `gzip ${ratio(vsFaro.gzip, 3)}, brotli ${ratio(vsFaro.brotli, 3)} (1/7 = 0.143x)`,
    },
  ];
}
