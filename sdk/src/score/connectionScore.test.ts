import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionScore } from './index.js';

describe('connectionScore: the worked examples of docs/SCORING.md', () => {
  it.each([
    // rtt, jitter, loss → score, R, MOS
    [0, 0, 0, 99.73, 92.95, 4.404],
    [20, 2, 0, 99.36, 92.6, 4.397],
    [100, 10, 0, 97.85, 91.2, 4.367],
    [100, 10, 0.01, 95.17, 88.7, 4.306],
    [140, 20, 0.05, 83.37, 77.7, 3.934],
    [300, 40, 0, 87.12, 81.2, 4.069],
    [600, 50, 0.02, 63.52, 59.2, 3.058],
    [50, 5, 0.4, 0, 0, 1],
  ])('rtt %d ms, jitter %d ms, loss %d', (rtt, jitter, loss, score, r, mos) => {
    const result = connectionScore({ rtt, jitter, loss });
    expect(result.score).toBeCloseTo(score, 2);
    expect(result.r).toBeCloseTo(r, 6);
    expect(result.mos).toBeCloseTo(mos, 3);
  });

  it('switches slope at Le = 160 ms without a step', () => {
    // Le = rtt/2 + 10: rtt 300 → Le 160.
    const below = connectionScore({ rtt: 299.998, jitter: 0, loss: 0 }).r;
    const at = connectionScore({ rtt: 300, jitter: 0, loss: 0 }).r;
    expect(at).toBeCloseTo(89.2, 10);
    expect(Math.abs(below - at)).toBeLessThan(1e-3);
  });

  it('clamps R to 0 and MOS to 1 for a hopeless connection', () => {
    expect(connectionScore({ rtt: 10_000, jitter: 0, loss: 0 })).toEqual({
      score: 0,
      r: 0,
      mos: 1,
    });
    expect(connectionScore({ rtt: 10, jitter: 0, loss: 1 })).toEqual({ score: 0, r: 0, mos: 1 });
  });

  it('treats NaN and negative inputs as 0 rather than returning NaN', () => {
    const clean = connectionScore({ rtt: 0, jitter: 0, loss: 0 });
    expect(connectionScore({ rtt: Number.NaN, jitter: -5, loss: -0.1 })).toEqual(clean);
  });

  const sample = fc.record({
    rtt: fc.double({ min: 0, max: 5000, noNaN: true }),
    jitter: fc.double({ min: 0, max: 1000, noNaN: true }),
    loss: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('never improves when RTT, jitter or loss grows, and stays within its ranges', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0, max: 1000, noNaN: true }), (s, more) => {
        const base = connectionScore(s);
        expect(base.score >= 0 && base.score <= 100).toBe(true);
        expect(base.mos >= 1 && base.mos <= 4.5).toBe(true);
        expect(connectionScore({ ...s, rtt: s.rtt + more }).score).toBeLessThanOrEqual(base.score);
        expect(connectionScore({ ...s, jitter: s.jitter + more }).score).toBeLessThanOrEqual(
          base.score,
        );
        const moreLoss = Math.min(1, s.loss + more / 1000);
        expect(connectionScore({ ...s, loss: moreLoss }).score).toBeLessThanOrEqual(base.score);
      }),
    );
  });

  it('counts 1 ms of jitter like 4 ms of RTT (2·jitter against rtt/2)', () => {
    const jittery = connectionScore({ rtt: 40, jitter: 20, loss: 0 });
    const slow = connectionScore({ rtt: 40 + 80, jitter: 0, loss: 0 });
    expect(jittery.r).toBeCloseTo(slow.r, 10);
  });
});
