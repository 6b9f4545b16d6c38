import type { SocketEvent } from '../protocol.js';
import { quantile } from './quantile.js';

/**
 * The probe statistics of one reporting window, as `SocketEvent` carries them. Probes count in
 * the window in which they resolve (acked, or given up after the timeout).
 */
export type RttWindow = Pick<
  SocketEvent,
  'probes' | 'lost' | 'rtt' | 'p50' | 'p95' | 'jitter' | 'loss'
>;

/** A running view of probe results, cheap enough to read after every probe. */
export interface RttEstimator {
  /** A probe was acked within the timeout after `rtt` ms. */
  ack(rtt: number): void;
  /** A probe was not acked within the timeout, or was due while disconnected. */
  lose(): void;
  /** The current smoothed RTT, jitter and loss share of the window so far. */
  live(): { srtt: number; jitter: number; loss: number };
  /** The window's statistics; starts a new window. Smoothed RTT and jitter carry over. */
  take(): RttWindow;
}

/**
 * Smoothed RTT as in TCP (RFC 6298: gain 1/8, the first sample taken as is) and jitter as RTP's
 * interarrival jitter (RFC 3550 §6.4.1: J += (|D| − J)/16, D the difference between consecutive
 * RTTs in arrival order). Both are running estimators, so they carry over from window to window;
 * percentiles and loss are per window. Lost probes do not touch either estimator: a gap is not a
 * delay, and counting it would hide loss inside jitter.
 */
export function createRttEstimator(): RttEstimator {
  let srtt: number | undefined;
  let jitter = 0;
  let previous: number | undefined;
  let probes = 0;
  let lost = 0;
  let rtts: number[] = [];
  const loss = () => (probes ? lost / probes : 0);
  return {
    ack(rtt) {
      probes++;
      rtts.push(rtt);
      srtt = srtt === undefined ? rtt : srtt + (rtt - srtt) / 8;
      if (previous !== undefined) jitter += (Math.abs(rtt - previous) - jitter) / 16;
      previous = rtt;
    },
    lose() {
      probes++;
      lost++;
    },
    live: () => ({ srtt: srtt ?? 0, jitter, loss: loss() }),
    take() {
      const sorted = rtts.sort((a, b) => a - b);
      // A window without any ack (all lost) reports the last smoothed RTT as its percentiles
      // rather than 0, which would read as a perfect connection.
      const window: RttWindow = {
        probes,
        lost,
        rtt: srtt ?? 0,
        p50: sorted.length ? quantile(sorted, 0.5) : (srtt ?? 0),
        p95: sorted.length ? quantile(sorted, 0.95) : (srtt ?? 0),
        jitter,
        loss: loss(),
      };
      probes = lost = 0;
      rtts = [];
      return window;
    },
  };
}
