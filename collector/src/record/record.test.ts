import { beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { connectionScore, pageScore } from '@pulse/sdk/score';
import type { Beacon, PulseEvent } from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../beacon/exampleBeacons.js';
import { createPulseMetrics, type PulseMetrics } from '../series/metrics.js';
import { defaultCollectorOptions } from '../options.js';
import { createRecording } from './recording.js';
import { lookupSeries, type SeriesLookup } from './seriesLookup.js';

let registry: Registry;
let metrics: PulseMetrics;
let recordBeacon: (beacon: Beacon) => void;

beforeEach(() => {
  registry = new Registry();
  metrics = createPulseMetrics(registry);
  // One client, admitted at once: admission has tests of its own (labelModel.test.ts).
  const { recorder } = createRecording(metrics, {
    ...defaultCollectorOptions,
    admitAfterClients: 1,
    pinnedApps: [],
    pinnedRoutes: [],
    pinnedNames: [],
  });
  recordBeacon = (beacon) => recorder.record(beacon, { ip: '192.0.2.1' }, 0);
});

async function record(
  events: PulseEvent[],
  overrides: Partial<Beacon> = {},
): Promise<SeriesLookup> {
  recordBeacon(exampleBeacon(events, overrides));
  return lookupSeries(registry);
}

const shop = { app: 'shop', route: '/products/:id' };

describe('createBeaconRecorder', () => {
  it('counts a view as a page view by navigation type', async () => {
    const series = await record([exampleEvents.view], { nav: 'back-forward-cache' });
    expect(
      series.value('pulse_page_views_total', { ...shop, navigation: 'back-forward-cache' }),
    ).toBe(1);
    expect(series.value('pulse_page_views_total', { navigation: 'navigate' })).toBe(0);
  });

  it('records the final vitals of a page in seconds, CLS unitless, with ratings', async () => {
    const series = await record([exampleEvents.page], { device: 'mobile' });
    const vital = (metric: string) => ({ ...shop, metric, device: 'mobile' });
    expect(series.count('pulse_web_vital_seconds', vital('LCP'))).toBe(1);
    expect(series.sum('pulse_web_vital_seconds', vital('LCP'))).toBeCloseTo(2.14);
    expect(series.sum('pulse_web_vital_seconds', vital('INP'))).toBeCloseTo(0.312);
    expect(series.sum('pulse_web_vital_seconds', vital('FCP'))).toBeCloseTo(0.98);
    expect(series.sum('pulse_web_vital_seconds', vital('TTFB'))).toBeCloseTo(0.21);
    expect(series.count('pulse_web_vital_seconds', vital('CLS'))).toBe(0);
    expect(series.sum('pulse_layout_shift_score', { ...shop, device: 'mobile' })).toBeCloseTo(0.12);
    const rating = (metric: string, value: string) =>
      series.value('pulse_web_vital_rating_total', { ...shop, metric, rating: value });
    expect(rating('LCP', 'good')).toBe(1);
    expect(rating('INP', 'needs-improvement')).toBe(1);
    expect(rating('CLS', 'needs-improvement')).toBe(1);
    expect(series.value('pulse_web_vital_rating_total')).toBe(5);
  });

  it('records total blocking time, heap and one page score from the final values', async () => {
    const series = await record([exampleEvents.page], { device: 'tablet' });
    expect(series.sum('pulse_total_blocking_time_seconds', shop)).toBeCloseTo(0.32);
    expect(series.sum('pulse_js_heap_used_bytes', { app: 'shop', device: 'tablet' })).toBe(
      18_350_080,
    );
    const { vitals, tbt } = exampleEvents.page;
    const expected = pageScore({
      LCP: vitals.LCP!.value,
      INP: vitals.INP!.value,
      CLS: vitals.CLS!.value,
      FCP: vitals.FCP!.value,
      TTFB: vitals.TTFB!.value,
      TBT: tbt,
    });
    expect(series.count('pulse_page_score', { ...shop, device: 'tablet' })).toBe(1);
    expect(series.sum('pulse_page_score', { ...shop, device: 'tablet' })).toBeCloseTo(expected!);
  });

  it('scores a page with only some vitals, and leaves heap out when unknown', async () => {
    const series = await record([
      { k: 'page', vitals: { CLS: { value: 0.02, rating: 'good' } }, tbt: 0 },
    ]);
    expect(series.sum('pulse_page_score')).toBeCloseTo(pageScore({ CLS: 0.02, TBT: 0 })!);
    expect(series.count('pulse_js_heap_used_bytes')).toBe(0);
  });

  it('labels vitals, ratings and scores by engine; a version 1 beacon has none, so other', async () => {
    recordBeacon(exampleBeacon([exampleEvents.page], { engine: 'firefox' }));
    const series = await record([exampleEvents.page], { v: 1, engine: undefined });
    for (const engine of ['firefox', 'other']) {
      expect(series.count('pulse_page_score', { ...shop, engine })).toBe(1);
      expect(series.count('pulse_web_vital_seconds', { ...shop, metric: 'LCP', engine })).toBe(1);
      expect(series.count('pulse_layout_shift_score', { ...shop, engine })).toBe(1);
      expect(series.value('pulse_web_vital_rating_total', { ...shop, metric: 'LCP', engine })).toBe(
        1,
      );
    }
    expect(series.count('pulse_page_score', { engine: 'chromium' })).toBe(0);
  });

  it('scores no page view without LCP, INP or CLS, but records what it has', async () => {
    const series = await record([
      { k: 'page', vitals: { TTFB: { value: 100, rating: 'good' } }, tbt: 0 },
      { k: 'page', vitals: {}, tbt: 0 },
    ]);
    expect(series.count('pulse_page_score')).toBe(0);
    expect(series.count('pulse_web_vital_seconds', { metric: 'TTFB' })).toBe(1);
    expect(series.count('pulse_total_blocking_time_seconds')).toBe(2);
  });

  it('leaves TBT out of the series and the score where the browser could not measure it', async () => {
    const series = await record([{ k: 'page', vitals: { LCP: { value: 1800, rating: 'good' } } }]);
    expect(series.count('pulse_total_blocking_time_seconds')).toBe(0);
    expect(series.sum('pulse_page_score')).toBeCloseTo(pageScore({ LCP: 1800 })!);
    expect(series.sum('pulse_page_score')).not.toBeCloseTo(pageScore({ LCP: 1800, TBT: 0 })!, 3);
  });

  it('records long tasks and animation frames by kind', async () => {
    const series = await record([exampleEvents.long, { k: 'long', kind: 'loaf', d: 80 }]);
    expect(series.sum('pulse_long_task_seconds', { ...shop, kind: 'longtask' })).toBeCloseTo(0.12);
    expect(series.sum('pulse_long_task_seconds', { ...shop, kind: 'loaf' })).toBeCloseTo(0.08);
  });

  it('counts errors by kind', async () => {
    const series = await record([
      exampleEvents.error,
      exampleEvents.error,
      { k: 'error', kind: 'rejection', fp: 'ff00' },
    ]);
    expect(series.value('pulse_js_errors_total', { ...shop, kind: 'error' })).toBe(2);
    expect(series.value('pulse_js_errors_total', { ...shop, kind: 'rejection' })).toBe(1);
  });

  it('adds custom event values (1 when absent) and records timings in seconds', async () => {
    const series = await record([
      exampleEvents.event,
      { k: 'event', name: 'checkout' },
      exampleEvents.timing,
    ]);
    expect(series.value('pulse_custom_events_total', { app: 'shop', name: 'checkout' })).toBe(3);
    expect(
      series.sum('pulse_custom_timing_seconds', { app: 'shop', name: 'search-results' }),
    ).toBeCloseTo(0.34);
  });

  it('records a socket window: median RTT, jitter, loss, score, reconnects, disconnects', async () => {
    const series = await record([exampleEvents.socket]);
    const socket = { app: 'shop', transport: 'websocket' };
    expect(series.sum('pulse_socket_rtt_seconds', socket)).toBeCloseTo(0.04);
    expect(series.sum('pulse_socket_jitter_seconds', socket)).toBeCloseTo(0.0035);
    expect(series.count('pulse_socket_loss_ratio', socket)).toBe(1);
    expect(series.sum('pulse_socket_loss_ratio', socket)).toBe(0);
    const { rtt, jitter, loss } = exampleEvents.socket;
    expect(series.sum('pulse_socket_score', socket)).toBeCloseTo(
      connectionScore({ rtt, jitter, loss }).score,
    );
    expect(series.value('pulse_socket_reconnects_total', { app: 'shop' })).toBe(1);
    expect(
      series.value('pulse_socket_disconnects_total', { app: 'shop', reason: 'transport close' }),
    ).toBe(1);
  });

  it('keeps RTT and jitter out of windows where no probe was answered', async () => {
    const allLost = { ...exampleEvents.socket, probes: 4, lost: 4, loss: 1, rtt: 0, p50: 0 };
    const noProbes = { ...exampleEvents.socket, probes: 0, lost: 0, reconnects: 2 };
    const series = await record([allLost, noProbes]);
    expect(series.count('pulse_socket_rtt_seconds')).toBe(0);
    expect(series.count('pulse_socket_jitter_seconds')).toBe(0);
    expect(series.count('pulse_socket_loss_ratio')).toBe(1);
    expect(series.sum('pulse_socket_loss_ratio')).toBe(1);
    expect(series.sum('pulse_socket_score')).toBe(0);
    expect(series.value('pulse_socket_reconnects_total')).toBe(3);
  });

  it('counts beacons, events by kind, and what the SDK dropped', async () => {
    const series = await record(Object.values(exampleEvents), { dropped: 7 });
    expect(series.value('pulse_beacons_total', { app: 'shop' })).toBe(1);
    for (const kind of Object.keys(exampleEvents)) {
      expect(series.value('pulse_events_total', { app: 'shop', kind }), kind).toBe(1);
    }
    expect(series.value('pulse_sdk_dropped_events_total', { app: 'shop' })).toBe(7);
  });

  it('normalises raw paths the SDK did not template', async () => {
    const series = await record([exampleEvents.view], {
      route: '/orders/98765/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301/',
    });
    expect(series.labelSets('pulse_page_views_total')[0]?.route).toBe('/orders/:id/items/:id');
  });
});

describe('release retirement', () => {
  it('keeps series for the newest releases; an old one retires once traffic has moved on', async () => {
    const local = new Registry();
    const families = createPulseMetrics(local);
    const { recorder, labels } = createRecording(families, {
      ...defaultCollectorOptions,
      admitAfterClients: 1,
      pinnedApps: [],
      pinnedRoutes: [],
      pinnedNames: [],
    });
    const MINUTE = 60_000;
    let now = 0;
    /** `views` page views of `release`, one minute apart, then a sweep. */
    const rollout = (release: string, views: number) => {
      for (let i = 0; i < views; i++) {
        recorder.record(exampleBeacon([exampleEvents.view], { release }), { ip: '192.0.2.1' }, now);
        now += MINUTE;
        labels.sweep(now);
      }
    };
    const releases = async () =>
      (await lookupSeries(local))
        .labelSets('pulse_release_page_views_total')
        .map((set) => set.release)
        .sort();
    rollout('1.0.0', 20);
    rollout('1.1.0', 20);
    rollout('1.2.0', 20);
    // Three slots: every release so far keeps its own series.
    expect(await releases()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    // 1.3.0 arrives when 1.0.0 has had no page view for 40 minutes: 1.0.0, the lightest, retires.
    rollout('1.3.0', 20);
    expect(await releases()).toEqual(['1.1.0', '1.2.0', '1.3.0', '__other__']);
    const series = await lookupSeries(local);
    expect(series.value('pulse_label_evictions_total', { label: 'release' })).toBe(1);
    // Its first-seen time retired with it; the newest release has the latest one.
    const firstSeen = series.labelSets('pulse_release_first_seen_timestamp_seconds');
    expect(firstSeen.map((set) => set.release).sort()).toEqual(['1.1.0', '1.2.0', '1.3.0']);
    expect(series.value('pulse_release_first_seen_timestamp_seconds', { release: '1.3.0' })).toBe(
      60 * 60,
    );
  });

  it('keeps a release that is still used, however many newer ones a single client invents', async () => {
    const local = new Registry();
    const families = createPulseMetrics(local);
    const { recorder } = createRecording(families, {
      ...defaultCollectorOptions,
      pinnedApps: [],
      pinnedRoutes: [],
      pinnedNames: [],
    });
    // Five browsers use 2.0.0; then one address sends a thousand invented releases.
    for (let i = 0; i < 20; i++) {
      const ip = `198.51.100.${i % 5}`;
      recorder.record(exampleBeacon([exampleEvents.view], { release: '2.0.0' }), { ip }, 0);
    }
    for (let i = 0; i < 1000; i++) {
      const beacon = exampleBeacon([exampleEvents.view], { release: `9.${i}.0` });
      recorder.record(beacon, { ip: '203.0.113.66' }, 1);
    }
    const series = await lookupSeries(local);
    expect(
      series
        .labelSets('pulse_release_page_views_total')
        .filter((set) => set.app === 'shop')
        .map((set) => set.release)
        .sort(),
    ).toEqual(['2.0.0', '__other__']);
  });
});
