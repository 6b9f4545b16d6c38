import type { SocketTransport } from '../protocol.js';
import type { PulseClient } from '../types.js';
import type { RttEstimator } from './rttEstimator.js';

/**
 * Probe sequence numbers wrap at 2^16: enough to tell apart every probe that can be in flight
 * (timeout / interval of them), small on the wire.
 */
export const SEQ_MODULO = 0x10000;

/** What a probe loop needs of its connection. */
export interface ProbeTarget {
  /** True while probes can be sent. */
  connected(): boolean;
  /** True once the connection was ever up: a probe due while it is down then counts as lost. */
  everConnected(): boolean;
  /** Sends probe `s`, sent at `t` (`performance.now()`); its answer must reach `answer(s, t)`. */
  send(s: number, t: number): void;
  transport(): SocketTransport;
}

export interface ProbeLoop {
  /** Gives up on probes past the timeout, and sends the next one (the interval's timer). */
  tick(): void;
  /** The answer to probe `s` sent at `t` arrived. */
  answer(s: number, t: number): void;
  /** Forgets the probes in flight: answers after this are ignored. */
  clear(): void;
}

/**
 * The probing shared by the socket.io and the plain-WebSocket monitors: sequence numbers, the
 * probes in flight, the timeout, and each result fed to `stats` and emitted live
 * (`k: 'probe'`). Probes resolve either by their answer or after `timeout` (checked at each
 * tick), and count in the window in which they resolve. Once the connection has been up, a
 * probe due while it is down counts as lost without being sent (a buffering transport would
 * measure the outage as one huge RTT).
 */
export function createProbeLoop(
  pulse: PulseClient,
  stats: RttEstimator,
  target: ProbeTarget,
  timeout: number,
): ProbeLoop {
  const now = () => performance.now();
  /** Send time of each probe in flight, by sequence number. */
  const pending = new Map<number, number>();
  let seq = 0;

  const result = (rtt: number | null) => {
    if (rtt === null) stats.lose();
    else stats.ack(rtt);
    pulse.emit({ k: 'probe', rtt, ...stats.live(), transport: target.transport() });
  };

  return {
    tick() {
      const t = now();
      pending.forEach((sentAt, s) => {
        if (t - sentAt > timeout) {
          pending.delete(s);
          result(null);
        }
      });
      if (!target.connected()) {
        if (target.everConnected()) result(null);
        return;
      }
      const s = seq;
      seq = (seq + 1) % SEQ_MODULO;
      // Only when timeout spans 2^16 intervals can a number come round while still in flight.
      if (pending.has(s)) result(null);
      pending.set(s, t);
      target.send(s, t);
    },
    answer(s, t) {
      // The send time identifies the probe: a stale answer of an earlier probe with the same
      // (wrapped) number, a duplicate, or an answer after stop() finds no match and is ignored.
      const sentAt = pending.get(s);
      if (sentAt === undefined || sentAt !== t) return;
      pending.delete(s);
      const rtt = now() - t;
      result(rtt > timeout ? null : rtt);
    },
    clear: () => pending.clear(),
  };
}
