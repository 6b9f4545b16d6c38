// The bench's load claims to be valid beacons that fill every Pulse series at the default caps,
// no more: a beacon the collector refused or a label past a cap would make the ingest, memory
// and scrape figures measure something else. Checked here against a real collector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '@pulse/collector';
import { DEVICE_CLASSES, ERROR_KINDS, NAVIGATION_TYPES } from '../../../collector/src/schema.js';
import { REFUSED_EVENTS_HEADER } from '../../../collector/src/headers.js';
import { parseScrape, type Scrape } from '../../../test/helpers/metrics.js';
import {
  capBeacons,
  DEFAULT_NAME_CAP,
  DEFAULT_ROUTE_CAP,
  EVENTS_PER_BEACON,
} from './capBeacons.js';

type Collector = Awaited<ReturnType<typeof createCollector>>;

describe('capBeacons', () => {
  const beacons = capBeacons();
  let collector: Collector;
  let metrics: Scrape;
  const answers: { statusCode: number; refused?: unknown }[] = [];

  beforeAll(async () => {
    collector = await createCollector({ rateLimit: false });
    for (const beacon of beacons) {
      const response = await collector.inject({
        method: 'POST',
        url: '/v1/rum',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        payload: JSON.stringify(beacon),
      });
      answers.push({
        statusCode: response.statusCode,
        refused: response.headers[REFUSED_EVENTS_HEADER],
      });
    }
    metrics = parseScrape((await collector.inject({ url: '/metrics' })).body);
  });
  afterAll(() => collector.close());

  /** The distinct combinations of `keys` among the series of `name`. */
  const labelSets = (name: string, ...keys: string[]) =>
    new Set(metrics.labelSets(name).map((labels) => keys.map((k) => labels[k]).join(' ')));

  it('is one beacon of 20 events per route and device class, every one accepted whole', () => {
    expect(beacons).toHaveLength(DEFAULT_ROUTE_CAP * DEVICE_CLASSES.length);
    expect(beacons.every((b) => b.events.length === EVENTS_PER_BEACON)).toBe(true);
    expect(answers.filter((a) => a.statusCode !== 204 || a.refused !== undefined)).toEqual([]);
    expect(metrics.value('pulse_beacons_total')).toBe(beacons.length);
    expect(metrics.value('pulse_events_total')).toBe(beacons.length * EVENTS_PER_BEACON);
    expect(metrics.value('pulse_rejected_total')).toBe(0);
  });

  it('fills every route on every device class, and every name, exactly to the default caps', () => {
    expect(labelSets('pulse_page_score_count', 'route')).toHaveProperty('size', DEFAULT_ROUTE_CAP);
    expect(labelSets('pulse_page_score_count', 'route', 'device')).toHaveProperty(
      'size',
      DEFAULT_ROUTE_CAP * DEVICE_CLASSES.length,
    );
    expect(labelSets('pulse_web_vital_seconds_count', 'route', 'device', 'metric')).toHaveProperty(
      'size',
      DEFAULT_ROUTE_CAP * DEVICE_CLASSES.length * 4,
    );
    expect(labelSets('pulse_custom_events_total', 'name')).toHaveProperty('size', DEFAULT_NAME_CAP);
    expect(labelSets('pulse_custom_timing_seconds_count', 'name')).toHaveProperty(
      'size',
      DEFAULT_NAME_CAP,
    );
    // At the caps, not past them: nothing was folded into an overflow value.
    expect(metrics.value('pulse_label_overflow_total')).toBe(0);
  });

  it('covers every navigation type, error kind, socket transport and disconnect reason', () => {
    expect(labelSets('pulse_page_views_total', 'navigation')).toHaveProperty(
      'size',
      NAVIGATION_TYPES.length,
    );
    expect(labelSets('pulse_js_errors_total', 'kind')).toHaveProperty('size', ERROR_KINDS.length);
    expect(labelSets('pulse_socket_rtt_seconds_count', 'transport')).toEqual(
      new Set(['websocket', 'polling']),
    );
    expect(labelSets('pulse_socket_disconnects_total', 'reason')).toHaveProperty('size', 4);
  });
});
