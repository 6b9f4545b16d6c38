// The bench's load claims to be valid beacons that make every series the collector can hold
// under its default series ceiling, no more: a beacon the collector refused or a value folded
// into `__other__` unplanned would make the ingest, memory and scrape figures measure something
// else. Checked here against a real collector, configured as the bench runs it, after a first
// pass (the bench's warm-up). The ranked labels of the diagnosis (release, culprit target,
// script, fingerprint) keep a few values per scope and fold the rest into `__other__`: the load
// sends strays for those `__other__` series on purpose, and they are all that folds.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INP_PHASES, LCP_PHASES, type Beacon } from '@pulse/sdk/protocol';
import { createCollector } from '@pulse/collector';
import { CULPRIT_METRICS, createPulseMetrics } from '../../../collector/src/series/metrics.js';
import { defaultCollectorOptions } from '../../../collector/src/options.js';
import {
  DEVICE_CLASSES,
  ENGINES,
  ERROR_KINDS,
  NAVIGATION_TYPES,
  SCRIPT_INVOKERS,
} from '../../../collector/src/beacon/schema.js';
import { labelCosts } from '../../../collector/src/record/seriesHandles.js';
import { RANKED_SLOTS } from '../../../collector/src/labels/rankedLabels.js';
import { RELEASE_VITALS } from '../../../collector/src/record/recordDiagnosis.js';
import { REFUSED_EVENTS_HEADER } from '../../../collector/src/http/headers.js';
import { parseScrape, type Scrape } from '../../../test/helpers/metrics.js';
import { benchCollectorOptions } from '../server/collectorOptions.js';
import {
  BEACONS_PER_ROUTE,
  capBeacons,
  capLayout,
  EVENTS_PER_BEACON,
  MIN_ROUTES,
} from './capBeacons.js';

type Collector = Awaited<ReturnType<typeof createCollector>>;

const OTHER = '__other__';
const CAPPED_LABELS = ['app', 'route', 'name'] as const;
const RANKED_LABELS = ['release', 'target', 'script', 'fingerprint'] as const;

describe('capBeacons', () => {
  const layout = capLayout();
  const beacons = capBeacons(layout);
  const costs = labelCosts(createPulseMetrics(new Registry()));
  const { seriesCeiling, routeCap, eventNameCap, appCap } = defaultCollectorOptions;
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
        .filter((labels) => !Object.values(labels).includes(OTHER))
        .map((labels) => keys.map((k) => labels[k]).join(' ')),
    );

  /** As `labelSets`, of one admitted app and its admitted routes, ranked `__other__` kept. */
  const diagnosisSets = (name: string, keys: string[], app: string) =>
    new Set(
      metrics
        .labelSets(name)
        .filter((labels) => labels.app === app && labels.route !== OTHER)
        .map((labels) => keys.map((k) => labels[k]).join(' ')),
    );

  /** Sightings in one pass over the beacons of a ranked value without a slot of its own. */
  const straysPerPass = () => {
    const held = (name: string, keys: string[]) =>
      new Set(
        metrics
          .labelSets(name)
          .filter((labels) => !Object.values(labels).includes(OTHER))
          .map((labels) => keys.map((k) => labels[k]).join(' ')),
      );
    const releases = held('pulse_release_page_views_total', ['app', 'release']);
    const targets = held('pulse_culprit_total', ['app', 'route', 'metric', 'target']);
    const scripts = held('pulse_script_blocking_seconds_total', ['app', 'script']);
    const fingerprints = held('pulse_error_group_total', ['app', 'fingerprint']);
    const strays = { release: 0, target: 0, script: 0, fingerprint: 0 };
    const count = (label: keyof typeof strays, set: Set<string>, ...key: string[]) => {
      if (!set.has(key.join(' '))) strays[label]++;
    };
    for (const { app, route, release, events } of beacons as Beacon[]) {
      count('release', releases, app, release!);
      for (const event of events) {
        if (event.k === 'page') {
          for (const metric of CULPRIT_METRICS) {
            const vital = event.vitals[metric]!;
            if (vital.rating === 'good' || vital.target === undefined) continue;
            const culprit =
              vital.type === undefined ? vital.target : `${vital.type} ${vital.target}`;
            count('target', targets, app, route, metric, culprit);
          }
        }
        for (const script of event.k === 'long' ? (event.s ?? []) : []) {
          count('script', scripts, app, script.u);
        }
        if (event.k === 'error') count('fingerprint', fingerprints, app, event.fp);
      }
    }
    return strays;
  };

  it('lays out apps of 50 names (but maybe the last) and from MIN_ROUTES to 100 routes', () => {
    expect(layout.length).toBeGreaterThan(0);
    expect(layout[0]!.app).toBe('bench');
    layout.forEach((app, k) => {
      if (k < layout.length - 1) expect(app.names).toBe(eventNameCap);
      expect(app.names).toBeGreaterThan(0);
      expect(app.names).toBeLessThanOrEqual(eventNameCap);
      expect(app.routes).toBeGreaterThanOrEqual(MIN_ROUTES);
      expect(app.routes).toBeLessThanOrEqual(routeCap);
    });
  });

  it('is 24 beacons of 20 events per route, one per navigation type and engine, every one accepted whole', () => {
    const routes = layout.reduce((sum, app) => sum + app.routes, 0);
    expect(BEACONS_PER_ROUTE).toBe(ENGINES.length * NAVIGATION_TYPES.length);
    expect(beacons).toHaveLength(routes * BEACONS_PER_ROUTE);
    expect(beacons.every((b) => b.events.length === EVENTS_PER_BEACON)).toBe(true);
    expect(answers.filter((a) => a.statusCode !== 204 || a.refused !== undefined)).toEqual([]);
    expect(metrics.value('pulse_beacons_total')).toBe(2 * beacons.length);
    expect(metrics.value('pulse_events_total')).toBe(2 * beacons.length * EVENTS_PER_BEACON);
    expect(metrics.value('pulse_rejected_total')).toBe(0);
  });

  it('reserves what the layout costs, the ceiling to within the least it could add', () => {
    const reserved = metrics.value('pulse_series_reserved');
    const apps = layout.map((a) => costs.app + a.names * costs.name + a.routes * costs.route);
    expect(reserved).toBe(costs.app + apps.reduce((sum, cost) => sum + cost, 0));
    expect(metrics.value('pulse_series_ceiling')).toBe(seriesCeiling);
    expect(reserved).toBeLessThanOrEqual(seriesCeiling);
    // What the layout could add: a name to an app short of names, a route to an app short of
    // routes, or one more app with its fewest routes and a name.
    const least = Math.min(
      ...(layout.some((a) => a.names < eventNameCap) ? [costs.name] : []),
      ...(layout.some((a) => a.routes < routeCap) ? [costs.route] : []),
      ...(layout.length < appCap ? [costs.app + MIN_ROUTES * costs.route + costs.name] : []),
    );
    expect(seriesCeiling - reserved).toBeLessThan(least);
  });

  it('folds nothing once warm but the strays, each pass the same, and no slot changes hands', () => {
    const label = (scrape: Scrape, name: string, value: string) =>
      scrape.value(`pulse_label_${name}_total`, { label: value });
    for (const value of CAPPED_LABELS) {
      expect(label(metrics, 'overflow', value)).toBe(label(warm, 'overflow', value));
    }
    const strays = straysPerPass();
    for (const value of RANKED_LABELS) {
      expect(strays[value]).toBeGreaterThan(0);
      // Every holder was admitted before its first stray came: both passes fold the same.
      expect(label(warm, 'overflow', value)).toBe(strays[value]);
      expect(label(metrics, 'overflow', value)).toBe(2 * strays[value]);
    }
    for (const value of [...CAPPED_LABELS, ...RANKED_LABELS]) {
      expect(label(metrics, 'pending', value)).toBe(label(warm, 'pending', value));
      expect(label(metrics, 'admissions', value)).toBe(label(warm, 'admissions', value));
      expect(label(metrics, 'evictions', value)).toBe(0);
    }
  });

  it('makes every series it reserved for the admitted values', () => {
    // Left out of the count: `__other__`'s own app's worth, and each admitted app's own
    // `__other__` route and name, which the load never sends. The ranked `__other__` series
    // (strays) are counted.
    const made = metrics.text
      .split('\n')
      .filter(
        (line) =>
          !line.startsWith('#') &&
          line.includes('app="') &&
          !/[{,](?:app|route|name)="__other__"/.test(line),
      ).length;
    const unused = costs.app + layout.length * (costs.route + costs.name);
    expect(made).toBe(metrics.value('pulse_series_reserved') - unused);
  });

  it('fills every route on every device class, and every name, of every app', () => {
    for (const { app, routes, names } of layout) {
      expect(
        labelSets('pulse_page_score_count', ['route', 'device', 'engine'], app),
      ).toHaveProperty('size', routes * DEVICE_CLASSES.length * ENGINES.length);
      expect(
        labelSets('pulse_web_vital_rating_total', ['route', 'metric', 'rating', 'engine'], app),
      ).toHaveProperty('size', routes * 5 * 3 * ENGINES.length);
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

  it('fills every diagnosis slot of every app and route, and each `__other__`', () => {
    const slots = (label: keyof typeof RANKED_SLOTS) => RANKED_SLOTS[label] + 1;
    for (const { app, routes } of layout) {
      const sets = (name: string, ...keys: string[]) => diagnosisSets(name, keys, app).size;
      expect(sets('pulse_release_page_views_total', 'release')).toBe(slots('release'));
      expect(sets('pulse_release_page_score_count', 'release')).toBe(slots('release'));
      expect(sets('pulse_release_web_vital_seconds_count', 'release', 'metric')).toBe(
        slots('release') * RELEASE_VITALS.length,
      );
      expect(sets('pulse_release_layout_shift_score_count', 'release')).toBe(slots('release'));
      expect(sets('pulse_release_js_errors_total', 'release', 'kind')).toBe(
        slots('release') * ERROR_KINDS.length,
      );
      expect(sets('pulse_release_first_seen_timestamp_seconds', 'release')).toBe(
        RANKED_SLOTS.release,
      );
      expect(sets('pulse_lcp_phase_seconds_count', 'route', 'phase')).toBe(
        routes * LCP_PHASES.length,
      );
      expect(sets('pulse_inp_phase_seconds_count', 'route', 'phase')).toBe(
        routes * INP_PHASES.length,
      );
      expect(sets('pulse_culprit_total', 'route', 'metric', 'target')).toBe(
        routes * CULPRIT_METRICS.length * slots('target'),
      );
      expect(sets('pulse_script_blocking_seconds_total', 'script', 'invoker')).toBe(
        slots('script') * SCRIPT_INVOKERS.length,
      );
      expect(sets('pulse_error_group_total', 'fingerprint', 'kind')).toBe(
        slots('fingerprint') * ERROR_KINDS.length,
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

  it('covers every WebRTC candidate type and state change', () => {
    expect(labelSets('pulse_webrtc_rtt_seconds_count', ['candidate'])).toEqual(
      new Set(['host', 'srflx', 'prflx', 'relay']),
    );
    expect(labelSets('pulse_webrtc_state_changes_total', ['state'])).toHaveProperty('size', 8);
  });
});
