import { Encoder, PacketType } from 'socket.io-parser';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { PROBE_EVENT, type ProbePayload, type SocketEvent } from '../protocol.js';
import type { MetricUpdate, ProbeUpdate, PulseClient } from '../types.js';
import { SEQ_MODULO, monitorSocket, type MonitoredSocket } from './monitorSocket.js';

type Fn = (...args: unknown[]) => void;

/** Minimal emitter with socket.io's on/off and a count of what is subscribed. */
class FakeEmitter {
  listeners = new Map<string, Set<Fn>>();
  on(event: string, fn: Fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: Fn) {
    this.listeners.get(event)?.delete(fn);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(...args);
  }
  get listenerCount() {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
}

class FakeEngine extends FakeEmitter {
  transport = { name: 'websocket' };
}

class FakeManager extends FakeEmitter {
  engine = new FakeEngine();
}

interface SentProbe {
  payload: ProbePayload;
  ack: (echo: unknown) => void;
}

/** A socket.io-client socket as far as the monitor uses it; probes wait for the test to ack. */
class FakeSocket extends FakeEmitter {
  connected = true;
  io = new FakeManager();
  probes: SentProbe[] = [];
  /** Ack every probe as soon as it is sent (RTT 0) instead of waiting for the test. */
  autoAck = false;
  anyIn = new Set<Fn>();
  anyOut = new Set<Fn>();
  emit(event: string, ...args: unknown[]) {
    for (const fn of this.anyOut) fn(event, ...args);
    if (event === PROBE_EVENT) {
      this.probes.push({ payload: args[0] as ProbePayload, ack: args[1] as SentProbe['ack'] });
      if (this.autoAck) this.probes.at(-1)!.ack(args[0]);
    }
    return this;
  }
  onAny(fn: Fn) {
    this.anyIn.add(fn);
    return this;
  }
  offAny(fn: Fn) {
    this.anyIn.delete(fn);
    return this;
  }
  onAnyOutgoing(fn: Fn) {
    this.anyOut.add(fn);
    return this;
  }
  offAnyOutgoing(fn: Fn) {
    this.anyOut.delete(fn);
    return this;
  }
  receive(event: string, ...args: unknown[]) {
    for (const fn of this.anyIn) fn(event, ...args);
    this.fire(event, ...args);
  }
  /** Acks the probe with sequence number `s` (the latest one with that number). */
  ackSeq(s: number) {
    const probe = this.probes.filter((p) => p.payload.s === s).at(-1)!;
    probe.ack(probe.payload);
  }
  drop(reason: string) {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  reconnect() {
    this.io.fire('reconnect_attempt', 1);
    this.io.engine = new FakeEngine();
    this.io.fire('open');
    this.connected = true;
    this.fire('connect');
  }
  /** Everything the monitor could still be subscribed to, on the socket, manager and engine. */
  get subscriptions() {
    return (
      this.listenerCount +
      this.io.listenerCount +
      this.io.engine.listenerCount +
      this.anyIn.size +
      this.anyOut.size
    );
  }
}

function fakePulse(sampled = true) {
  const recorded: SocketEvent[] = [];
  const live: ProbeUpdate[] = [];
  const client: PulseClient = {
    sampled,
    record: (event) => void recorded.push(event as SocketEvent),
    emit: (update: MetricUpdate) => void live.push(update as ProbeUpdate),
    track: () => {},
    time: () => {},
    setRoute: () => {},
    flush: () => {},
    consent: () => {},
    stop: () => {},
    onMetric: () => () => {},
  };
  return { client, recorded, live };
}

const asSocket = (fake: FakeSocket) => fake as unknown as Socket;

let socket: FakeSocket;
let pulse: ReturnType<typeof fakePulse>;

beforeEach(() => {
  vi.useFakeTimers();
  socket = new FakeSocket();
  pulse = fakePulse();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('monitorSocket probes', () => {
  it('sends a probe every interval and measures its RTT from the ack', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 1000 });
    vi.advanceTimersByTime(1000);
    expect(socket.probes).toHaveLength(1);
    expect(socket.probes[0]!.payload).toEqual({ s: 0, t: Date.now() });
    vi.advanceTimersByTime(40);
    socket.ackSeq(0);
    expect(pulse.live).toEqual([
      { k: 'probe', rtt: 40, srtt: 40, jitter: 0, loss: 0, transport: 'websocket' },
    ]);
  });

  it('matches out-of-order acks to their own probes', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 100, timeout: 5000 });
    vi.advanceTimersByTime(300); // probes 0, 1, 2 sent at 100, 200, 300
    vi.advanceTimersByTime(50);
    socket.ackSeq(2);
    vi.advanceTimersByTime(10);
    socket.ackSeq(0);
    socket.ackSeq(1);
    expect(pulse.live.map((u) => u.rtt)).toEqual([50, 260, 160]);
    expect(pulse.live.at(-1)!.loss).toBe(0);
  });

  it('counts an ack after the timeout as lost, and ignores late and duplicate acks', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 1000, timeout: 1500 });
    vi.advanceTimersByTime(1000); // probe 0
    vi.advanceTimersByTime(1600);
    socket.ackSeq(0); // 1600 ms > timeout, before any sweep: lost
    expect(pulse.live.map((u) => u.rtt)).toEqual([null]);

    vi.advanceTimersByTime(1400); // t = 4000: probes 1 (2000), 2 (3000), 3 (4000); 1 swept as lost
    expect(pulse.live.map((u) => u.rtt)).toEqual([null, null]);
    socket.ackSeq(1); // after the sweep: ignored
    socket.ackSeq(2); // 1000 ms: received
    socket.ackSeq(2); // duplicate: ignored
    socket.ackSeq(0); // long gone: ignored
    expect(pulse.live.map((u) => u.rtt)).toEqual([null, null, 1000]);
    expect(pulse.live.at(-1)!.loss).toBeCloseTo(2 / 3, 10);
  });

  it('wraps sequence numbers at 2^16 and ignores a stale ack of an earlier probe with the same number', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 1, timeout: 10 });
    vi.advanceTimersByTime(1); // probe s=0, kept to ack much later
    const stale = socket.probes[0]!;
    for (let i = 1; i <= SEQ_MODULO; i++) {
      vi.advanceTimersByTime(1);
      socket.probes.at(-1)!.ack(undefined);
      if (socket.probes.length > 8) socket.probes.splice(1, socket.probes.length - 4);
    }
    const last = socket.probes.at(-1)!;
    expect(last.payload.s).toBe(0); // 65536 probes later the number came round
    stale.ack(stale.payload); // the first s=0 timed out long ago: must not count for the new one
    const received = pulse.live.filter((u) => u.rtt !== null);
    const lost = pulse.live.filter((u) => u.rtt === null);
    expect(received).toHaveLength(SEQ_MODULO);
    expect(lost).toHaveLength(1);
    expect(received.every((u) => u.rtt === 0)).toBe(true);
  });

  it('keeps the serialised probe, socket.io framing included, within 64 bytes', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 1 });
    vi.setSystemTime(new Date('2286-11-20T17:46:39Z')); // 13-digit timestamps run out here
    vi.advanceTimersByTime(1);
    const payload: ProbePayload = { ...socket.probes[0]!.payload, s: SEQ_MODULO - 1 };
    expect(JSON.stringify(payload).length).toBeLessThanOrEqual(64);
    const [packet] = new Encoder().encode({
      type: PacketType.EVENT,
      nsp: '/',
      id: 999_999,
      data: [PROBE_EVENT, payload],
    }) as string[];
    expect(packet).toContain('"pulse:ping"');
    expect(new TextEncoder().encode(packet).length).toBeLessThanOrEqual(64);
  });
});

describe('monitorSocket connection events', () => {
  it('counts probes due while disconnected as lost without sending them, then resumes', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 1000, reportEvery: 10_000 });
    vi.advanceTimersByTime(1000);
    socket.ackSeq(0);
    socket.drop('transport close');
    vi.advanceTimersByTime(3000); // 3 probes due while down
    expect(socket.probes).toHaveLength(1);
    vi.advanceTimersByTime(500);
    socket.reconnect();
    socket.autoAck = true;
    vi.advanceTimersByTime(5500); // probes at 5000..10000 sent and acked at once
    expect(socket.probes).toHaveLength(7);
    const [summary] = pulse.recorded;
    expect(summary).toMatchObject({
      k: 'socket',
      probes: 10,
      lost: 3,
      disconnects: ['transport close'],
      reconnects: 1,
      connectMs: 0,
    });
    expect(summary!.loss).toBeCloseTo(3 / 10, 10);
  });

  it('does not count probes due before the first connect as lost, and measures connect time', () => {
    socket.connected = false;
    socket.autoAck = true;
    monitorSocket(pulse.client, asSocket(socket), { interval: 1000, reportEvery: 5000 });
    vi.advanceTimersByTime(2300);
    socket.connected = true;
    socket.fire('connect');
    vi.advanceTimersByTime(2700);
    expect(pulse.recorded[0]).toMatchObject({ probes: 3, lost: 0, connectMs: 2300 });
  });

  it('maps disconnect reasons onto the wire format', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 1000, reportEvery: 5000 });
    socket.drop('ping timeout');
    socket.reconnect();
    socket.drop('something new');
    socket.reconnect();
    vi.advanceTimersByTime(5000);
    expect(pulse.recorded[0]!.disconnects).toEqual(['ping timeout', 'other']);
    expect(pulse.recorded[0]!.reconnects).toBe(2);
  });

  it('counts application messages (not probes) and upgrades of the current engine', () => {
    socket.io.engine.transport.name = 'polling';
    socket.autoAck = true;
    monitorSocket(pulse.client, asSocket(socket), { interval: 1000, reportEvery: 5000 });
    socket.emit('chat', 'hi');
    socket.emit('chat', 'again');
    socket.receive('chat', 'hello');
    socket.receive(PROBE_EVENT, { s: 1, t: 1 });
    socket.io.engine.transport.name = 'websocket';
    socket.io.engine.fire('upgrade');
    socket.drop('transport close');
    const oldEngine = socket.io.engine;
    socket.reconnect();
    oldEngine.fire('upgrade'); // the old engine no longer counts
    socket.io.engine.fire('upgrade');
    vi.advanceTimersByTime(5000);
    expect(pulse.recorded[0]).toMatchObject({
      msgIn: 1,
      msgOut: 2,
      upgrades: 2,
      transport: 'websocket',
      probes: 5,
    });
    expect(oldEngine.listenerCount).toBe(0);
  });
});

describe('monitorSocket summaries', () => {
  it('records one summary per reportEvery with the window statistics', () => {
    monitorSocket(pulse.client, asSocket(socket), { interval: 2000, reportEvery: 10_000 });
    let lastRtt = 0;
    for (let i = 0; i < 15; i++) {
      const rtt = i % 2 ? 30 : 20;
      vi.advanceTimersByTime(2000 - lastRtt); // the next probe is sent
      vi.advanceTimersByTime(rtt);
      socket.ackSeq(socket.probes.at(-1)!.payload.s);
      lastRtt = rtt;
    }
    vi.advanceTimersByTime(2000 - lastRtt); // t = 30 s: the third summary
    expect(pulse.recorded).toHaveLength(3);
    // A probe counts in the window in which it resolves: the one sent at 10 s is acked after
    // the 10 s summary, so it belongs to the second window.
    expect(pulse.recorded.map((s) => s.probes)).toEqual([4, 5, 5]);
    for (const summary of pulse.recorded) {
      expect(summary).toMatchObject({ k: 'socket', transport: 'websocket', lost: 0, loss: 0 });
      expect(summary.p50).toBeGreaterThanOrEqual(20);
      expect(summary.p95).toBeLessThanOrEqual(30);
    }
    // RTTs alternate 20/30 ms, so RFC 3550 jitter climbs towards |D| = 10 ms.
    expect(pulse.recorded[2]!.jitter).toBeGreaterThan(pulse.recorded[0]!.jitter);
    expect(pulse.recorded[2]!.jitter).toBeLessThan(10);
    expect(pulse.live).toHaveLength(15);
  });

  it('records nothing for a window without probes or connection events', () => {
    socket.connected = false;
    monitorSocket(pulse.client, asSocket(socket), { interval: 1000, reportEvery: 5000 });
    vi.advanceTimersByTime(15_000);
    expect(pulse.recorded).toEqual([]);
  });
});

describe('monitorSocket stop()', () => {
  it('mid-probe leaves no timer, no listener and no probe traffic, and sends the last window', () => {
    const timersBefore = vi.getTimerCount();
    const stop = monitorSocket(pulse.client, asSocket(socket), { interval: 1000, timeout: 5000 });
    expect(vi.getTimerCount()).toBeGreaterThan(timersBefore);
    expect(socket.subscriptions).toBeGreaterThan(0);
    vi.advanceTimersByTime(1000);
    socket.ackSeq(0);
    vi.advanceTimersByTime(1000); // probe 1 in flight
    stop();
    expect(vi.getTimerCount()).toBe(timersBefore);
    expect(socket.subscriptions).toBe(0);
    expect(pulse.recorded).toHaveLength(1);
    expect(pulse.recorded[0]).toMatchObject({ probes: 1, lost: 0 });

    const liveBefore = pulse.live.length;
    socket.ackSeq(1); // the in-flight probe's ack arrives after stop()
    vi.advanceTimersByTime(60_000);
    socket.drop('transport close');
    socket.reconnect();
    expect(socket.probes).toHaveLength(2);
    expect(pulse.live).toHaveLength(liveBefore);
    expect(pulse.recorded).toHaveLength(1);
    stop(); // a second stop is harmless
    expect(pulse.recorded).toHaveLength(1);
  });

  it('does nothing at all when the session is not sampled', () => {
    const unsampled = fakePulse(false);
    const stop = monitorSocket(unsampled.client, asSocket(socket));
    expect(socket.subscriptions).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(socket.probes).toEqual([]);
    stop();
    expect(unsampled.recorded).toEqual([]);
  });
});

// Checked by `npm run typecheck`: the published parameter type is written out, not imported.
describe('MonitoredSocket', () => {
  it('takes any socket.io-client socket, typed event maps included, and nothing else', () => {
    interface ServerEvents {
      price: (cents: number) => void;
    }
    interface ClientEvents {
      order: (item: string, ack: (id: string) => void) => void;
    }
    expectTypeOf<Socket>().toExtend<MonitoredSocket>();
    expectTypeOf<Socket<ServerEvents, ClientEvents>>().toExtend<MonitoredSocket>();
    expectTypeOf<{ connected: boolean; io: object }>().not.toExtend<MonitoredSocket>();
  });
});
