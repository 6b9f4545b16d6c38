import type { AddressInfo } from 'node:net';
import { WS_PROBE, WS_PROBE_ANSWER } from '@pulse/sdk/protocol';
import { WebSocket, type WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PulseWebSocket, pulseWebSocketServer } from './pulseWebSocket.js';

// A real ws server and client: the helper rests on how ws delivers frames.
let wss: WebSocketServer;
let url: string;
/** What the app's own message listeners saw, on the server. */
let appSaw: string[];
const clients: WebSocket[] = [];

beforeEach(async () => {
  appSaw = [];
  wss = pulseWebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (socket) => {
    expect(socket).toBeInstanceOf(PulseWebSocket);
    // One listener added at once, one later: neither sees a probe.
    socket.on('message', (data, isBinary) => {
      appSaw.push(isBinary ? 'binary' : data.toString());
      socket.send(`echo ${data.toString()}`);
    });
    setTimeout(() => socket.on('message', (data) => appSaw.push(`late ${data.toString()}`)), 0);
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});

afterEach(async () => {
  clients.splice(0).forEach((client) => client.close());
  await new Promise((resolve) => wss.close(resolve));
});

async function client() {
  const ws = new WebSocket(url);
  clients.push(ws);
  const received: string[] = [];
  ws.on('message', (data) => received.push(data.toString()));
  await new Promise((resolve) => ws.once('open', resolve));
  // Let the server's later listener be added.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { ws, received };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
};

describe('PulseWebSocket', () => {
  it('answers probes with the same text, and the app never sees them', async () => {
    const { ws, received } = await client();
    ws.send(`${WS_PROBE}1 1234.5`);
    ws.send('hello');
    ws.send(`${WS_PROBE}2 99.25`);
    await until(() => received.length === 3);
    expect(received).toEqual([
      `${WS_PROBE_ANSWER}1 1234.5`,
      'echo hello',
      `${WS_PROBE_ANSWER}2 99.25`,
    ]);
    expect(appSaw).toEqual(['hello', 'late hello']);
  });

  it('passes on what only looks like a probe: binary, too long, or without the NUL', async () => {
    const { ws } = await client();
    ws.send(Buffer.from(`${WS_PROBE}1 2`), { binary: true });
    ws.send(`${WS_PROBE}${'9'.repeat(80)}`);
    ws.send('pulse:ping 1 2');
    await until(() => appSaw.length === 6);
    expect(appSaw.filter((text) => !text.startsWith('late'))).toEqual([
      'binary',
      `${WS_PROBE}${'9'.repeat(80)}`,
      'pulse:ping 1 2',
    ]);
  });
});
