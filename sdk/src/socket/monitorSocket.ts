import type { Socket } from 'socket.io-client';
import { PROBE_EVENT, type DisconnectReason, type SocketTransport } from '../protocol.js';
import type { PulseClient } from '../types.js';
import { safe } from '../lib/safe.js';
import { disconnectReason } from './disconnectReason.js';
import { createRttEstimator } from './rttEstimator.js';
import { subscribe, type Emitter } from './subscribe.js';

/** Options of `monitorSocket`. */
export interface MonitorSocketOptions {
  /** Milliseconds between probes. Default 2000. */
  interval?: number;
  /** A probe not acked within this many ms counts as lost; a later ack is ignored. Default 5000. */
  timeout?: number;
  /** Milliseconds between `socket` summaries sent to the collector. Default 10000. */
  reportEvery?: number;
}

/**
 * Probe sequence numbers wrap at 2^16: enough to tell apart every probe that can be in flight
 * (timeout / interval of them), small on the wire.
 */
export const SEQ_MODULO = 0x10000;

/**
 * Measures a socket.io connection's quality: sends a `pulse:ping` probe with an ack every
 * `interval` ms, turns acks into RTT, jitter and loss, and watches connects, reconnect attempts,
 * disconnects, transport upgrades and application messages. Every probe result is emitted live
 * (`k: 'probe'`); every `reportEvery` ms a `k: 'socket'` summary goes into the batch.
 *
 * Probes resolve either by their ack or after `timeout` (checked at each probe tick), and count
 * in the window in which they resolve. Once the socket has connected, a probe due while it is
 * disconnected counts as lost without being sent (socket.io would buffer it and measure the
 * outage as one huge RTT). Returns `stop()`: it sends the last partial summary and removes every
 * listener and timer; acks still in flight are then ignored.
 */
export function monitorSocket(
  pulse: PulseClient,
  socket: Socket,
  { interval = 2000, timeout = 5000, reportEvery = 10000 }: MonitorSocketOptions = {},
): () => void {
  if (!pulse.sampled) return () => {};
  const manager = socket.io as unknown as Emitter & { engine?: Emitter & EngineLike };
  const now = () => performance.now();
  const stats = createRttEstimator();
  /** Send time of each probe in flight, by sequence number. */
  const pending = new Map<number, number>();
  let seq = 0;
  let everConnected = socket.connected;
  let connectStart = everConnected ? undefined : now();
  let connectMs: number | undefined;
  let reconnects = 0;
  let upgrades = 0;
  let msgIn = 0;
  let msgOut = 0;
  let disconnects: DisconnectReason[] = [];

  const transport = (): SocketTransport =>
    manager.engine?.transport?.name === 'polling' ? 'polling' : 'websocket';

  const result = (rtt: number | null) => {
    if (rtt === null) stats.lose();
    else stats.ack(rtt);
    pulse.emit({ k: 'probe', rtt, ...stats.live(), transport: transport() });
  };

  const probe = safe(() => {
    const t = now();
    pending.forEach((sentAt, s) => {
      if (t - sentAt > timeout) {
        pending.delete(s);
        result(null);
      }
    });
    if (!socket.connected) {
      if (everConnected) result(null);
      return;
    }
    const s = seq;
    seq = (seq + 1) % SEQ_MODULO;
    // Only when timeout spans 2^16 intervals can a number come round while still in flight.
    if (pending.has(s)) result(null);
    pending.set(s, t);
    socket.emit(
      PROBE_EVENT,
      { s, t: Date.now() },
      safe(() => {
        // The send time identifies the probe: a stale ack of an earlier probe with the same
        // (wrapped) number, a duplicate, or an ack after stop() finds no match and is ignored.
        if (pending.get(s) !== t) return;
        pending.delete(s);
        const rtt = now() - t;
        result(rtt > timeout ? null : rtt);
      }),
    );
  });

  const report = safe(() => {
    const window = stats.take();
    if (window.probes || disconnects.length || reconnects) {
      pulse.record({
        k: 'socket',
        transport: transport(),
        ...window,
        connectMs,
        reconnects,
        disconnects,
        upgrades,
        msgIn,
        msgOut,
      });
    }
    connectMs = undefined;
    reconnects = upgrades = msgIn = msgOut = 0;
    disconnects = [];
  });

  // The engine is replaced on every reconnect, so upgrade listening follows the manager's `open`.
  const watchUpgrades = () =>
    manager.engine ? subscribe(manager.engine, 'upgrade', () => upgrades++) : () => {};
  let unwatchUpgrades = watchUpgrades();
  const countIn = safe((event: string) => void (event !== PROBE_EVENT && msgIn++));
  const countOut = safe((event: string) => void (event !== PROBE_EVENT && msgOut++));
  socket.onAny(countIn);
  socket.onAnyOutgoing(countOut);
  const probeTimer = setInterval(probe, interval);
  const reportTimer = setInterval(report, reportEvery);

  const teardown = [
    subscribe(socket as unknown as Emitter, 'connect', () => {
      everConnected = true;
      if (connectStart !== undefined) connectMs = now() - connectStart;
      connectStart = undefined;
    }),
    subscribe(socket as unknown as Emitter, 'disconnect', (reason: unknown) => {
      disconnects.push(disconnectReason(reason));
    }),
    subscribe(manager, 'reconnect_attempt', () => {
      reconnects++;
      connectStart = now();
    }),
    subscribe(manager, 'open', () => {
      unwatchUpgrades();
      unwatchUpgrades = watchUpgrades();
    }),
    () => unwatchUpgrades(),
    () => socket.offAny(countIn),
    () => socket.offAnyOutgoing(countOut),
    () => clearInterval(probeTimer),
    () => clearInterval(reportTimer),
    report,
    () => pending.clear(),
  ];
  return () => teardown.splice(0).forEach((undo) => undo());
}

/** The part of engine.io-client's socket the monitor reads. */
interface EngineLike {
  transport?: { name: string };
}
