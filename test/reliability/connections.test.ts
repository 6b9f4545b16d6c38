/**
 * Connection hygiene of the real `pulse-collector` process, under the open-files limit systemd
 * gives services by default (1024), over real sockets: idle and slow-loris connections past
 * every limit do not lock out a new client, one address cannot hold more than its share, idle
 * keep-alive connections are closed after seconds, and /metrics counts what was closed.
 *
 * The attacking sockets come from this process (whose own limit is higher), from distinct
 * loopback addresses (Linux routes all of 127.0.0.0/8 to the loopback interface).
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleBeacon } from '@pulse/collector';
import { startCliCollector, type CliCollector } from '../helpers/cliCollector.js';
import { scrape } from '../helpers/metrics.js';

/** systemd's default soft limit of open files for a service. */
const OPEN_FILES = 1024;
/** What the collector derives from it: the limit less 128 for everything else. */
const MAX_CONNECTIONS = OPEN_FILES - 128;
const PER_ADDRESS = 64;

interface Client {
  socket: Socket;
  /** Closed by the server (this test never closes them before the end). */
  closed: boolean;
}

const clients: Client[] = [];
let collector: CliCollector | undefined;
afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.destroy();
  await collector?.stop();
  collector = undefined;
});

/** Opens a raw connection from `from` and resolves once it is connected. */
async function dial(url: string, from: string): Promise<Client> {
  const socket = connect({
    port: Number(new URL(url).port),
    host: '127.0.0.1',
    localAddress: from,
  });
  const client: Client = { socket, closed: false };
  clients.push(client);
  socket.on('close', () => (client.closed = true));
  socket.on('data', () => {});
  // Writes to a connection the server closed fail with EPIPE or ECONNRESET.
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error(`connection from ${from} failed`)));
  });
  return client;
}

/** Opens connections from each of `from`, a hundred at a time. */
async function dialAll(url: string, from: readonly string[]): Promise<Client[]> {
  const opened: Client[] = [];
  for (let i = 0; i < from.length; i += 100) {
    opened.push(...(await Promise.all(from.slice(i, i + 100).map((at) => dial(url, at)))));
  }
  return opened;
}

/** Polls until `done` holds, for at most `timeoutMs`. */
async function until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await delay(20);
  expect(done()).toBe(true);
}

/** How many of `some` the server closed, once that number has stopped changing. */
async function settledClosed(some: readonly Client[]): Promise<number> {
  const count = () => some.filter((client) => client.closed).length;
  let previous = -1;
  while (count() !== previous) {
    previous = count();
    await delay(300);
  }
  return previous;
}

/** A beacon from a fresh client on its own connection (`Connection: close`): the status. */
function postBeacon(url: string, from: string): Promise<number> {
  const body = JSON.stringify(exampleBeacon());
  return new Promise((resolve, reject) => {
    const post = request(
      `${url}/v1/rum`,
      {
        method: 'POST',
        agent: false,
        localAddress: from,
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    post.on('error', reject);
    post.end(body);
  });
}

const connectionSeries = async (metricsUrl: string) => {
  const metrics = await scrape(metricsUrl);
  return {
    evicted: (cap: string) => metrics.value('pulse_connections_evicted_total', { cap }),
    refused: (cap: string) => metrics.value('pulse_connections_refused_total', { cap }),
    open: metrics.value('pulse_open_connections'),
  };
};

describe('pulse-collector connection limits, under ulimit -n 1024', () => {
  it('serves a fresh client past 1,100 idle and 1,100 slow-loris connections', async () => {
    // Long request timeouts, so only the connection caps make room here.
    collector = await startCliCollector(
      ['--request-timeout', '60000', '--headers-timeout', '60000'],
      { openFiles: OPEN_FILES },
    );
    expect(collector.logLine('connection limits')).toMatchObject({
      maxConnections: MAX_CONNECTIONS,
      maxConnectionsPerAddress: PER_ADDRESS,
      openFilesLimit: OPEN_FILES,
    });
    // 100 addresses with 22 connections each: the total cap is reached, not the per-address one.
    const from = Array.from({ length: 2200 }, (_, i) => `127.1.0.${(i % 100) + 1}`);
    const idle = await dialAll(collector.url, from.slice(0, 1100));
    const loris = await dialAll(collector.url, from.slice(1100));
    for (const { socket } of loris) socket.write('POST /v1/rum HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => {
      for (const { socket, closed } of loris) if (!closed) socket.write('X-Slow: 1\r\n');
    }, 500);
    try {
      const attackers = [...idle, ...loris];
      await until(
        () => attackers.filter((client) => client.closed).length >= 2200 - MAX_CONNECTIONS,
      );
      expect(await settledClosed(attackers)).toBe(2200 - MAX_CONNECTIONS);

      // A fresh client is served: the collector closes one idle connection to make room.
      expect(await postBeacon(collector.url, '127.0.0.1')).toBe(204);
      await until(
        () => attackers.filter((client) => client.closed).length > 2200 - MAX_CONNECTIONS,
      );
      expect(await settledClosed(attackers)).toBe(2200 - MAX_CONNECTIONS + 1);
      const series = await connectionSeries(collector.metricsUrl);
      expect(series.evicted('total')).toBe(2200 - MAX_CONNECTIONS + 1);
      expect(series.evicted('address')).toBe(0);
      expect(series.refused('total') + series.refused('address')).toBe(0);
      // The attackers' that are left, and the scrape's own when /metrics shares the listener.
      const scrapeOwn = collector.metricsUrl === collector.url ? 1 : 0;
      expect(series.open).toBe(MAX_CONNECTIONS - 1 + scrapeOwn);
      // Both kinds were made room from.
      expect(idle.some((client) => client.closed)).toBe(true);
      expect(loris.some((client) => client.closed)).toBe(true);
    } finally {
      clearInterval(trickle);
    }
  });

  it("closes one address's oldest idle connections past its cap; others are served", async () => {
    collector = await startCliCollector([], { openFiles: OPEN_FILES });
    const greedy: Client[] = [];
    // One at a time, so the collector sees them in this order.
    for (let i = 0; i < PER_ADDRESS + 10; i += 1)
      greedy.push(await dial(collector.url, '127.0.0.2'));
    await until(() => greedy.filter((client) => client.closed).length >= 10);
    expect(await settledClosed(greedy)).toBe(10);
    expect(greedy.map((client) => client.closed)).toEqual([
      ...Array<boolean>(10).fill(true),
      ...Array<boolean>(PER_ADDRESS).fill(false),
    ]);
    expect(await postBeacon(collector.url, '127.0.0.3')).toBe(204);
    const series = await connectionSeries(collector.metricsUrl);
    expect(series.evicted('address')).toBe(10);
    expect(series.evicted('total')).toBe(0);
    expect(series.refused('address')).toBe(0);
  });

  it.each([
    { name: '--keep-alive-timeout 1000', args: ['--keep-alive-timeout', '1000'], timeout: 1000 },
    { name: 'the default of 5 s', args: [], timeout: 5000 },
  ])('closes an idle keep-alive connection after $name', async ({ args, timeout }) => {
    collector = await startCliCollector(args);
    const client = await dial(collector.url, '127.0.0.1');
    let answered = 0;
    client.socket.on('data', () => (answered = Date.now()));
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => answered > 0);
    await delay(timeout - 200);
    expect(client.closed).toBe(false);
    // Node closes an idle keep-alive connection a second after the timeout.
    await until(() => client.closed, 3000);
    expect(Date.now() - answered).toBeGreaterThanOrEqual(timeout);
  });
});
