import { describe, expect, it } from 'vitest';
import { quantile } from './quantile.js';
import { createRttEstimator } from './rttEstimator.js';

describe('quantile', () => {
  it('interpolates between the nearest ranks', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.5)).toBe(30);
    expect(quantile([10, 20, 30, 40, 50], 0.95)).toBeCloseTo(48, 10);
    expect(quantile([10, 20], 1)).toBe(20);
  });
});

describe('createRttEstimator', () => {
  it('smooths RTT with gain 1/8 from the first sample (RFC 6298)', () => {
    const est = createRttEstimator();
    est.ack(100);
    expect(est.live().srtt).toBe(100);
    est.ack(120);
    expect(est.live().srtt).toBe(102.5);
    est.ack(90);
    expect(est.live().srtt).toBe(100.9375);
  });

  it('computes RFC 3550 jitter from consecutive RTTs', () => {
    const est = createRttEstimator();
    est.ack(100);
    expect(est.live().jitter).toBe(0);
    est.ack(120); // |D| = 20
    expect(est.live().jitter).toBe(1.25);
    est.ack(90); // |D| = 30
    expect(est.live().jitter).toBe(1.25 + (30 - 1.25) / 16);
  });

  it('leaves RTT and jitter alone on a lost probe, and counts the loss', () => {
    const est = createRttEstimator();
    est.ack(50);
    est.ack(60);
    const before = est.live();
    est.lose();
    expect(est.live()).toEqual({ srtt: before.srtt, jitter: before.jitter, loss: 1 / 3 });
  });

  it('reports percentiles and loss per window, and carries the running estimators over', () => {
    const est = createRttEstimator();
    for (const rtt of [10, 20, 30, 40, 50]) est.ack(rtt);
    est.lose();
    const first = est.take();
    expect(first).toMatchObject({ probes: 6, lost: 1, p50: 30, loss: 1 / 6 });
    expect(first.p95).toBeCloseTo(48, 10);
    expect(first.jitter).toBeGreaterThan(0);

    est.ack(200);
    const second = est.take();
    expect(second).toMatchObject({ probes: 1, lost: 0, p50: 200, p95: 200, loss: 0 });
    expect(second.rtt).toBeCloseTo(first.rtt + (200 - first.rtt) / 8, 10);
    expect(second.jitter).toBeCloseTo(first.jitter + (150 - first.jitter) / 16, 10);
  });

  it('reports the last smoothed RTT, not 0, for a window where every probe was lost', () => {
    const est = createRttEstimator();
    est.ack(80);
    est.take();
    est.lose();
    est.lose();
    expect(est.take()).toMatchObject({ probes: 2, lost: 2, loss: 1, rtt: 80, p50: 80, p95: 80 });
  });

  it('reports an empty window as zeros', () => {
    expect(createRttEstimator().take()).toEqual({
      probes: 0,
      lost: 0,
      rtt: 0,
      p50: 0,
      p95: 0,
      jitter: 0,
      loss: 0,
    });
  });
});
