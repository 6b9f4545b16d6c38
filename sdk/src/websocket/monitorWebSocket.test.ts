import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WS_PROBE, WS_PROBE_ANSWER, type SocketEvent } from '../protocol.js';
import type { MetricUpdate, ProbeUpdate, PulseClient } from '../types.js';
import { monitorWebSocket, type MonitoredWebSocket } from './monitorWebSocket.js';

/**
 * A browser WebSocket as an EventTarget (Node's own, with the DOM's listener order and
 * `stopImmediatePropagation`), its `onmessage` handler taking its place among the listeners
 * when first set, as in browsers. The test plays the server: `sent` is what the page sent.
 */
class FakeWebSocket extends EventTarget {
  readyState = 0;
  sent: string[] = [];
  private handler: ((event: MessageEvent) => void) | null = null;
  private readonly dispatchToHandler = (event: Event) => this.handler?.(event as MessageEvent);
  get onmessage() {
    return this.handler;
  }
  set onmessage(handler: ((event: MessageEvent) => void) | null) {
    if (this.handler === null && handler !== null) {
      this.addEventListener('message', this.dispatchToHandler);
    }
    this.handler = handler;
  }
  send(data: string) {
    this.sent.push(data);
  }
  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  receive(data: string) {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  /** Answers every probe sent so far, as `@pulse/collector/ws` does. */
  answerAll() {
    const probes = this.sent.filter((text) => text.startsWith(WS_PROBE));
    this.sent = this.sent.filter((text) => !text.startsWith(WS_PROBE));
    probes.forEach((probe) => this.receive(WS_PROBE_ANSWER + probe.slice(WS_PROBE.length)));
  }
  close() {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
}

function fakePulse() {
  const recorded: SocketEvent[] = [];
  const live: ProbeUpdate[] = [];
  const client = {
    sampled: true,
    record: (event: unknown) => void recorded.push(event as SocketEvent),
    emit: (update: MetricUpdate) => void live.push(update as ProbeUpdate),
  } as unknown as PulseClient;
  return { client, recorded, live };
}

let ws: FakeWebSocket;
let pulse: ReturnType<typeof fakePulse>;
const monitored = () => ws as unknown as MonitoredWebSocket;

beforeEach(() => {
  vi.useFakeTimers();
  ws = new FakeWebSocket();
  pulse = fakePulse();
});

afterEach(() => vi.useRealTimers());

describe('monitorWebSocket', () => {
  it('probes an open socket, and the app never sees an answer while it sees its own messages', () => {
    const stop = monitorWebSocket(pulse.client, monitored(), { interval: 100, reportEvery: 1000 });
    const seen: unknown[] = [];
    ws.onmessage = (event) => seen.push(['onmessage', event.data]);
    ws.addEventListener('message', (event) =>
      seen.push(['listener', (event as MessageEvent).data]),
    );
    ws.open();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(100);
      vi.advanceTimersByTime(10);
      ws.answerAll();
    }
    ws.receive('{"chat":"hi"}');
    expect(seen).toEqual([
      ['onmessage', '{"chat":"hi"}'],
      ['listener', '{"chat":"hi"}'],
    ]);
    expect(pulse.live.filter((u) => u.rtt !== null)).toHaveLength(5);
    stop();
    expect(pulse.recorded).toHaveLength(1);
    expect(pulse.recorded[0]).toMatchObject({
      k: 'socket',
      transport: 'websocket',
      probes: 5,
      lost: 0,
      msgIn: 1,
    });
    expect(pulse.recorded[0]!.p50).toBeGreaterThanOrEqual(10);
  });

  it('counts unanswered probes as lost after the timeout', () => {
    const stop = monitorWebSocket(pulse.client, monitored(), { interval: 100, timeout: 250 });
    ws.open();
    vi.advanceTimersByTime(1000);
    stop();
    expect(pulse.recorded[0]!.lost).toBeGreaterThanOrEqual(6);
    expect(pulse.recorded[0]!.probes).toBe(pulse.recorded[0]!.lost);
  });

  it('sends no probes when the app set onmessage first, which would run before the monitor', () => {
    ws.onmessage = () => {};
    ws.open();
    const stop = monitorWebSocket(pulse.client, monitored(), { interval: 100 });
    vi.advanceTimersByTime(1000);
    expect(ws.sent).toEqual([]);
    stop();
  });

  it('reports the connect time and the close, then stops by itself', () => {
    const stop = monitorWebSocket(pulse.client, monitored(), { interval: 100 });
    vi.advanceTimersByTime(40);
    ws.open();
    ws.close();
    expect(pulse.recorded).toHaveLength(1);
    expect(pulse.recorded[0]).toMatchObject({ connectMs: 40, disconnects: ['transport close'] });
    const sent = ws.sent.length;
    vi.advanceTimersByTime(1000);
    expect(ws.sent).toHaveLength(sent);
    stop();
    expect(pulse.recorded).toHaveLength(1);
  });

  it('counts no disconnect for a socket that never opened', () => {
    monitorWebSocket(pulse.client, monitored(), { interval: 100 });
    ws.close();
    expect(pulse.recorded).toEqual([]);
  });

  it('ignores an answer to no probe in flight, and never throws into the page', () => {
    const stop = monitorWebSocket(pulse.client, monitored(), { interval: 100 });
    ws.open();
    expect(() => ws.receive(`${WS_PROBE_ANSWER}7 123.5`)).not.toThrow();
    expect(() => ws.receive(`${WS_PROBE_ANSWER}garbage`)).not.toThrow();
    expect(pulse.live).toEqual([]);
    stop();
  });
});
