/**
 * Caps on open connections, in total and per client address, that make room rather than turn
 * clients away. Every connection holds a file descriptor; once the process's open-files limit is
 * reached, libuv accepts and at once resets every new connection, so a thousand idle or
 * slow-loris sockets would shut out every real client until timeouts free them.
 *
 * "Address" here means the client's network (labels/clientNetwork.ts): an IPv4 address, or a whole
 * IPv6 /64, since one IPv6 client is usually given 2^64 addresses and could otherwise open
 * `maxConnectionsPerAddress` connections from each.
 *
 * A connection is evictable while no request of its own is being served: it has not yet sent a
 * complete request head (idle after connecting, or trickling one in), or it is idle between
 * keep-alive requests. When a new connection arrives:
 *
 * - if its address already holds `maxConnectionsPerAddress`, that address's oldest evictable
 *   connection is closed to make room, or, when all of them are being served, the new one is;
 *   trusted proxies are exempt, since every client comes through them;
 * - if the server holds `maxConnections`, the oldest evictable connection of the address holding
 *   the most is closed, or, when none is evictable, the new one.
 *
 * So at either cap a new client is served, at the expense of a connection that was doing
 * nothing; an idle keep-alive connection costs its browser only a reconnect.
 *
 * Hand-written because nothing kept up does this: Node's `server.maxConnections` (and fastify,
 * which only passes it on) refuses the newest connection, which is exactly the lock-out above,
 * and has no per-address cap; no maintained npm package evicts idle connections per address.
 * The bookkeeping is a few Map and Set operations per connection and request; finding the
 * fullest address walks the addresses, and only when the total cap is reached.
 *
 * Upgraded connections (WebSocket) are not told apart: the collector serves none, and an app that
 * adds them to the collector's server would see them counted as idle.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { clientNetwork } from '../labels/clientNetwork.js';
import { trustedProxies, type TrustProxy } from './trustProxy.js';

/** Which cap a connection was closed for: its address's, or the server's total. */
export const CONNECTION_CAPS = ['address', 'total'] as const;
export type ConnectionCap = (typeof CONNECTION_CAPS)[number];

export interface ConnectionLimits {
  /** Open connections at most. */
  maxConnections: number;
  /** Open connections per client address at most, except for exempt addresses. */
  maxConnectionsPerAddress: number;
  /** Addresses free of the per-address cap (trusted proxies); none when absent. */
  isExempt?: (address: string) => boolean;
  /** An evictable connection was closed to make room for a new one. */
  onEvicted?: (cap: ConnectionCap) => void;
  /** A new connection was closed at once: every connection it would displace is busy. */
  onRefused?: (cap: ConnectionCap) => void;
}

export interface ConnectionLimiter {
  /** Connections open now. */
  readonly open: number;
  /** Connections open now from one address's network (the address's own for IPv4). */
  openFrom(address: string): number;
  /** Stops watching the server; its connections stay as they are. */
  detach(): void;
}

/** The connections of one client address, oldest first. */
interface AddressGroup {
  address: string;
  connections: Set<Connection>;
  /** How many of them have a request being served. */
  busy: number;
}

interface Connection {
  socket: Socket;
  group: AddressGroup;
  /** Requests being served (more than one only when pipelined). */
  requests: number;
}

/** Watches `server`'s connections and keeps them within `limits` (see the file's comment). */
export function limitConnections(server: Server, limits: ConnectionLimits): ConnectionLimiter {
  const groups = new Map<string, AddressGroup>();
  const connections = new Map<Socket, Connection>();
  const isExempt = limits.isExempt ?? (() => false);

  const forget = (connection: Connection) => {
    if (connections.get(connection.socket) !== connection) return;
    connections.delete(connection.socket);
    const { group } = connection;
    group.connections.delete(connection);
    if (connection.requests > 0) group.busy -= 1;
    if (group.connections.size === 0) groups.delete(group.address);
  };

  const oldestEvictable = (group: AddressGroup): Connection | undefined => {
    if (group.busy === group.connections.size) return undefined;
    for (const connection of group.connections) if (connection.requests === 0) return connection;
    return undefined;
  };

  const fullestWithEvictable = (): AddressGroup | undefined => {
    let fullest: AddressGroup | undefined;
    for (const group of groups.values()) {
      const size = group.connections.size;
      if (group.busy < size && (fullest === undefined || size > fullest.connections.size)) {
        fullest = group;
      }
    }
    return fullest;
  };

  /** Closes `victim` to make room, or `socket` when there is none; true when room was made. */
  const makeRoom = (victim: Connection | undefined, socket: Socket, cap: ConnectionCap) => {
    if (victim === undefined) {
      socket.destroy();
      limits.onRefused?.(cap);
      return false;
    }
    forget(victim);
    victim.socket.destroy();
    limits.onEvicted?.(cap);
    return true;
  };

  const onConnection = (socket: Socket) => {
    const peer = socket.remoteAddress ?? '';
    // IPv4-mapped IPv6 (`::ffff:1.2.3.4`) reads as the IPv4 address it is.
    const address = clientNetwork(peer);
    const own = groups.get(address);
    if (
      own !== undefined &&
      own.connections.size >= limits.maxConnectionsPerAddress &&
      !isExempt(peer) &&
      !makeRoom(oldestEvictable(own), socket, 'address')
    ) {
      return;
    }
    if (connections.size >= limits.maxConnections) {
      const fullest = fullestWithEvictable();
      if (!makeRoom(fullest && oldestEvictable(fullest), socket, 'total')) return;
    }
    let group = groups.get(address);
    if (group === undefined) {
      group = { address, connections: new Set(), busy: 0 };
      groups.set(address, group);
    }
    const connection: Connection = { socket, group, requests: 0 };
    group.connections.add(connection);
    connections.set(socket, connection);
    socket.once('close', () => forget(connection));
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const connection = connections.get(request.socket);
    if (connection === undefined) return;
    if (connection.requests++ === 0) connection.group.busy += 1;
    response.once('close', () => {
      if (connections.get(connection.socket) !== connection) return;
      if (--connection.requests === 0) connection.group.busy -= 1;
    });
  };

  server.on('connection', onConnection);
  server.on('request', onRequest);
  return {
    get open() {
      return connections.size;
    },
    openFrom: (address) => groups.get(clientNetwork(address))?.connections.size ?? 0,
    detach() {
      server.off('connection', onConnection);
      server.off('request', onRequest);
    },
  };
}

/**
 * File descriptors kept back from ingest connections: logs, served files, the event loop's own, and
 * the admin listener's connections (`ADMIN_MAX_CONNECTIONS`).
 */
export const FILE_HEADROOM = 128;
/** The derived cap never exceeds this (an idle connection costs a few KB of memory). */
export const MAX_DERIVED_CONNECTIONS = 65_536;
/** The cap where the open-files limit cannot be read (not Linux). */
export const FALLBACK_MAX_CONNECTIONS = 1000;

/**
 * The process's soft limit of open files, from /proc/self/limits (Linux); `Infinity` when
 * unlimited, `undefined` where it cannot be read.
 */
export function openFilesLimit(
  readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number | undefined {
  let text: string;
  try {
    text = readLimits();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+|unlimited)\s/m.exec(text)?.[1];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Infinity : Number(soft);
}

/**
 * The default `maxConnections` for an open-files soft limit: the limit less `FILE_HEADROOM`
 * (but at least half of it), at most `MAX_DERIVED_CONNECTIONS`; `FALLBACK_MAX_CONNECTIONS` when
 * the limit is unknown.
 */
export function maxConnectionsFor(softLimit: number | undefined): number {
  if (softLimit === undefined) return FALLBACK_MAX_CONNECTIONS;
  const room = Math.max(softLimit - FILE_HEADROOM, Math.floor(softLimit / 2));
  return Math.max(1, Math.min(MAX_DERIVED_CONNECTIONS, room));
}

export interface ConnectionLimitsPluginOptions {
  /** Derived from the open-files limit when absent (`maxConnectionsFor`). */
  maxConnections?: number;
  maxConnectionsPerAddress: number;
  /** Its proxies are exempt from the per-address cap. */
  trustProxy: TrustProxy;
}

/** The series one listener's limits are counted in. */
interface ConnectionSeries {
  evicted: string;
  refused: string;
  open: string;
  /** Which listener, in the help texts. */
  listener: string;
}

const INGEST_SERIES: ConnectionSeries = {
  evicted: 'pulse_connections_evicted_total',
  refused: 'pulse_connections_refused_total',
  open: 'pulse_open_connections',
  listener: 'ingest',
};

const ADMIN_SERIES: ConnectionSeries = {
  evicted: 'pulse_admin_connections_evicted_total',
  refused: 'pulse_admin_connections_refused_total',
  open: 'pulse_admin_open_connections',
  listener: 'admin',
};

/**
 * The admin listener's caps. Its clients are few (Prometheus, a few dashboards, each browser
 * with at most six connections), and an idle one is evicted to make room, so a small cap turns
 * no one away; it comes out of the open files kept back from the ingest cap (`FILE_HEADROOM`),
 * so both listeners at their caps still leave the process 64 descriptors.
 */
export const ADMIN_MAX_CONNECTIONS = 64;
export const ADMIN_MAX_CONNECTIONS_PER_ADDRESS = 16;

/**
 * Watches `app`'s server within `limits`, counting in `registry` under `series`; the series are
 * removed, and the server left alone, when `app` closes.
 */
function watchConnections(
  app: FastifyInstance,
  registry: Registry,
  series: ConnectionSeries,
  limits: Omit<ConnectionLimits, 'onEvicted' | 'onRefused'>,
): ConnectionLimiter {
  const evicted = new Counter({
    name: series.evicted,
    help: `Idle or unfinished connections to the ${series.listener} listener closed to make room for a new one, by the cap reached (address, total).`,
    labelNames: ['cap'],
    registers: [registry],
  });
  const refused = new Counter({
    name: series.refused,
    help: `New connections to the ${series.listener} listener closed at once because every connection they would displace was being served, by cap.`,
    labelNames: ['cap'],
    registers: [registry],
  });
  // Start at 0, so rate() and alerts see the first increment.
  for (const cap of CONNECTION_CAPS) {
    evicted.inc({ cap }, 0);
    refused.inc({ cap }, 0);
  }
  const limiter = limitConnections(app.server, {
    ...limits,
    onEvicted: (cap) => evicted.inc({ cap }),
    onRefused: (cap) => refused.inc({ cap }),
  });
  new Gauge({
    name: series.open,
    help: `Connections open on the ${series.listener} listener.`,
    registers: [registry],
    collect() {
      this.set(limiter.open);
    },
  });
  app.addHook('onClose', async () => {
    limiter.detach();
    for (const name of [series.evicted, series.refused, series.open]) {
      registry.removeSingleMetric(name);
    }
  });
  return limiter;
}

/**
 * Keeps the collector's ingest server within its connection caps, and counts in its registry
 * (`app.pulse.registry`, so after the metrics plugin):
 * `pulse_connections_evicted_total{cap}`, `pulse_connections_refused_total{cap}` and the gauge
 * `pulse_open_connections`. prom-client's own classes: none of this is on the ingest hot path.
 */
export const connectionLimitsPlugin = fp(
  async (app: FastifyInstance, options: ConnectionLimitsPluginOptions) => {
    const softLimit = openFilesLimit();
    const maxConnections = options.maxConnections ?? maxConnectionsFor(softLimit);
    watchConnections(app, app.pulse.registry, INGEST_SERIES, {
      maxConnections,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress,
      isExempt: trustedProxies(options.trustProxy),
    });
    const limits = {
      maxConnections,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress,
      openFilesLimit: softLimit,
    };
    if (softLimit !== undefined && maxConnections > softLimit - FILE_HEADROOM) {
      app.log.warn(
        limits,
        'maxConnections leaves fewer than 128 of the open-files limit for anything else: ' +
          'at the limit, new connections are reset; raise the limit (LimitNOFILE, ulimit -n)',
      );
    } else app.log.info(limits, 'connection limits');
  },
  { fastify: '5.x', name: 'pulse-connection-limits', dependencies: ['pulse-metrics'] },
);

export interface AdminConnectionLimitsPluginOptions {
  /** The collector's registry, shared with the ingest side. */
  registry: Registry;
  /** `ADMIN_MAX_CONNECTIONS` when absent. */
  maxConnections?: number;
  /** `ADMIN_MAX_CONNECTIONS_PER_ADDRESS` when absent. */
  maxConnectionsPerAddress?: number;
  /** The collector's trusted proxies, exempt from the per-address cap here too. */
  trustProxy: TrustProxy;
  /**
   * Whether loopback peers are exempt from the per-address cap too (default true): on the
   * default loopback binding every client (Prometheus, dashboards, tools) shares 127.0.0.1.
   */
  exemptLoopback?: boolean;
}

/** A peer address on this machine: IPv4 127/8 (also IPv4-mapped) or IPv6 ::1. */
const isLoopbackPeer = (peer: string) => /^(::ffff:)?127\./.test(peer) || peer === '::1';

/**
 * The same caps on the admin listener (dashboard, `/api/*`, `/metrics`), counted as
 * `pulse_admin_connections_evicted_total{cap}`, `pulse_admin_connections_refused_total{cap}` and
 * `pulse_admin_open_connections`. Without them, where the admin side is published (behind its
 * token), idle or slow-loris connections to it would hold file descriptors without bound, and
 * the process shares one open-files limit with the ingest listener: beacons would be turned away.
 */
export const adminConnectionLimitsPlugin = fp(
  async (app: FastifyInstance, options: AdminConnectionLimitsPluginOptions) => {
    const isTrusted = trustedProxies(options.trustProxy);
    watchConnections(app, options.registry, ADMIN_SERIES, {
      maxConnections: options.maxConnections ?? ADMIN_MAX_CONNECTIONS,
      maxConnectionsPerAddress:
        options.maxConnectionsPerAddress ?? ADMIN_MAX_CONNECTIONS_PER_ADDRESS,
      isExempt: (peer) =>
        ((options.exemptLoopback ?? true) && isLoopbackPeer(peer)) || isTrusted(peer),
    });
  },
  { fastify: '5.x', name: 'pulse-admin-connection-limits' },
);
