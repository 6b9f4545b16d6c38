/**
 * Ground truth from the impairment proxy's log: what each probe really went through.
 *
 * Written independently of the SDK's estimators (same definitions, separate code), so a bug in
 * the SDK cannot cancel out against the same bug here.
 */
import type { FrameRecord } from '../fixtures/impairment-proxy.js';

/** One probe as the proxy saw it. */
export interface TrueProbe {
  conn: number;
  /** When the probe frame reached the proxy from the browser. */
  sentAt: number;
  /** Acked: RTT seen at the proxy, ms (both directions' delays + the server's leg). */
  rtt?: number;
  /** When its ack left the proxy for the browser. */
  ackedAt?: number;
  /** The probe or its ack was dropped. */
  dropped: boolean;
}

/** Pairs every probe frame with its ack frame (same connection and socket.io ack id). */
export function trueProbes(frames: readonly FrameRecord[]): TrueProbe[] {
  const acks = new Map<string, FrameRecord>();
  for (const frame of frames) {
    if (frame.kind === 'ack' && frame.dir === 'down')
      acks.set(`${frame.conn}:${frame.ackId}`, frame);
  }
  return frames
    .filter((frame) => frame.kind === 'probe' && frame.dir === 'up')
    .map((probe) => {
      const ack = acks.get(`${probe.conn}:${probe.ackId}`);
      const dropped = probe.dropped || Boolean(ack?.dropped);
      const ackedAt = dropped ? undefined : ack?.forwardedAt;
      return {
        conn: probe.conn,
        sentAt: probe.receivedAt,
        dropped,
        ackedAt,
        rtt: ackedAt === undefined ? undefined : ackedAt - probe.receivedAt,
      };
    });
}

/** RTTs of the acked probes, in the order their acks reached the browser. */
export const ackedRtts = (probes: readonly TrueProbe[]): number[] =>
  probes
    .filter((p) => p.ackedAt !== undefined)
    .sort((a, b) => a.ackedAt! - b.ackedAt!)
    .map((p) => p.rtt!);

/** Median, interpolated between the two middle values of an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
}

/** RFC 3550 §6.4.1 interarrival jitter over a series of RTTs: J += (|D| − J) / 16. */
export function rfc3550Jitter(rtts: readonly number[]): number {
  let jitter = 0;
  for (let i = 1; i < rtts.length; i++) {
    jitter += (Math.abs(rtts[i]! - rtts[i - 1]!) - jitter) / 16;
  }
  return jitter;
}

/** One acknowledged app emit as the proxy saw it (not a probe). */
export interface TrueDelivery {
  conn: number;
  ackId: number;
  /** The emit or its ack was dropped by the proxy. */
  dropped: boolean;
  /** Acked: emit received from the browser to ack forwarded to it, at the proxy, ms. */
  delivery?: number;
}

/** Pairs every acknowledged app event frame with its ack frame (same connection and ack id). */
export function trueDeliveries(frames: readonly FrameRecord[]): TrueDelivery[] {
  const acks = new Map<string, FrameRecord>();
  for (const frame of frames) {
    if (frame.kind === 'ack' && frame.dir === 'down')
      acks.set(`${frame.conn}:${frame.ackId}`, frame);
  }
  return frames
    .filter((frame) => frame.kind === 'event' && frame.dir === 'up' && frame.ackId !== undefined)
    .map((event) => {
      const ack = acks.get(`${event.conn}:${event.ackId}`);
      const dropped = event.dropped || Boolean(ack?.dropped);
      const ackedAt = dropped ? undefined : ack?.forwardedAt;
      return {
        conn: event.conn,
        ackId: event.ackId!,
        dropped,
        delivery: ackedAt === undefined ? undefined : ackedAt - event.receivedAt,
      };
    });
}

/** The q-quantile (0..1), interpolated between the two nearest ranks (R's type 7). */
export function quantileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
