import type { LoggedPacket } from './lab/netlab.js';

/** The packets of one direction of the call: those sent to `port`, or from it. */
export const toPort = (log: LoggedPacket[], port: number) =>
  log.filter((packet) => packet.dport === port);
export const fromPort = (log: LoggedPacket[], port: number) =>
  log.filter((packet) => packet.sport === port);

/** Share of packets nfqdelay dropped. */
export const droppedShare = (packets: LoggedPacket[]) =>
  packets.filter((packet) => packet.dropped).length / Math.max(1, packets.length);

/** Mean time nfqdelay held a delivered packet, ms. */
export function meanDelay(packets: LoggedPacket[]): number {
  const delays = packets.flatMap((packet) => (packet.delay === undefined ? [] : [packet.delay]));
  return delays.reduce((sum, delay) => sum + delay, 0) / Math.max(1, delays.length);
}

/**
 * RFC 3550 interarrival jitter of the delivered packets in the order they were sent, averaged
 * over the run: `D` of two packets is the difference of their transit times, which here is the
 * difference of the delays nfqdelay gave them (the rest of the path is the same for both).
 */
export function rfc3550Jitter(packets: LoggedPacket[]): number {
  let jitter = 0;
  let sum = 0;
  let count = 0;
  let previous: number | undefined;
  for (const { delay } of packets) {
    if (delay === undefined) continue;
    if (previous !== undefined) {
      jitter += (Math.abs(delay - previous) - jitter) / 16;
      sum += jitter;
      count++;
    }
    previous = delay;
  }
  return count ? sum / count : 0;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
