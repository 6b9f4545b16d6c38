import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PulseEvent, WebRtcEvent } from '../protocol.js';
import type { PulseClient } from '../types.js';
import type { StatsReport } from './callWindow.js';
import { monitorPeerConnection } from './monitorPeerConnection.js';

/** An RTCPeerConnection as the monitor sees it: states, listeners and stats the test sets. */
class FakePeerConnection {
  connectionState = 'new';
  iceConnectionState = 'new';
  listeners = new Map<string, Set<() => void>>();
  /** Cumulative packets received so far, read by the next getStats(). */
  received = 0;
  getStats: () => Promise<StatsReport> = () =>
    Promise.resolve(
      new Map([
        [
          'IA',
          {
            id: 'IA',
            type: 'inbound-rtp',
            kind: 'audio',
            packetsReceived: this.received,
            packetsLost: 0,
          },
        ],
      ]),
    );
  addEventListener(type: string, listener: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void) {
    this.listeners.get(type)?.delete(listener);
  }
  get listenerCount() {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
  set(connection: string | undefined, ice?: string) {
    if (ice !== undefined) {
      this.iceConnectionState = ice;
      this.listeners.get('iceconnectionstatechange')?.forEach((listener) => listener());
    }
    if (connection !== undefined) {
      this.connectionState = connection;
      this.listeners.get('connectionstatechange')?.forEach((listener) => listener());
    }
  }
}

function fakePulse(sampled = true) {
  const recorded: WebRtcEvent[] = [];
  const client: PulseClient = {
    sampled,
    record: (event: PulseEvent) => void recorded.push(event as WebRtcEvent),
    emit: () => {},
    track: () => {},
    time: () => {},
    setRoute: () => {},
    flush: () => {},
    consent: () => {},
    stop: () => {},
    onMetric: () => () => {},
  };
  return { client, recorded };
}

let pc: FakePeerConnection;
let pulse: ReturnType<typeof fakePulse>;

beforeEach(() => {
  vi.useFakeTimers();
  pc = new FakePeerConnection();
  pulse = fakePulse();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('monitorPeerConnection', () => {
  it('records one window per interval, counting from the reading taken at start', async () => {
    pc.received = 100;
    monitorPeerConnection(pulse.client, pc, { interval: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    pc.received = 150;
    await vi.advanceTimersByTimeAsync(1000);
    pc.received = 250;
    await vi.advanceTimersByTimeAsync(1000);
    expect(pulse.recorded.map((w) => w.audio?.in?.packets)).toEqual([50, 100]);
  });

  it('carries connection state changes and the ICE-only ones, each once, in order', async () => {
    monitorPeerConnection(pulse.client, pc, { interval: 1000 });
    pc.set(undefined, 'checking');
    pc.set('connecting');
    pc.set('connected', 'connected'); // ICE `connected` is counted through the connection state
    pc.set(undefined, 'completed');
    await vi.advanceTimersByTimeAsync(1000);
    pc.set('disconnected', 'disconnected');
    pc.set('connected', 'connected');
    await vi.advanceTimersByTimeAsync(1000);
    expect(pulse.recorded.map((w) => w.states)).toEqual([
      ['checking', 'connecting', 'connected', 'completed'],
      ['disconnected', 'connected'],
    ]);
  });

  it('reports a failure at once, without waiting for the next window', async () => {
    monitorPeerConnection(pulse.client, pc, { interval: 60_000 });
    pc.set('failed', 'failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(pulse.recorded.map((w) => w.states)).toEqual([['failed']]);
  });

  it('never throws into the page when getStats rejects or throws, and still sends state changes', async () => {
    const stop = monitorPeerConnection(pulse.client, pc, { interval: 1000 });
    pc.getStats = () => Promise.reject(new DOMException('closed', 'InvalidStateError'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(pulse.recorded).toEqual([]);
    pc.getStats = () => {
      throw new Error('closed');
    };
    pc.set('closed');
    await vi.advanceTimersByTimeAsync(1000);
    expect(() => stop()).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(pulse.recorded).toEqual([{ k: 'webrtc', states: ['closed'] }]);
  });

  it('counts a close() that fires no event, once, from the state at the next window', async () => {
    monitorPeerConnection(pulse.client, pc, { interval: 1000 });
    pc.set('connected');
    await vi.advanceTimersByTimeAsync(1000);
    pc.connectionState = 'closed'; // as close() does: the state changes, no event fires
    await vi.advanceTimersByTimeAsync(2000);
    expect(pulse.recorded.map((w) => w.states)).toEqual([['connected'], ['closed'], []]);
  });

  it('still sends the state changes of a window whose report cannot be read', async () => {
    monitorPeerConnection(pulse.client, pc, { interval: 1000 });
    pc.getStats = () =>
      Promise.resolve({
        get: () => 42,
        forEach: () => {
          throw new Error('hostile report');
        },
      });
    pc.set('connected');
    await vi.advanceTimersByTimeAsync(1000);
    expect(pulse.recorded).toEqual([{ k: 'webrtc', states: ['connected'] }]);
  });

  it('holds one reading while getStats() never settles, and reads on once it does', async () => {
    let calls = 0;
    let settle = () => {};
    pc.getStats = () => {
      calls++;
      return new Promise((resolve) => (settle = () => resolve(new Map())));
    };
    monitorPeerConnection(pulse.client, pc, { interval: 1000 });
    pc.set('connected');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
    expect(pulse.recorded).toEqual([]);
    settle(); // the baseline; the windows asked for meanwhile are one reading, now
    await vi.advanceTimersByTimeAsync(0);
    settle();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
    expect(pulse.recorded.map((w) => w.states)).toEqual([['connected']]);
  });

  it('stop() records the last window and leaves no timer or listener', async () => {
    const stop = monitorPeerConnection(pulse.client, pc, { interval: 1000 });
    expect(pc.listenerCount).toBe(2);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    pc.received = 10;
    stop();
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(pc.listenerCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(pulse.recorded.map((w) => w.audio?.in?.packets)).toEqual([10]);
  });

  it('does nothing for a session that is not sampled', async () => {
    monitorPeerConnection(fakePulse(false).client, pc, { interval: 1000 });
    expect(pc.listenerCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
