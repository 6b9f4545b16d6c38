import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_EVENTS } from '../protocol.js';
import { OTHER_EVENT, eventLabel, trackDelivery, type AckInternals } from './deliveryTracker.js';
import type { Emitter } from './subscribe.js';

// A real socket.io server and client (in Node): the tracker reads socket.io-client's own
// bookkeeping, so a fake socket would prove nothing about it.
let server: Server;
let url: string;
let serverSockets: ServerSocket[];
const clients: Socket[] = [];

beforeEach(async () => {
  const http = createServer();
  server = new Server(http);
  serverSockets = [];
  server.on('connection', (socket) => {
    serverSockets.push(socket);
    socket.on('echo', (value: unknown, ack?: (v: unknown) => void) => ack?.({ echoed: value }));
    socket.on('later', (ms: number, ack: (v: unknown) => void) => setTimeout(() => ack(ms), ms));
    // 'drop' is never acked.
    socket.on('drop', () => {});
    socket.on('push', (event: string) => socket.emit(event, 1));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  clients.splice(0).forEach((client) => client.disconnect());
  await server.close();
});

const connect = async (options: Parameters<typeof io>[1] = {}) => {
  const client = io(url, { transports: ['websocket'], forceNew: true, ...options });
  clients.push(client);
  if (options.autoConnect !== false)
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  return client;
};

/** A tracker on `client`, as monitorSocket makes it. */
const track = (client: Socket) => {
  const tracker = trackDelivery(
    client as unknown as AckInternals,
    client.io as unknown as Emitter,
    () => performance.now(),
  );
  return tracker;
};

const until = async (condition: () => boolean, ms = 5000) => {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('trackDelivery', () => {
  it('counts delivered acks per event with their delivery time, the app seeing the same values', async () => {
    const client = await connect();
    const tracker = track(client);
    const seen: unknown[][] = [];
    client.emit('echo', 'a', (...args: unknown[]) => seen.push(args));
    const withAck = await client.emitWithAck('echo', 'b');
    const withTimeout = await client.timeout(5000).emitWithAck('echo', 'c');
    const before = performance.now();
    const late = await client.emitWithAck('later', 120);
    const waited = performance.now() - before;
    await until(() => seen.length === 1);
    // Exactly what socket.io gives an unmonitored app: the ack's arguments, untouched.
    expect(seen).toEqual([[{ echoed: 'a' }]]);
    expect(withAck).toEqual({ echoed: 'b' });
    expect(withTimeout).toEqual({ echoed: 'c' });
    expect(late).toBe(120);
    const stats = tracker.take()!;
    const echo = stats.find((s) => s.e === 'echo')!;
    expect(echo).toMatchObject({ out: 3, ok: 3, fail: 0, lost: 0 });
    expect(echo.d).toHaveLength(3);
    const later = stats.find((s) => s.e === 'later')!;
    expect(later).toMatchObject({ out: 1, ok: 1 });
    expect(later.d[0]).toBeGreaterThanOrEqual(120);
    expect(later.d[0]).toBeLessThanOrEqual(waited);
    expect(tracker.take()).toBeUndefined();
  });

  it('counts a timed-out emit as failed, and a late ack after its timeout too', async () => {
    const client = await connect();
    const tracker = track(client);
    const errors: unknown[] = [];
    client.timeout(50).emit('drop', (error: unknown) => errors.push(error));
    client.timeout(50).emit('later', 300, (error: unknown) => errors.push(error));
    await expect(client.timeout(50).emitWithAck('drop')).rejects.toThrow('operation has timed out');
    await until(() => errors.length === 2);
    expect(errors.every((error) => (error as Error).message === 'operation has timed out')).toBe(
      true,
    );
    // The late ack arrives after 300 ms, past its 50 ms timeout.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stats = tracker.take()!;
    expect(stats.find((s) => s.e === 'drop')).toMatchObject({ out: 2, ok: 0, fail: 2, lost: 0 });
    expect(stats.find((s) => s.e === 'later')).toMatchObject({ out: 1, ok: 0, fail: 1 });
  });

  it('counts emits in flight at a disconnect as lost, with or without an error callback', async () => {
    const client = await connect({ reconnection: false });
    const tracker = track(client);
    const calls: unknown[] = [];
    client.emit('drop', () => calls.push('plain'));
    client.timeout(10_000).emit('drop', (error: Error) => calls.push(error.message));
    client.emit('echo', 'x', () => calls.push('echo'));
    await until(() => calls.includes('echo'));
    serverSockets[0]!.disconnect();
    await until(() => !client.connected);
    // socket.io never calls a plain ack after a disconnect; one expecting an error gets one.
    expect(calls).toEqual(['echo', 'socket has been disconnected']);
    const drop = tracker.take()!.find((s) => s.e === 'drop')!;
    expect(drop).toMatchObject({ out: 2, ok: 0, fail: 0, lost: 2 });
  });

  it('counts an emit buffered while disconnected as sent, its ack reaching the app', async () => {
    const client = await connect({ autoConnect: false });
    const tracker = track(client);
    const acks: unknown[] = [];
    client.emit('echo', 1, (v: unknown) => acks.push(v));
    client.connect();
    await until(() => acks.length === 1);
    expect(acks).toEqual([{ echoed: 1 }]);
    client.emit('echo', 2, (v: unknown) => acks.push(v));
    await until(() => acks.length === 2);
    // The buffered one is not tracked; the next, sent while connected, is.
    expect(tracker.take()!.find((s) => s.e === 'echo')).toMatchObject({ out: 2, ok: 1 });
  });

  it('reads the ack timeout io() was given (ackTimeout) as well as timeout(ms)', async () => {
    const client = await connect({ ackTimeout: 50 });
    const tracker = track(client);
    const errors: unknown[] = [];
    client.emit('later', 300, (error: unknown) => errors.push(error));
    await until(() => errors.length === 1);
    // Its ack arrives late, after the sweep-free window: still a failure, by the timeout.
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(tracker.take()!.find((s) => s.e === 'later')).toMatchObject({ ok: 0, fail: 1 });
  });

  it('counts messages in per event, and an emit without ack only as sent', async () => {
    const client = await connect();
    const tracker = track(client);
    let news = 0;
    client.on('news', () => news++);
    client.emit('push', 'news');
    client.emit('push', 'news');
    await until(() => news === 2);
    const stats = tracker.take()!;
    expect(stats.find((s) => s.e === 'news')).toMatchObject({ in: 2, out: 0 });
    expect(stats.find((s) => s.e === 'push')).toMatchObject({ out: 2, ok: 0, fail: 0, lost: 0 });
  });

  it('keeps at most MAX_MESSAGE_EVENTS names a window, the rest under __other__', async () => {
    const client = await connect();
    const tracker = track(client);
    for (let i = 0; i < MAX_MESSAGE_EVENTS + 5; i++) client.emit(`event-${i}`);
    const stats = tracker.take()!;
    expect(stats).toHaveLength(MAX_MESSAGE_EVENTS);
    expect(stats.find((s) => s.e === OTHER_EVENT)!.out).toBe(6);
  });

  it('stop() removes its listeners from the manager and socket', async () => {
    const client = await connect();
    const packetListeners = client.io.listeners('packet' as never).length;
    const tracker = track(client);
    expect(client.io.listeners('packet' as never).length).toBe(packetListeners + 1);
    tracker.stop();
    expect(client.io.listeners('packet' as never).length).toBe(packetListeners);
  });
});

describe('eventLabel', () => {
  it('keeps the custom-name alphabet and 64 characters', () => {
    expect(eventLabel('chat:message')).toBe('chat:message');
    expect(eventLabel('a\nb<c>')).toBe('a_b_c_');
    expect(eventLabel('x'.repeat(100))).toHaveLength(64);
    expect(eventLabel('')).toBe('_');
  });
});
