import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The server-side socket series `attachPulse` records. */
export interface SocketServerMetrics {
  connected: Gauge;
  connectionsTotal: Counter;
  disconnectsTotal: Counter<'reason'>;
  rttSeconds: Histogram;
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
