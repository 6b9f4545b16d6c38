// The bench's load claims to be valid beacons that make every series the collector can hold
// under its default series ceiling, no more: a beacon the collector refused or a value folded
// into `__other__` would make the ingest, memory and scrape figures measure something else.
// Checked here against a real collector, configured as the bench runs it, after a first pass
// (the bench's warm-up): a collector may leave some first sightings in `__other__` (a beacon
// starts collecting evidence for a few new values at most), but from the second pass on every
// value is admitted.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '@pulse/collector';
import { createPulseMetrics } from '../../../collector/src/series/metrics.js';
import { defaultCollectorOptions } from '../../../collector/src/options.js';
import {
  DEVICE_CLASSES,
  ERROR_KINDS,
  NAVIGATION_TYPES,
} from '../../../collector/src/beacon/schema.js';
import { labelCosts } from '../../../collector/src/record/seriesHandles.js';
import { REFUSED_EVENTS_HEADER } from '../../../collector/src/http/headers.js';
import { parseScrape, type Scrape } from '../../../test/helpers/metrics.js';
import { benchCollectorOptions } from '../server/collectorOptions.js';
import { capBeacons, capLayout, EVENTS_PER_BEACON } from './capBeacons.js';

type Collector = Awaited<ReturnType<typeof createCollector>>;

describe('capBeacons', () => {
  const layout = capLayout();
  const beacons = capBeacons(layout);
  const costs = labelCosts(createPulseMetrics(new Registry()));
  const { seriesCeiling, routeCap, eventNameCap } = defaultCollectorOptions;
  let collector: Collector;
  let warm: Scrape;
  let metrics: Scrape;
  const answers: { statusCode: number; refused?: unknown }[] = [];
  const scrape = async () =>
    parseScrape((await collector.pulseAdmin.inject({ url: '/metrics' })).body);

  const send = async () => {
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
  };

  beforeAll(async () => {
    // Each scrape renders anew: the second must not be served from the first's render.
    collector = await createCollector({ ...benchCollectorOptions, metricsRenderMaxAge: 0 });
    await send();
    warm = await scrape();
    await send();
    metrics = await scrape();
  }, 60_000);
  afterAll(() => collector.close());

  /** The distinct combinations of `keys` among the series of `name` (of one app, if given). */
  const labelSets = (name: string, keys: string[], app?: string) =>
    new Set(
      metrics
        .labelSets(name)
        .filter((labels) => app === undefined || labels.app === app)
        .filter((labels) => !Object.values(labels).includes('__other__'))
        .map((labels) => keys.map((k) => labels[k]).join(' ')),
    );

  it('lays out apps of 50 names and up to 100 routes until the ceiling is reached', () => {
    expect(layout.length).toBeGreaterThan(1);
    expect(layout.every((app) => app.names === eventNameCap && app.routes <= routeCap)).toBe(true);
    expect(layout[0]).toMatchObject({ app: 'bench', routes: routeCap });
  });

  it('is one beacon of 20 events per route and navigation type, every one accepted whole', () => {
    const routes = layout.reduce((sum, app) => sum + app.routes, 0);
    expect(beacons).toHaveLength(routes * NAVIGATION_TYPES.length);
    expect(beacons.every((b) => b.events.length === EVENTS_PER_BEACON)).toBe(true);
    expect(answers.filter((a) => a.statusCode !== 204 || a.refused !== undefined)).toEqual([]);
    expect(metrics.value('pulse_beacons_total')).toBe(2 * beacons.length);
    expect(metrics.value('pulse_events_total')).toBe(2 * beacons.length * EVENTS_PER_BEACON);
    expect(metrics.value('pulse_rejected_total')).toBe(0);
  });

  it('reserves the default ceiling, less than a route short of it, nothing folded once warm', () => {
    const reserved = metrics.value('pulse_series_reserved');
    expect(metrics.value('pulse_series_ceiling')).toBe(seriesCeiling);
    expect(reserved).toBeLessThanOrEqual(seriesCeiling);
    expect(seriesCeiling - reserved).toBeLessThan(costs.route);
    expect(metrics.value('pulse_label_overflow_total')).toBe(
      warm.value('pulse_label_overflow_total'),
    );
  });

  it('makes every series it reserved for the admitted values', () => {
    // Each admitted app also reserves its own `__other__` route and name, and `__other__` itself
    // an app's worth: those are left out of the count, whether warm-up sightings made them or not.
    const made = metrics.text
      .split('\n')
      .filter(
        (line) => !line.startsWith('#') && line.includes('app="') && !line.includes('"__other__"'),
      ).length;
    const unused = costs.app + layout.length * (costs.route + costs.name);
    expect(made).toBe(metrics.value('pulse_series_reserved') - unused);
  });

  it('fills every route on every device class, and every name, of every app', () => {
    for (const { app, routes, names } of layout) {
      expect(labelSets('pulse_page_score_count', ['route', 'device'], app)).toHaveProperty(
        'size',
        routes * DEVICE_CLASSES.length,
      );
      expect(
        labelSets('pulse_web_vital_rating_total', ['route', 'metric', 'rating'], app),
      ).toHaveProperty('size', routes * 5 * 3);
      expect(labelSets('pulse_page_views_total', ['route', 'navigation'], app)).toHaveProperty(
        'size',
        routes * NAVIGATION_TYPES.length,
      );
      expect(labelSets('pulse_custom_events_total', ['name'], app)).toHaveProperty('size', names);
      expect(labelSets('pulse_custom_timing_seconds_count', ['name'], app)).toHaveProperty(
        'size',
        names,
      );
    }
  });

  it('covers every error kind, socket transport and disconnect reason', () => {
    expect(labelSets('pulse_js_errors_total', ['kind'])).toHaveProperty('size', ERROR_KINDS.length);
    expect(labelSets('pulse_socket_rtt_seconds_count', ['transport'])).toEqual(
      new Set(['websocket', 'polling']),
    );
    expect(labelSets('pulse_socket_disconnects_total', ['reason'])).toHaveProperty('size', 7);
  });
});
