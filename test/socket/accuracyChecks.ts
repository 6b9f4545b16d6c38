/**
 * The accuracy bars of the socket tests (socket.io in accuracy.test.ts, plain WebSocket in
 * websocket-accuracy.test.ts), one definition for both: measured against the impairment
 * proxy's log (groundTruth.ts).
 */
import type { ProbeUpdate, SocketEvent } from '@pulse/sdk';
import { expect } from 'vitest';
import type { ProxyLog } from '../fixtures/impairment-proxy-thread.js';
import { median, rfc3550Jitter } from './groundTruth.js';

/** What the page collects through `Pulse.onMetric`: live probe readings and the summaries. */
type ProbeReading = ProbeUpdate;
type SocketSummary = SocketEvent;
export type Reading = ProbeReading | SocketSummary;

/** Figures printed at the end of a run, by scenario. */
export type Figures = Record<string, Record<string, number | string>>;

/** What one scenario measured, next to its truth. */
export interface Outcome {
  readings: Reading[];
  probes: ProbeReading[];
  summaries: SocketSummary[];
  measuredRtts: number[];
  truthRtts: number[];
  truthLost: number;
  /** The proxy's log: the ground truth. */
  log: ProxyLog;
}

/** Mean jitter over the summaries, measured and true (truth taken after the same acks). */
export function meanJitter(o: Outcome) {
  let acked = 0;
  const windows = o.summaries
    .filter((s) => s.probes > s.lost)
    .map((s) => {
      acked += s.probes - s.lost;
      return { measured: s.jitter, truth: rfc3550Jitter(o.truthRtts.slice(0, acked)) };
    });
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    measured: mean(windows.map((w) => w.measured)),
    truth: mean(windows.map((w) => w.truth)),
  };
}

/** Median RTT against the truth, and the summaries against the page's own readings. */
export function checkRtt(figures: Figures, name: string, o: Outcome): void {
  const measuredMedian = median(o.measuredRtts);
  const truthMedian = median(o.truthRtts);
  const errors = o.measuredRtts.map((rtt, i) => rtt - o.truthRtts[i]!).sort((a, b) => a - b);
  figures[name] = {
    acked: o.measuredRtts.length,
    'median RTT measured': +measuredMedian.toFixed(2),
    'median RTT truth': +truthMedian.toFixed(2),
    'per-probe error (measured - truth) median': +median(errors).toFixed(2),
    'per-probe error p95': +errors[Math.floor(0.95 * errors.length)]!.toFixed(2),
    'jitter measured': +o.summaries.at(-1)!.jitter.toFixed(2),
    'jitter truth': +rfc3550Jitter(o.truthRtts).toFixed(2),
  };
  expect(o.truthRtts).toHaveLength(o.measuredRtts.length);
  expect(Math.abs(measuredMedian - truthMedian)).toBeLessThanOrEqual(
    Math.max(5, 0.05 * truthMedian),
  );
  // What goes to the collector: each summary covers the next acks in order, and its p50 is the
  // median of exactly those readings.
  let from = 0;
  for (const summary of o.summaries) {
    const count = summary.probes - summary.lost;
    if (count === 0) continue;
    expect(summary.p50).toBeCloseTo(median(o.measuredRtts.slice(from, from + count)), 6);
    from += count;
  }
  expect(from).toBe(o.measuredRtts.length);
}
