import { PROBE_EVENT } from '@pulse/sdk/protocol';
import { register as defaultRegistry, type Registry } from 'prom-client';
import type { Namespace, Server, Socket } from 'socket.io';
import { serverDisconnectReason } from './disconnectReason.js';
import { measureHeartbeats } from './heartbeatRtt.js';
import {
  socketServerMessageMetrics,
  socketServerMetrics,
  type ServerMessageMetrics,
} from './serverMetrics.js';
import { ServerEventNames } from './serverEventNames.js';
import { trackServerDelivery, type ServerDelivery } from './serverDelivery.js';

/** How often emits whose ack timed out are looked for, ms. */
const SWEEP_MS = 1000;

/** Removes every series of an event name that lost its slot. */
function forgetEvent(metrics: ServerMessageMetrics, event: string) {
  metrics.deliverySeconds.remove({ event });
  for (const outcome of ['delivered', 'failed', 'lost']) {
    metrics.deliveriesTotal.remove({ event, outcome });
  }
  for (const direction of ['in', 'out']) metrics.messagesTotal.remove({ event, direction });
}

/** Options of `attachPulse`. */
export interface AttachPulseOptions {
  /**
   * Registry for the server-side series: the collector's (`app.pulse.registry`) or the app's own.
   * Default: prom-client's global registry.
   */
  registry?: Registry;
  /**
   * Also count messages in and out per event name, and the delivery time and outcome of the
   * app's acknowledged emits to clients (serverDelivery.ts): `pulse_socket_server_messages_total`,
   * `pulse_socket_server_delivery_seconds` and `pulse_socket_server_deliveries_total`. Default
   * false.
   */
  delivery?: boolean;
}

/**
 * Makes a socket.io server answer Pulse's connection-quality probes and records server-side
 * series: `pulse_socket_server_connected`, `pulse_socket_server_connections_total`,
 * `pulse_socket_server_disconnects_total{reason}` and `pulse_socket_server_rtt_seconds`.
 *
 * Every namespace is covered, including those created later. Probes (`pulse:ping`) are acked
 * at once with their own payload; the client measures its RTT from that. The server-seen RTT
 * comes from engine.io's heartbeats (see `measureHeartbeats`). Returns `detach()`: it removes
 * every listener this added; the series stay in the registry, with sockets still connected
 * taken off the gauge.
 */
export function attachPulse(
  io: Server,
  { registry = defaultRegistry, delivery = false }: AttachPulseOptions = {},
) {
  const metrics = socketServerMetrics(registry);
  const messages = delivery ? socketServerMessageMetrics(registry) : undefined;
  const names = messages && new ServerEventNames((event) => forgetEvent(messages, event));
  /** Message tracking of each connected socket, with `delivery` on. */
  const deliveries = new Set<ServerDelivery>();
  // Timed-out emits are found by their callback leaving socket.io's table (serverDelivery.ts).
  const sweeper =
    messages &&
    setInterval(() => {
      deliveries.forEach((tracker) => tracker.sweep());
      names?.decay();
    }, SWEEP_MS);
  sweeper?.unref();
  /** Undo functions of what is attached to each connected socket. */
  const sockets = new Map<Socket, () => void>();
  /** Heartbeat measurement per engine.io connection, shared by its namespaces' sockets. */
  const connections = new Map<Socket['conn'], { sockets: number; stop: () => void }>();
  const namespaces: (() => void)[] = [];

  const answerProbe = (payload: unknown, ack: unknown) => {
    if (typeof ack === 'function') ack(payload);
  };

  const measure = (conn: Socket['conn']) => {
    const entry = connections.get(conn) ?? {
      sockets: 0,
      stop: measureHeartbeats(conn, (seconds) => metrics.rttSeconds.observe(seconds)),
    };
    entry.sockets++;
    connections.set(conn, entry);
    return () => {
      if (--entry.sockets > 0) return;
      entry.stop();
      connections.delete(conn);
    };
  };

  const onConnection = (socket: Socket) => {
    metrics.connected.inc();
    metrics.connectionsTotal.inc();
    const unmeasure = measure(socket.conn);
    const tracker = messages && names && trackServerDelivery(socket, messages, names);
    if (tracker) deliveries.add(tracker);
    const onDisconnect = (reason: unknown) => {
      metrics.disconnectsTotal.inc({ reason: serverDisconnectReason(reason) });
      release();
    };
    const release = () => {
      metrics.connected.dec();
      socket.off(PROBE_EVENT, answerProbe);
      socket.off('disconnect', onDisconnect);
      unmeasure();
      if (tracker) {
        tracker.stop();
        deliveries.delete(tracker);
      }
      sockets.delete(socket);
    };
    socket.on(PROBE_EVENT, answerProbe);
    socket.on('disconnect', onDisconnect);
    sockets.set(socket, release);
  };

  const watch = (namespace: Namespace) => {
    namespace.on('connection', onConnection);
    namespaces.push(() => namespace.off('connection', onConnection));
    // Sockets that connected before attachPulse get probes answered too.
    namespace.sockets.forEach(onConnection);
  };

  io._nsps.forEach(watch);
  io.on('new_namespace', watch);

  return function detach(): void {
    io.off('new_namespace', watch);
    namespaces.splice(0).forEach((unwatch) => unwatch());
    [...sockets.values()].forEach((release) => release());
    clearInterval(sweeper);
  };
}
