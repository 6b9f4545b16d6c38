import { PROBE_EVENT, type DisconnectReason, type SocketTransport } from '../protocol.js';
import type { PulseClient } from '../types.js';
import { safe } from '../lib/safe.js';
import { disconnectReason } from './disconnectReason.js';
import { createRttEstimator } from './rttEstimator.js';
import { createProbeLoop } from './probeLoop.js';
import type { AckInternals, AckManager, trackDelivery } from './deliveryTracker.js';
import { subscribe, type Emitter } from './subscribe.js';

/**
 * A socket.io-client `Socket`, as far as the monitor uses it. Written out here rather than
 * imported, so that Pulse's published types never import socket.io-client: an app that does not
 * monitor sockets compiles without it installed, under `skipLibCheck: false` too (`@pulse/react`
 * exports `useSocketQuality`, whose types lead here). Every socket.io-client 4 socket fits, typed
 * event maps included: parameters typed `never` accept any function's (a `string` event name
 * would not fit a socket whose event names are a fixed list); the monitor calls these members
 * through `SocketCalls` below.
 */
export interface MonitoredSocket {
  readonly connected: boolean;
  /** The socket's Manager: reconnect attempts, and the engine whose transport is read. */
  readonly io: object;
  emit(event: never, ...args: never[]): unknown;
  on(event: never, listener: never): unknown;
  off(event: never, listener: never): unknown;
  onAny(listener: never): unknown;
  offAny(listener: never): unknown;
  onAnyOutgoing(listener: never): unknown;
  offAnyOutgoing(listener: never): unknown;
}

/** How the monitor calls a `MonitoredSocket`: events by name, listeners that read one argument. */
interface SocketCalls extends Emitter {
  readonly connected: boolean;
  readonly io: Emitter & { engine?: Emitter & EngineLike };
  emit(event: string, ...args: unknown[]): unknown;
  onAny(listener: (event: string) => void): unknown;
  offAny(listener: (event: string) => void): unknown;
  onAnyOutgoing(listener: (event: string) => void): unknown;
  offAnyOutgoing(listener: (event: string) => void): unknown;
}

/** Options of `monitorSocket`. */
export interface MonitorSocketOptions {
  /** Milliseconds between probes. Default 2000. */
  interval?: number;
  /** A probe not acked within this many ms counts as lost; a later ack is ignored. Default 5000. */
  timeout?: number;
  /** Milliseconds between `socket` summaries sent to the collector. Default 10000. */
  reportEvery?: number;
  /**
   * Per event name: messages in and out, and the delivery time and outcome (delivered, failed
   * on timeout, lost on disconnect) of the app's acknowledged emits (`emit(..., ack)`,
   * `emitWithAck`, `timeout(ms).emit`), observed, never wrapped (deliveryTracker.ts). Pass
   * `trackDelivery` from `@pulse/sdk/socket.io`: given here rather than built in, it costs
   * nothing to apps that do not track delivery. Default: off.
   */
  delivery?: typeof trackDelivery;
}

export { SEQ_MODULO } from './probeLoop.js';

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
  socket: MonitoredSocket,
  { interval = 2000, timeout = 5000, reportEvery = 10000, delivery }: MonitorSocketOptions = {},
): () => void {
  if (!pulse.sampled) return () => {};
  const calls = socket as unknown as SocketCalls;
  const manager = calls.io;
  const now = () => performance.now();
  const stats = createRttEstimator();
  let everConnected = calls.connected;
  let connectStart = everConnected ? undefined : now();
  let connectMs: number | undefined;
  let reconnects = 0;
  let upgrades = 0;
  let msgIn = 0;
  let msgOut = 0;
  let disconnects: DisconnectReason[] = [];
  const deliveries = delivery
    ? delivery(socket as unknown as AckInternals, manager as AckManager, now)
    : undefined;

  const transport = (): SocketTransport =>
    manager.engine?.transport?.name === 'polling' ? 'polling' : 'websocket';

  const [tick, answer, clearProbes] = createProbeLoop(
    pulse,
    stats,
    timeout,
    () => calls.connected,
    () => everConnected,
    (s, t) =>
      calls.emit(
        PROBE_EVENT,
        { s, t: Date.now() },
        safe(() => answer(s, t)),
      ),
    transport,
  );
  const probe = safe(tick);

  const report = safe(() => {
    const window = stats.take();
    const msgs = deliveries?.take();
    if (window.probes || disconnects.length || reconnects || msgs) {
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
        msgs,
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
  calls.onAny(countIn);
  calls.onAnyOutgoing(countOut);
  const probeTimer = setInterval(probe, interval);
  const reportTimer = setInterval(report, reportEvery);

  const teardown = [
    subscribe(calls, 'connect', () => {
      everConnected = true;
      if (connectStart !== undefined) connectMs = now() - connectStart;
      connectStart = undefined;
    }),
    subscribe(calls, 'disconnect', (reason: unknown) => {
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
    () => calls.offAny(countIn),
    () => calls.offAnyOutgoing(countOut),
    () => clearInterval(probeTimer),
    () => clearInterval(reportTimer),
    report,
    () => deliveries?.stop(),
    clearProbes,
  ];
  return () => teardown.splice(0).forEach((undo) => undo());
}

/** The part of engine.io-client's socket the monitor reads. */
interface EngineLike {
  transport?: { name: string };
}
