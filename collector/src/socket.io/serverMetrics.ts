import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
// As the browser-side pulse_socket_delivery_seconds.
import { DELIVERY_BUCKETS } from '../series/metrics.js';

/** The server-side socket series `attachPulse` records. */
export interface SocketServerMetrics {
  connected: Gauge;
  connectionsTotal: Counter;
  disconnectsTotal: Counter<'reason'>;
  rttSeconds: Histogram;
}

/** The server-side message series `attachPulse` records with `delivery` on. */
export interface ServerMessageMetrics {
  deliverySeconds: Histogram<'event'>;
  deliveriesTotal: Counter<'event' | 'outcome'>;
  messagesTotal: Counter<'event' | 'direction'>;
}

// Server-seen RTT of engine.io heartbeats: loopback and LAN (ms) up to mobile stalls (s).
const RTT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5];

/**
 * Registers the series in `registry`, or adopts them when they are already there (a second
 * `attachPulse` on the same registry, e.g. two socket.io servers in one process, adds to the
 * same series instead of failing on a duplicate name).
 */
export function socketServerMetrics(registry: Registry): SocketServerMetrics {
  const registers = [registry];
  const existing = <M>(name: string) => registry.getSingleMetric(name) as M | undefined;
  return {
    connected:
      existing<Gauge>('pulse_socket_server_connected') ??
      new Gauge({
        name: 'pulse_socket_server_connected',
        help: 'socket.io sockets connected to this server now (all namespaces).',
        registers,
      }),
    connectionsTotal:
      existing<Counter>('pulse_socket_server_connections_total') ??
      new Counter({
        name: 'pulse_socket_server_connections_total',
        help: 'socket.io sockets that connected to this server.',
        registers,
      }),
    disconnectsTotal:
      existing<Counter<'reason'>>('pulse_socket_server_disconnects_total') ??
      new Counter({
        name: 'pulse_socket_server_disconnects_total',
        help: 'socket.io sockets that disconnected from this server, by reason.',
        labelNames: ['reason'],
        registers,
      }),
    rttSeconds:
      existing<Histogram>('pulse_socket_server_rtt_seconds') ??
      new Histogram({
        name: 'pulse_socket_server_rtt_seconds',
        help: 'Round-trip time the server sees: engine.io heartbeat ping sent to pong received.',
        buckets: RTT_BUCKETS,
        registers,
      }),
  };
}

/** Registers (or adopts, as `socketServerMetrics`) the server-side message series. */
export function socketServerMessageMetrics(registry: Registry): ServerMessageMetrics {
  const registers = [registry];
  const existing = <M>(name: string) => registry.getSingleMetric(name) as M | undefined;
  return {
    deliverySeconds:
      existing<Histogram<'event'>>('pulse_socket_server_delivery_seconds') ??
      new Histogram({
        name: 'pulse_socket_server_delivery_seconds',
        help: "Delivery time of the server's acknowledged socket.io emits (sent to ack received), seconds, by event name.",
        labelNames: ['event'],
        buckets: DELIVERY_BUCKETS,
        registers,
      }),
    deliveriesTotal:
      existing<Counter<'event' | 'outcome'>>('pulse_socket_server_deliveries_total') ??
      new Counter({
        name: 'pulse_socket_server_deliveries_total',
        help: "The server's acknowledged socket.io emits by outcome: delivered, failed (ack timed out) or lost (in flight at a disconnect).",
        labelNames: ['event', 'outcome'],
        registers,
      }),
    messagesTotal:
      existing<Counter<'event' | 'direction'>>('pulse_socket_server_messages_total') ??
      new Counter({
        name: 'pulse_socket_server_messages_total',
        help: 'socket.io messages of the app on this server, by event name and direction (in, out).',
        labelNames: ['event', 'direction'],
        registers,
      }),
  };
}
