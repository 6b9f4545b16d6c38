import type { SocketTransport } from '../protocol.js';
import type { PulseClient } from '../types.js';
import type { RttEstimator } from './rttEstimator.js';

/**
 * Probe sequence numbers wrap at 2^16: enough to tell apart every probe that can be in flight
 * (timeout / interval of them), small on the wire.
 */
export const SEQ_MODULO = 0x10000;

/**
 * A probe loop: `tick()` gives up on probes past the timeout and sends the next one (the
 * interval's timer); `answer(s, t)` takes the answer to probe `s` sent at `t`; `clear()` forgets
 * the probes in flight, so answers after it are ignored. A tuple of functions rather than an
 * object: their names then cost nothing in the bundles (each add-on has a size budget).
 */
export type ProbeLoop = [
  tick: () => void,
  answer: (s: number, t: number) => void,
  clear: () => void,
];

/**
 * The probing shared by the socket.io and the plain-WebSocket monitors: sequence numbers, the
 * probes in flight, the timeout, and each result fed to `stats` and emitted live
 * (`k: 'probe'`). Probes resolve either by their answer or after `timeout` (checked at each
 * tick), and count in the window in which they resolve. `connected()` says whether probes can be
 * sent; once `everConnected()`, a probe due while the connection is down counts as lost without
 * being sent (a buffering transport would measure the outage as one huge RTT). `send(s, t)`
 * sends probe `s` at `t` (`performance.now()`); its answer must reach `answer(s, t)`.
 */
export function createProbeLoop(
  pulse: PulseClient,
  stats: RttEstimator,
  timeout: number,
  connected: () => boolean,
  everConnected: () => boolean,
  send: (s: number, t: number) => void,
  transport: () => SocketTransport,
): ProbeLoop {
  const now = () => performance.now();
  /** Send time of each probe in flight, by sequence number. */
  const pending = new Map<number, number>();
  let seq = 0;

  const result = (rtt: number | null) => {
    if (rtt === null) stats.lose();
    else stats.ack(rtt);
    pulse.emit({ k: 'probe', rtt, ...stats.live(), transport: transport() });
  };

  return [
    () => {
      const t = now();
      pending.forEach((sentAt, s) => {
        if (t - sentAt > timeout) {
          pending.delete(s);
          result(null);
        }
      });
      if (!connected()) {
        if (everConnected()) result(null);
        return;
      }
      const s = seq;
      seq = (seq + 1) % SEQ_MODULO;
      // Only when timeout spans 2^16 intervals can a number come round while still in flight.
      if (pending.has(s)) result(null);
      pending.set(s, t);
      send(s, t);
    },
    (s, t) => {
      // The send time identifies the probe: a stale answer of an earlier probe with the same
      // (wrapped) number, a duplicate, or an answer after stop() finds no match and is ignored.
      const sentAt = pending.get(s);
      if (sentAt === undefined || sentAt !== t) return;
      pending.delete(s);
      const rtt = now() - t;
      result(rtt > timeout ? null : rtt);
    },
    () => pending.clear(),
  ];
}
