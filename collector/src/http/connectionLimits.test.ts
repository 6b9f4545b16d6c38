import { EventEmitter } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import {
  ADMIN_MAX_CONNECTIONS,
  ADMIN_MAX_CONNECTIONS_PER_ADDRESS,
  adminConnectionLimitsPlugin,
  type AdminConnectionLimitsPluginOptions,
  FALLBACK_MAX_CONNECTIONS,
  MAX_DERIVED_CONNECTIONS,
  limitConnections,
  maxConnectionsFor,
  openFilesLimit,
  type ConnectionCap,
  type ConnectionLimiter,
  type ConnectionLimits,
} from './connectionLimits.js';
import { lookupSeries, type SeriesLookup } from '../record/seriesLookup.js';
import { createCollector } from '../server.js';

const LIMITS_TEXT = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('the default connection cap', () => {
  it('reads the soft open-files limit from /proc/self/limits', () => {
    expect(openFilesLimit(() => LIMITS_TEXT)).toBe(1024);
    expect(openFilesLimit(() => LIMITS_TEXT.replace('1024  ', 'unlimited'))).toBe(Infinity);
    expect(openFilesLimit(() => 'nothing useful')).toBeUndefined();
    expect(
      openFilesLimit(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
    if (process.platform === 'linux') expect(openFilesLimit()).toBeGreaterThan(0);
  });

  it('leaves 128 descriptors of the limit, at most 65,536, and 1,000 when unknown', () => {
    expect(maxConnectionsFor(1024)).toBe(896);
    expect(maxConnectionsFor(200)).toBe(100);
    expect(maxConnectionsFor(Infinity)).toBe(MAX_DERIVED_CONNECTIONS);
    expect(maxConnectionsFor(1_048_576)).toBe(MAX_DERIVED_CONNECTIONS);
    expect(maxConnectionsFor(undefined)).toBe(FALLBACK_MAX_CONNECTIONS);
  });
});

let server: Server | undefined;
let app: FastifyInstance | undefined;
const clients: Socket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await app?.close();
  app = undefined;
});

/** Polls until `done` holds (the server sees connections a moment after clients connect). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i += 1) await delay(5);
  expect(done()).toBe(true);
}

/**
 * The series `read` gives once `ready` holds of them, or after half a second (a count follows the
 * close a moment later); the caller asserts on what it gets.
 */
async function seriesWhen(
  read: () => Promise<SeriesLookup>,
  ready: (series: SeriesLookup) => boolean,
): Promise<SeriesLookup> {
  let series = await read();
  for (let i = 0; i < 100 && !ready(series); i += 1) {
    await delay(5);
    series = await read();
  }
  return series;
}

/** A raw client connection from `from`, once connected: is it closed, has it been answered. */
async function open(port: number, from: string) {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  clients.push(socket);
  let closed = false;
  let answered = false;
  socket.on('close', () => (closed = true));
  socket.on('data', () => (answered = true));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, isClosed: () => closed, isAnswered: () => answered };
}

/**
 * A server whose requests are held until released, with the limiter under test and a record of
 * what it closed.
 */
async function limited(limits: Omit<ConnectionLimits, 'onEvicted' | 'onRefused'>) {
  const held: ServerResponse[] = [];
  server = createServer((_request, response) => held.push(response));
  const closedFor: string[] = [];
  const record = (action: string) => (cap: ConnectionCap) => closedFor.push(`${action} ${cap}`);
  const limiter: ConnectionLimiter = limitConnections(server, {
    ...limits,
    onEvicted: record('evicted'),
    onRefused: record('refused'),
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  /** Opens a connection from `from` and waits until the server has decided about it. */
  const connection = async (from: string) => {
    const decided = closedFor.length;
    const before = limiter.open;
    const client = await open(port, from);
    await until(() => limiter.open > before || closedFor.length > decided);
    return client;
  };
  /** Sends a request on `client` and waits until the server holds it. */
  const request = async (client: Socket) => {
    const count = held.length;
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => held.length > count);
  };
  return { limiter, closedFor, held, connection, request };
}

describe('limitConnections', () => {
  it('closes the oldest idle connection of an address at its cap, and no other address', async () => {
    const { limiter, closedFor, connection } = await limited({
      maxConnections: 100,
      maxConnectionsPerAddress: 3,
    });
    const other = await connection('127.0.0.3');
    const first = await connection('127.0.0.2');
    const rest = [await connection('127.0.0.2'), await connection('127.0.0.2')];
    const newest = await connection('127.0.0.2');
    await until(first.isClosed);
    expect(closedFor).toEqual(['evicted address']);
    expect(rest.map((client) => client.isClosed())).toEqual([false, false]);
    expect(newest.isClosed()).toBe(false);
    expect(other.isClosed()).toBe(false);
    expect(limiter.openFrom('127.0.0.2')).toBe(3);
    expect(limiter.open).toBe(4);
  });

  it('spares connections being served, and refuses a new one when all are', async () => {
    const { limiter, closedFor, held, connection, request } = await limited({
      maxConnections: 100,
      maxConnectionsPerAddress: 2,
    });
    const served = await connection('127.0.0.2');
    await request(served.socket);
    const idle = await connection('127.0.0.2');
    const next = await connection('127.0.0.2');
    await until(idle.isClosed);
    expect(served.isClosed()).toBe(false);
    await request(next.socket);
    const refused = await connection('127.0.0.2');
    await until(refused.isClosed);
    expect(closedFor).toEqual(['evicted address', 'refused address']);
    expect(limiter.openFrom('127.0.0.2')).toBe(2);
    // Once answered, a keep-alive connection is idle again, and the oldest such goes first.
    for (const response of held) response.end('ok');
    await until(() => served.isAnswered() && next.isAnswered());
    const last = await connection('127.0.0.2');
    await until(served.isClosed);
    expect([next.isClosed(), last.isClosed()]).toEqual([false, false]);
    expect(closedFor).toEqual(['evicted address', 'refused address', 'evicted address']);
  });

  it('exempts trusted proxies from the per-address cap', async () => {
    const { limiter, closedFor, connection } = await limited({
      maxConnections: 100,
      maxConnectionsPerAddress: 2,
      isExempt: (address) => address === '127.0.0.2',
    });
    for (let i = 0; i < 5; i += 1) await connection('127.0.0.2');
    expect(limiter.openFrom('127.0.0.2')).toBe(5);
    expect(closedFor).toEqual([]);
  });

  it('at the total cap, closes the oldest idle connection of the fullest address', async () => {
    const { limiter, closedFor, connection, request } = await limited({
      maxConnections: 4,
      maxConnectionsPerAddress: 100,
    });
    const small = await connection('127.0.0.3');
    const big = [
      await connection('127.0.0.2'),
      await connection('127.0.0.2'),
      await connection('127.0.0.2'),
    ];
    await request(big[0]!.socket);
    const fresh = await connection('127.0.0.4');
    await until(big[1]!.isClosed);
    expect(closedFor).toEqual(['evicted total']);
    expect([small, big[0]!, big[2]!, fresh].map((client) => client.isClosed())).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(limiter.open).toBe(4);
  });

  it('at the total cap with every connection served, refuses the new one', async () => {
    const { limiter, closedFor, connection, request } = await limited({
      maxConnections: 2,
      maxConnectionsPerAddress: 100,
    });
    await request((await connection('127.0.0.2')).socket);
    await request((await connection('127.0.0.3')).socket);
    const refused = await connection('127.0.0.4');
    await until(refused.isClosed);
    expect(closedFor).toEqual(['refused total']);
    expect(limiter.open).toBe(2);
  });

  /*
   * This machine's loopback has one IPv6 address, so the connections are sockets handed to the
   * limiter as the server would hand them, each claiming its peer's address.
   */
  it('counts a whole IPv6 /64 as one address, and IPv4-mapped peers as their IPv4', () => {
    const events = new EventEmitter();
    const closedFor: string[] = [];
    const limiter = limitConnections(events as Server, {
      maxConnections: 100,
      maxConnectionsPerAddress: 2,
      onEvicted: (cap) => closedFor.push(`evicted ${cap}`),
    });
    const peer = (remoteAddress: string) => {
      const socket = Object.assign(new EventEmitter(), { remoteAddress, destroyed: false });
      const destroy = () => ((socket.destroyed = true), socket.emit('close'));
      events.emit('connection', Object.assign(socket, { destroy }));
      return socket;
    };
    const first = peer('2001:db8:1:2::a');
    const second = peer('2001:db8:1:2:ffff:1:2:3');
    const otherNetwork = peer('2001:db8:1:3::a');
    const third = peer('2001:0db8:0001:0002::b');
    expect(closedFor).toEqual(['evicted address']);
    expect([first, second, third].map((socket) => socket.destroyed)).toEqual([true, false, false]);
    expect(otherNetwork.destroyed).toBe(false);
    expect(limiter.openFrom('2001:db8:1:2::1')).toBe(2);
    expect(limiter.openFrom('2001:db8:1:3::ffff')).toBe(1);
    peer('::ffff:192.0.2.7');
    expect(limiter.openFrom('192.0.2.7')).toBe(1);
  });

  it('forgets closed connections, and stops when detached', async () => {
    const { limiter, closedFor, connection } = await limited({
      maxConnections: 100,
      maxConnectionsPerAddress: 1,
    });
    const gone = await connection('127.0.0.2');
    gone.socket.destroy();
    await until(() => limiter.open === 0);
    await connection('127.0.0.2');
    expect(closedFor).toEqual([]);
    limiter.detach();
    const { port } = server!.address() as AddressInfo;
    const untracked = await open(port, '127.0.0.2');
    await delay(50);
    expect(untracked.isClosed()).toBe(false);
    expect(limiter.open).toBe(1);
  });
});

describe('the collector’s connection limits', () => {
  it('counts evictions and refusals from 0, and open connections', async () => {
    app = await createCollector({
      processMetrics: false,
      maxConnections: 3,
      maxConnectionsPerAddress: 2,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const series = async () => lookupSeries(app!.pulse.registry);
    const zero = await series();
    for (const cap of ['address', 'total']) {
      expect(zero.value('pulse_connections_evicted_total', { cap })).toBe(0);
      expect(zero.value('pulse_connections_refused_total', { cap })).toBe(0);
    }
    const { port } = app.server.address() as AddressInfo;
    const first = await open(port, '127.0.0.2');
    for (const from of ['127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.4']) await open(port, from);
    await until(first.isClosed);
    // 127.0.0.2's third evicted its first; 127.0.0.4 found the server full and evicted again.
    const now = await seriesWhen(series, (s) => s.value('pulse_connections_evicted_total') >= 2);
    expect(now.value('pulse_connections_evicted_total', { cap: 'address' })).toBe(1);
    expect(now.value('pulse_connections_evicted_total', { cap: 'total' })).toBe(1);
    expect(now.value('pulse_connections_refused_total')).toBe(0);
    expect(now.value('pulse_open_connections')).toBe(3);
  });

  it('exempts its trusted proxies from the per-address cap', async () => {
    app = await createCollector({
      processMetrics: false,
      maxConnectionsPerAddress: 1,
      trustProxy: '127.0.0.2',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const proxied = [await open(port, '127.0.0.2'), await open(port, '127.0.0.2')];
    const direct = await open(port, '127.0.0.3');
    await open(port, '127.0.0.3');
    await until(direct.isClosed);
    expect(proxied.map((client) => client.isClosed())).toEqual([false, false]);
  });
});

describe('the admin listener’s connection limits', () => {
  /** The admin plugin alone on a fastify instance, listening, with its series in `registry`. */
  async function adminAlone(options: Partial<AdminConnectionLimitsPluginOptions>) {
    const registry = new Registry();
    app = Fastify();
    await app.register(adminConnectionLimitsPlugin, { registry, trustProxy: false, ...options });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { port, series: () => lookupSeries(registry) };
  }

  /** `count` connections from `from`, opened one after another. */
  async function many(port: number, from: string, count: number) {
    const opened = [];
    for (let i = 0; i < count; i += 1) opened.push(await open(port, from));
    return opened;
  }

  it('closes the oldest idle connection of an address at its cap, and counts it', async () => {
    const { port, series } = await adminAlone({ exemptLoopback: false });
    const idle = await many(port, '127.0.0.2', ADMIN_MAX_CONNECTIONS_PER_ADDRESS + 1);
    await until(idle[0]!.isClosed);
    expect(idle.filter((client) => client.isClosed())).toHaveLength(1);
    const now = await series();
    expect(now.value('pulse_admin_connections_evicted_total', { cap: 'address' })).toBe(1);
    expect(now.value('pulse_admin_connections_refused_total')).toBe(0);
    expect(now.value('pulse_admin_open_connections')).toBe(ADMIN_MAX_CONNECTIONS_PER_ADDRESS);
  });

  it('exempts the trusted proxies from the per-address cap', async () => {
    const { port } = await adminAlone({ exemptLoopback: false, trustProxy: '127.0.0.2' });
    const proxied = await many(port, '127.0.0.2', ADMIN_MAX_CONNECTIONS_PER_ADDRESS + 1);
    const direct = await many(port, '127.0.0.3', ADMIN_MAX_CONNECTIONS_PER_ADDRESS + 1);
    await until(direct[0]!.isClosed);
    expect(proxied.filter((client) => client.isClosed())).toHaveLength(0);
  });

  it('in a collector: exempts loopback peers from the per-address cap, not from the total', async () => {
    app = await createCollector({ processMetrics: false });
    await app.pulseAdmin.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.pulseAdmin.server.address() as AddressInfo;
    const series = async () => lookupSeries(app!.pulse.registry);
    const zero = await series();
    for (const cap of ['address', 'total']) {
      expect(zero.value('pulse_admin_connections_evicted_total', { cap })).toBe(0);
      expect(zero.value('pulse_admin_connections_refused_total', { cap })).toBe(0);
    }
    const local = await many(port, '127.0.0.2', ADMIN_MAX_CONNECTIONS);
    expect(local.filter((client) => client.isClosed())).toHaveLength(0);
    await open(port, '127.0.0.3');
    await until(local[0]!.isClosed);
    const now = await seriesWhen(
      series,
      (s) => s.value('pulse_admin_connections_evicted_total') >= 1,
    );
    expect(now.value('pulse_admin_connections_evicted_total', { cap: 'total' })).toBe(1);
    expect(now.value('pulse_admin_connections_evicted_total', { cap: 'address' })).toBe(0);
    expect(now.value('pulse_admin_open_connections')).toBe(ADMIN_MAX_CONNECTIONS);
    // The ingest listener's caps and counts are its own.
    expect(now.value('pulse_connections_evicted_total')).toBe(0);
    expect(now.value('pulse_open_connections')).toBe(0);
  });

  it('cuts off a client that trickles its request head past headersTimeout', async () => {
    app = await createCollector({ processMetrics: false, headersTimeout: 300 });
    await app.pulseAdmin.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.pulseAdmin.server.address() as AddressInfo;
    const slow = await open(port, '127.0.0.2');
    slow.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    // Node answers 408 and closes within `until`'s 2 s; without the setting it waits a minute.
    await until(slow.isClosed);
  });
});
