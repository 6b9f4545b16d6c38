import { describe, expect, it } from 'vitest';
import { sizeGoals } from './sizeGoals.js';

const webVitals = { raw: 9_000, gzip: 3_600, brotli: 3_200 };
const faro = { raw: 120_000, gzip: 42_000, brotli: 35_000 };

const verdicts = (gzip: number, brotli: number) =>
  sizeGoals('x', { raw: 0, gzip, brotli }, webVitals, faro).map((g) => g.met);

describe('sizeGoals', () => {
  it('meets both goals when gzip and brotli are both under both limits', () => {
    // 1.5x web-vitals: 5,400 gzip / 4,800 brotli; 1/7 of Faro: 6,000 / 5,000.
    expect(verdicts(5_399, 4_799)).toEqual([true, true]);
  });

  it('misses a goal that only one of gzip and brotli meets', () => {
    expect(verdicts(5_399, 4_801)).toEqual([false, true]);
    expect(verdicts(5_401, 4_799)).toEqual([false, true]);
    expect(verdicts(5_999, 5_001)).toEqual([false, false]);
    expect(verdicts(6_001, 4_999)).toEqual([false, false]);
  });

  it('misses a goal exactly at its limit: the goal says under', () => {
    expect(verdicts(5_400, 4_800)).toEqual([false, true]);
    expect(verdicts(6_000, 5_000)).toEqual([false, false]);
  });

  it('names each goal and gives the ratios it rests on', () => {
    const [vsWebVitals, vsFaro] = sizeGoals(
      '/pulse.js',
      { raw: 12_900, gzip: 5_292, brotli: 4_768 },
      webVitals,
      faro,
    );
    expect(vsWebVitals).toEqual({
      name: '/pulse.js under 1.5x web-vitals alone',
      met: true,
      detail: 'gzip 1.47x, brotli 1.49x',
    });
    expect(vsFaro).toEqual({
      name: '/pulse.js under 1/7 of Faro',
      met: true,
      detail: 'gzip 0.126x, brotli 0.136x (1/7 = 0.143x)',
    });
  });
});
