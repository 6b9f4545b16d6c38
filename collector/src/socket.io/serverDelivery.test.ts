import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBE_EVENT } from '@pulse/sdk/protocol';
import { Registry } from 'prom-client';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RANKED_SLOTS } from '../labels/rankedLabels.js';
import { attachPulse } from './attachPulse.js';

// A real socket.io server and client: the tracking reads socket.io's own bookkeeping.
let http: HttpServer;
let io: Server;
let url: string;
let registry: Registry;
let detach: () => void;
let serverSocket: Promise<Socket>;
const clients: ClientSocket[] = [];

beforeEach(async () => {
  http = createServer();
  io = new Server(http);
  registry = new Registry();
  detach = attachPulse(io, { registry, delivery: true });
  serverSocket = new Promise((resolve) => io.once('connection', resolve));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  clients.splice(0).forEach((client) => client.disconnect());
  detach();
  await io.close();
});

async function client(): Promise<ClientSocket> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false });
  clients.push(socket);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return socket;
}

async function value(name: string, labels: Record<string, string>) {
  const metric = await registry.getSingleMetric(name)!.get();
  const matches = metric.values.filter(
    (v) =>
      Object.entries(labels).every(([k, l]) => v.labels[k] === l) &&
      (!('metricName' in v) || v.metricName === `${name}_count` || v.metricName === name),
  );
  return matches.reduce((sum, v) => sum + v.value, 0);
}

async function eventually(check: () => Promise<boolean>) {
  for (let i = 0; i < 250; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached');
}

describe('attachPulse with delivery', () => {
  it("counts the server's acknowledged emits as delivered, with the client's answer untouched", async () => {
    const browser = await client();
    browser.on('ask', (question: string, ack: (answer: string) => void) =>
      setTimeout(() => ack(`re: ${question}`), 80),
    );
    const socket = await serverSocket;
    const answers = await Promise.all([
      socket.emitWithAck('ask', 'a'),
      socket.timeout(5000).emitWithAck('ask', 'b'),
      new Promise((resolve) => socket.emit('ask', 'c', resolve)),
    ]);
    expect(answers).toEqual(['re: a', 're: b', 're: c']);
    const ask = { event: 'ask' };
    expect(
      await value('pulse_socket_server_deliveries_total', { ...ask, outcome: 'delivered' }),
    ).toBe(3);
    expect(await value('pulse_socket_server_delivery_seconds', ask)).toBe(3);
    const metric = await registry.getSingleMetric('pulse_socket_server_delivery_seconds')!.get();
    const sum = metric.values.find((v) =>
      String((v as { metricName?: string }).metricName).endsWith('_sum'),
    )!;
    // Three acks after at least 80 ms each.
    expect(sum.value).toBeGreaterThanOrEqual(0.24);
    expect(await value('pulse_socket_server_messages_total', { ...ask, direction: 'out' })).toBe(3);
  });

  it('counts a timed-out emit as failed, and an ack arriving after its timeout too', async () => {
    const browser = await client();
    browser.on('slow', (ms: number, ack: (v: number) => void) => setTimeout(() => ack(ms), ms));
    browser.on('never', () => {});
    const socket = await serverSocket;
    const errors: string[] = [];
    socket.timeout(50).emit('never', (error: Error) => errors.push(error.message));
    socket.timeout(50).emit('slow', 200, (error: Error) => errors.push(error.message));
    await eventually(async () => errors.length === 2);
    expect(errors).toEqual(['operation has timed out', 'operation has timed out']);
    // The late ack arrives at 200 ms; the never-acked emit is found by the 1 s sweep.
    await eventually(
      async () =>
        (await value('pulse_socket_server_deliveries_total', { outcome: 'failed' })) === 2,
    );
    expect(await value('pulse_socket_server_deliveries_total', { outcome: 'delivered' })).toBe(0);
  });

  it('counts emits in flight at a disconnect as lost', async () => {
    const browser = await client();
    browser.on('never', () => {});
    const socket = await serverSocket;
    socket.emit('never', () => {});
    socket.emit('never', () => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    browser.disconnect();
    await eventually(
      async () =>
        (await value('pulse_socket_server_deliveries_total', {
          event: 'never',
          outcome: 'lost',
        })) === 2,
    );
  });

  it('counts messages in per event name, probes excluded', async () => {
    const browser = await client();
    await serverSocket;
    browser.emit('chat', 'hi');
    browser.emit('chat', 'again');
    await browser.timeout(1000).emitWithAck(PROBE_EVENT, { s: 0, t: 0 });
    await eventually(
      async () =>
        (await value('pulse_socket_server_messages_total', { event: 'chat', direction: 'in' })) ===
        2,
    );
    const metric = await registry.getSingleMetric('pulse_socket_server_messages_total')!.get();
    expect(metric.values.map((v) => v.labels.event)).not.toContain(PROBE_EVENT);
  });

  it('keeps series for the busiest names only, however many names clients invent', async () => {
    const browser = await client();
    await serverSocket;
    for (let i = 0; i < 3; i++) browser.emit('chat', i);
    for (let i = 0; i < 200; i++) browser.emit(`invented-${i}`);
    await eventually(
      async () => (await value('pulse_socket_server_messages_total', { direction: 'in' })) === 203,
    );
    const metric = await registry.getSingleMetric('pulse_socket_server_messages_total')!.get();
    const events = new Set(metric.values.map((v) => v.labels.event));
    expect(events.size).toBeLessThanOrEqual(RANKED_SLOTS.event + 1);
    expect(events).toContain('chat');
    expect(events).toContain('__other__');
  });
});
