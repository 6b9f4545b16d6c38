import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { CLEAN, impairSockets, type Impairment } from './impairment.js';

/** A socket.io server that acks `echo`, impaired as `current()` says, and a connected client. */
async function impairedPair(current: () => Impairment) {
  const http = createServer();
  const io = new Server(http);
  impairSockets(io, current);
  io.on('connection', (socket) =>
    socket.on('echo', (value: unknown, ack: (value: unknown) => void) => ack(value)),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ['websocket'],
  });
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return {
    client,
    close: async () => {
      client.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

const echo = (client: Socket, value: number, timeout: number) =>
  client.timeout(timeout).emitWithAck('echo', value) as Promise<number>;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('impairSockets', () => {
  it('lets packets through untouched when clean', async () => {
    const pair = await impairedPair(() => CLEAN);
    close = pair.close;
    await expect(echo(pair.client, 7, 2000)).resolves.toBe(7);
  });

  it('swallows every packet at a drop share of 1: the ack never comes', async () => {
    const pair = await impairedPair(() => ({ delayMs: 0, jitterMs: 0, dropShare: 1 }));
    close = pair.close;
    await expect(echo(pair.client, 7, 300)).rejects.toThrow(/timed out/);
  });

  it('holds each packet for the delay before its handler runs', async () => {
    const delayMs = 150;
    const pair = await impairedPair(() => ({ delayMs, jitterMs: 0, dropShare: 0 }));
    close = pair.close;
    const sent = performance.now();
    await expect(echo(pair.client, 7, 2000)).resolves.toBe(7);
    // A lower bound only: the server cannot answer before its timer fires.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(delayMs - 1);
  });

  it('reads the setting per packet, so a change applies at once', async () => {
    let impairment: Impairment = { delayMs: 0, jitterMs: 0, dropShare: 1 };
    const pair = await impairedPair(() => impairment);
    close = pair.close;
    await expect(echo(pair.client, 1, 300)).rejects.toThrow();
    impairment = CLEAN;
    await expect(echo(pair.client, 2, 2000)).resolves.toBe(2);
  });
});
