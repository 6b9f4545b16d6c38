import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBE_EVENT } from '@pulse/sdk/protocol';
import { Registry, register as globalRegistry } from 'prom-client';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachPulse } from './attachPulse.js';

let http: HttpServer;
let io: Server;
let url: string;
const clients: ClientSocket[] = [];

beforeEach(async () => {
  http = createServer();
  // A short heartbeat so the server-seen RTT histogram fills within the test.
  io = new Server(http, { pingInterval: 50, pingTimeout: 2000 });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  clients.splice(0).forEach((client) => client.disconnect());
  await io.close();
  globalRegistry.clear();
});

async function client(namespace = '/'): Promise<ClientSocket> {
  const socket = connect(`${url}${namespace}`, { transports: ['websocket'], reconnection: false });
  clients.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

const probe = (socket: ClientSocket, payload: unknown) =>
  socket.timeout(1000).emitWithAck(PROBE_EVENT, payload) as Promise<unknown>;

async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = await registry.getSingleMetric(name)!.get();
  const match = metric.values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return match?.value ?? 0;
}

/** Polls until `check` passes: a condition to reach, not a time to meet. */
async function eventually(check: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached');
}

describe('attachPulse', () => {
  it('acks every probe with its own payload', async () => {
    attachPulse(io, { registry: new Registry() });
    const socket = await client();
    expect(await probe(socket, { s: 7, t: 1_700_000_000_000 })).toEqual({
      s: 7,
      t: 1_700_000_000_000,
    });
    expect(await probe(socket, { s: 65535, t: 1 })).toEqual({ s: 65535, t: 1 });
  });

  it('counts connections, connected sockets and disconnects by reason', async () => {
    const registry = new Registry();
    attachPulse(io, { registry });
    const first = await client();
    const second = await client();
    expect(await value(registry, 'pulse_socket_server_connected')).toBe(2);
    expect(await value(registry, 'pulse_socket_server_connections_total')).toBe(2);

    first.disconnect();
    await eventually(async () => (await value(registry, 'pulse_socket_server_connected')) === 1);
    const [serverSide] = await io.fetchSockets();
    const clientSaw = new Promise((resolve) => second.once('disconnect', resolve));
    serverSide!.disconnect(true);
    expect(await clientSaw).toBe('io server disconnect');
    await eventually(async () => (await value(registry, 'pulse_socket_server_connected')) === 0);
    expect(
      await value(registry, 'pulse_socket_server_disconnects_total', {
        reason: 'client namespace disconnect',
      }),
    ).toBe(1);
    expect(
      await value(registry, 'pulse_socket_server_disconnects_total', {
        reason: 'server namespace disconnect',
      }),
    ).toBe(1);
    expect(await value(registry, 'pulse_socket_server_connections_total')).toBe(2);
  });

  it('records the server-seen RTT of engine.io heartbeats', async () => {
    const registry = new Registry();
    attachPulse(io, { registry });
    await client();
    await eventually(
      async () => (await value(registry, 'pulse_socket_server_rtt_seconds', { le: '+Inf' })) >= 3,
    );
    const { values } = await registry.getSingleMetric('pulse_socket_server_rtt_seconds')!.get();
    const part = (suffix: string) =>
      (values as { metricName?: string; value: number }[]).find(
        (v) => v.metricName === `pulse_socket_server_rtt_seconds_${suffix}`,
      )!.value;
    // Loopback: a positive RTT, well under the pingTimeout the client would be dropped at.
    expect(part('sum')).toBeGreaterThan(0);
    expect(part('sum') / part('count')).toBeLessThan(2);
  });

  it('covers namespaces created after it, and sockets connected before it', async () => {
    const registry = new Registry();
    io.of('/early');
    const early = await client('/early');
    attachPulse(io, { registry });
    io.of('/late');
    const late = await client('/late');
    expect(await probe(early, { s: 1, t: 2 })).toEqual({ s: 1, t: 2 });
    expect(await probe(late, { s: 3, t: 4 })).toEqual({ s: 3, t: 4 });
    expect(await value(registry, 'pulse_socket_server_connected')).toBe(2);
  });

  it("records into prom-client's global registry by default, and shares series when attached twice", async () => {
    const detachFirst = attachPulse(io);
    const detachSecond = attachPulse(io);
    await client();
    expect(await value(globalRegistry, 'pulse_socket_server_connections_total')).toBe(2);
    detachFirst();
    detachSecond();
  });

  it('detach() stops answering probes and removes what it added', async () => {
    const registry = new Registry();
    const listenersBefore = io.sockets.listeners('connection').length;
    const detach = attachPulse(io, { registry });
    const socket = await client();
    expect(await probe(socket, { s: 1, t: 1 })).toEqual({ s: 1, t: 1 });
    const [serverSide] = await io.fetchSockets();
    const conn = io.of('/').sockets.get(serverSide!.id)!.conn;

    detach();
    expect(io.sockets.listeners('connection')).toHaveLength(listenersBefore);
    expect(io.sockets.listeners('new_namespace')).toHaveLength(0);
    expect(io.of('/').sockets.get(serverSide!.id)!.listeners(PROBE_EVENT)).toHaveLength(0);
    expect(conn.listeners('packetCreate')).toHaveLength(0);
    expect(await value(registry, 'pulse_socket_server_connected')).toBe(0);
    await expect(probe(socket, { s: 2, t: 2 })).rejects.toThrow();
    // A socket connecting after detach() is not counted.
    await client();
    expect(await value(registry, 'pulse_socket_server_connections_total')).toBe(1);
  });
});
