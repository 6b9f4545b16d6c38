import { beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { MessageStats, SocketEvent } from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../beacon/exampleBeacons.js';
import { RANKED_SLOTS } from '../labels/rankedLabels.js';
import { createPulseMetrics } from '../series/metrics.js';
import { defaultCollectorOptions } from '../options.js';
import { createRecording, type Recording } from './recording.js';
import { lookupSeries } from './seriesLookup.js';

let registry: Registry;
let recording: Recording;

const setUp = (admitAfterClients: number) => {
  registry = new Registry();
  recording = createRecording(createPulseMetrics(registry), {
    ...defaultCollectorOptions,
    admitAfterClients,
    pinnedApps: [],
    pinnedRoutes: [],
    pinnedNames: [],
  });
};

beforeEach(() => setUp(1));

const stats = (e: string, fields: Partial<MessageStats> = {}): MessageStats => ({
  e,
  in: 0,
  out: 0,
  ok: 0,
  fail: 0,
  lost: 0,
  d: [],
  ...fields,
});

const socketWith = (msgs: MessageStats[]): SocketEvent => ({ ...exampleEvents.socket, msgs });

const record = async (msgs: MessageStats[], ip = '192.0.2.1') => {
  recording.recorder.record(exampleBeacon([socketWith(msgs)]), { ip }, 0);
  return lookupSeries(registry);
};

describe('recording socket.io messages', () => {
  it('observes delivery times in seconds and counts outcomes and directions per event', async () => {
    const series = await record([
      stats('chat:send', { in: 2, out: 5, ok: 3, fail: 1, lost: 1, d: [20, 45, 300] }),
    ]);
    const chat = { app: 'shop', event: 'chat:send' };
    expect(series.count('pulse_socket_delivery_seconds', chat)).toBe(3);
    expect(series.sum('pulse_socket_delivery_seconds', chat)).toBeCloseTo(0.365);
    const outcome = (value: string) =>
      series.value('pulse_socket_deliveries_total', { ...chat, outcome: value });
    expect([outcome('delivered'), outcome('failed'), outcome('lost')]).toEqual([3, 1, 1]);
    const direction = (value: string) =>
      series.value('pulse_socket_messages_total', { ...chat, direction: value });
    expect([direction('in'), direction('out')]).toEqual([2, 5]);
  });

  it('makes no series for counts of zero', async () => {
    const series = await record([stats('typing', { out: 4 })]);
    expect(series.labelSets('pulse_socket_deliveries_total')).toEqual([]);
    expect(series.labelSets('pulse_socket_delivery_seconds')).toEqual([]);
    expect(series.labelSets('pulse_socket_messages_total')).toEqual([
      { app: 'shop', event: 'typing', direction: 'out' },
    ]);
  });

  it('keeps series for the few busiest event names of an app, the rest under __other__', async () => {
    const names = Array.from({ length: RANKED_SLOTS.event + 15 }, (_, i) => `event-${i}`);
    const series = await record(names.map((name) => stats(name, { out: 1, ok: 1, d: [10] })));
    const events = new Set(series.labelSets('pulse_socket_delivery_seconds').map((l) => l.event));
    expect(events.size).toBe(RANKED_SLOTS.event + 1);
    expect(events.has('__other__')).toBe(true);
    // Nothing is dropped: what has no series of its own is counted under __other__.
    expect(series.count('pulse_socket_delivery_seconds')).toBe(names.length);
    expect(series.value('pulse_socket_deliveries_total', { outcome: 'delivered' })).toBe(
      names.length,
    );
  });

  it('records an event name under __other__ until enough client networks sent it', async () => {
    setUp(2);
    // The app itself is admitted on the first beacons from two networks.
    await record([stats('chat:send', { out: 1 })], '192.0.2.1');
    await record([stats('chat:send', { out: 1 })], '198.51.100.1');
    const series = await record([stats('chat:send', { out: 1 })], '203.0.113.1');
    const held = series.labelSets('pulse_socket_messages_total').map((labels) => labels.event);
    expect(held).toContain('chat:send');
    // One client inventing names gets none admitted.
    const flood = Array.from({ length: 20 }, (_, i) => stats(`invented-${i}`, { out: 1 }));
    const after = await record(flood, '192.0.2.99');
    const events = after.labelSets('pulse_socket_messages_total').map((labels) => labels.event);
    expect(events.filter((event) => event?.startsWith('invented-'))).toEqual([]);
  });
});
