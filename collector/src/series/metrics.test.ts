import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { exampleBeacon, exampleEvents } from '../beacon/exampleBeacons.js';
import type { CollectorOptions } from '../options.js';
import { createCollector } from '../server.js';

let apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

async function collector(options: Partial<CollectorOptions> = {}) {
  const app = await createCollector({
    processMetrics: false,
    rateLimit: false,
    admitAfterClients: 1,
    ...options,
  });
  apps.push(app);
  return app;
}

const sendExample = (app: FastifyInstance) =>
  app.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: { 'content-type': 'text/plain' },
    // Every kind of event, and a long animation frame with the scripts that ran in it.
    payload: JSON.stringify(
      exampleBeacon([
        ...Object.values(exampleEvents),
        { k: 'long', kind: 'loaf', d: 90, s: [{ u: 'inline', i: 'event-listener', d: 60 }] },
      ]),
    ),
  });

/** SPEC.md "Prometheus series": name → type and label names. */
const SPEC_SERIES: Record<string, { type: 'histogram' | 'counter' | 'gauge'; labels: string[] }> = {
  // `engine` from SPEC.md "Engines and honest scores".
  pulse_web_vital_seconds: {
    type: 'histogram',
    labels: ['app', 'route', 'metric', 'device', 'engine'],
  },
  pulse_layout_shift_score: { type: 'histogram', labels: ['app', 'route', 'device', 'engine'] },
  pulse_web_vital_rating_total: {
    type: 'counter',
    labels: ['app', 'route', 'metric', 'rating', 'engine'],
  },
  pulse_page_score: { type: 'histogram', labels: ['app', 'route', 'device', 'engine'] },
  pulse_page_views_total: { type: 'counter', labels: ['app', 'route', 'navigation'] },
  pulse_long_task_seconds: { type: 'histogram', labels: ['app', 'route', 'kind'] },
  pulse_total_blocking_time_seconds: { type: 'histogram', labels: ['app', 'route'] },
  pulse_js_heap_used_bytes: { type: 'histogram', labels: ['app', 'device'] },
  pulse_socket_rtt_seconds: { type: 'histogram', labels: ['app', 'transport'] },
  pulse_socket_jitter_seconds: { type: 'histogram', labels: ['app', 'transport'] },
  pulse_socket_loss_ratio: { type: 'histogram', labels: ['app', 'transport'] },
  pulse_socket_score: { type: 'histogram', labels: ['app', 'transport'] },
  pulse_socket_reconnects_total: { type: 'counter', labels: ['app'] },
  pulse_socket_disconnects_total: { type: 'counter', labels: ['app', 'reason'] },
  // SPEC.md "Realtime beyond the ping".
  pulse_webrtc_rtt_seconds: { type: 'histogram', labels: ['app', 'candidate'] },
  pulse_webrtc_jitter_seconds: { type: 'histogram', labels: ['app', 'kind', 'direction'] },
  pulse_webrtc_loss_ratio: { type: 'histogram', labels: ['app', 'kind', 'direction'] },
  pulse_webrtc_score: { type: 'histogram', labels: ['app', 'kind'] },
  pulse_webrtc_mos: { type: 'histogram', labels: ['app'] },
  pulse_webrtc_state_changes_total: { type: 'counter', labels: ['app', 'state'] },
  pulse_custom_events_total: { type: 'counter', labels: ['app', 'name'] },
  pulse_custom_timing_seconds: { type: 'histogram', labels: ['app', 'name'] },
  pulse_js_errors_total: { type: 'counter', labels: ['app', 'route', 'kind'] },
  pulse_beacons_total: { type: 'counter', labels: ['app'] },
  pulse_events_total: { type: 'counter', labels: ['app', 'kind'] },
  pulse_rejected_total: { type: 'counter', labels: ['reason'] },
  pulse_label_overflow_total: { type: 'counter', labels: ['label'] },
  pulse_sdk_dropped_events_total: { type: 'counter', labels: ['app'] },
  pulse_metrics_renders_total: { type: 'counter', labels: ['format'] },
  pulse_label_pending_total: { type: 'counter', labels: ['label'] },
  pulse_label_admissions_total: { type: 'counter', labels: ['label'] },
  pulse_label_evictions_total: { type: 'counter', labels: ['label'] },
  pulse_series_reserved: { type: 'gauge', labels: [] },
  pulse_series_ceiling: { type: 'gauge', labels: [] },
  pulse_connections_evicted_total: { type: 'counter', labels: ['cap'] },
  pulse_connections_refused_total: { type: 'counter', labels: ['cap'] },
  pulse_open_connections: { type: 'gauge', labels: [] },
  pulse_admin_connections_evicted_total: { type: 'counter', labels: ['cap'] },
  pulse_admin_connections_refused_total: { type: 'counter', labels: ['cap'] },
  pulse_admin_open_connections: { type: 'gauge', labels: [] },
  pulse_release_page_views_total: { type: 'counter', labels: ['app', 'release'] },
  pulse_release_page_score: { type: 'histogram', labels: ['app', 'release'] },
  pulse_release_web_vital_seconds: { type: 'histogram', labels: ['app', 'release', 'metric'] },
  pulse_release_layout_shift_score: { type: 'histogram', labels: ['app', 'release'] },
  pulse_release_js_errors_total: { type: 'counter', labels: ['app', 'release', 'kind'] },
  pulse_release_first_seen_timestamp_seconds: { type: 'gauge', labels: ['app', 'release'] },
  pulse_lcp_phase_seconds: { type: 'histogram', labels: ['app', 'route', 'phase'] },
  pulse_inp_phase_seconds: { type: 'histogram', labels: ['app', 'route', 'phase'] },
  pulse_culprit_total: { type: 'counter', labels: ['app', 'route', 'metric', 'target'] },
  pulse_script_blocking_seconds_total: { type: 'counter', labels: ['app', 'script', 'invoker'] },
  pulse_error_group_total: { type: 'counter', labels: ['app', 'fingerprint', 'kind'] },
  // SPEC.md "Realtime beyond the ping"; the messages per direction are Pulse's own addition.
  pulse_socket_delivery_seconds: { type: 'histogram', labels: ['app', 'event'] },
  pulse_socket_deliveries_total: { type: 'counter', labels: ['app', 'event', 'outcome'] },
  pulse_socket_messages_total: { type: 'counter', labels: ['app', 'event', 'direction'] },
};

/** `# TYPE` lines and the label names used by each family's samples, from exposition text. */
function parseExposition(text: string) {
  const types = new Map<string, string>();
  const labelNames = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const sample = /^([a-z_:]+?)(_bucket|_sum|_count)?\{(.*)\} \S+$/.exec(line);
    if (sample && !line.startsWith('#')) {
      const family = types.has(sample[1]!) ? sample[1]! : sample[1]! + (sample[2] ?? '');
      const names = [...sample[3]!.matchAll(/([a-z_]+)="/g)].map((m) => m[1]!);
      const set = labelNames.get(family) ?? new Set();
      for (const name of names) if (name !== 'le') set.add(name);
      labelNames.set(family, set);
    }
  }
  return { types, labelNames };
}

describe('GET /metrics', () => {
  it('exposes every SPEC series with its type and labels after one beacon of each kind', async () => {
    const app = await collector();
    expect((await sendExample(app)).statusCode).toBe(204);
    const beacon = exampleBeacon([], { dropped: 3 });
    await app.inject({ method: 'POST', url: '/v1/rum', payload: beacon });
    const response = await app.pulseAdmin.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types, labelNames } = parseExposition(response.body);
    for (const [name, spec] of Object.entries(SPEC_SERIES)) {
      expect(types.get(name), name).toBe(spec.type);
      expect([...(labelNames.get(name) ?? [])].sort(), name).toEqual([...spec.labels].sort());
    }
  });

  it('registers every series before any traffic', async () => {
    const app = await collector();
    const names = app.pulse.registry.getMetricsAsArray().map((metric) => metric.name);
    expect(names.sort()).toEqual(Object.keys(SPEC_SERIES).sort());
  });

  it('puts vital bucket bounds on the web-vitals thresholds and scores on 10..100', async () => {
    const app = await collector();
    await sendExample(app);
    const text = (await app.pulseAdmin.inject({ method: 'GET', url: '/metrics' })).body;
    const bounds = (family: string) =>
      new Set(
        [...text.matchAll(new RegExp(`^${family}_bucket\\{.*le="([^"]+)".*\\}`, 'gm'))].map(
          (m) => m[1],
        ),
      );
    const vitals = bounds('pulse_web_vital_seconds');
    for (const threshold of ['0.2', '0.5', '0.8', '1.8', '2.5', '3', '4']) {
      expect(vitals.has(threshold), threshold).toBe(true);
    }
    const cls = bounds('pulse_layout_shift_score');
    expect(cls.has('0.1') && cls.has('0.25')).toBe(true);
    expect([...bounds('pulse_page_score')]).toEqual([
      '10',
      '20',
      '30',
      '40',
      '50',
      '60',
      '70',
      '80',
      '90',
      '100',
      '+Inf',
    ]);
    expect([...bounds('pulse_socket_score')]).toHaveLength(11);
  });

  it('answers OpenMetrics when the scraper asks for it, without changing the text format', async () => {
    const app = await collector();
    await sendExample(app);
    const openMetrics = await app.pulseAdmin.inject({
      method: 'GET',
      url: '/metrics',
      headers: {
        accept:
          'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      },
    });
    expect(openMetrics.statusCode).toBe(200);
    expect(openMetrics.headers['content-type']).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(openMetrics.body.endsWith('# EOF\n')).toBe(true);
    expect(openMetrics.body).toContain('# TYPE pulse_beacons counter');
    expect(openMetrics.body).toContain('pulse_beacons_total{app="shop"} 1');
    expect(openMetrics.body).not.toMatch(/\n\n/);

    // The OpenMetrics rendering must not rename the shared counters for the next text scrape.
    const text = (await app.pulseAdmin.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('# TYPE pulse_beacons_total counter');
    expect(text).toContain('pulse_beacons_total{app="shop"} 1');
    expect(text).not.toContain('# EOF');
  });

  it('adds process metrics to its own registry when asked', async () => {
    const app = await collector({ processMetrics: true });
    const text = (await app.pulseAdmin.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // Gauges named like counters fail `promtool check metrics`; they are left out.
    expect(text).not.toContain('nodejs_active_handles_total');
  });

  it('uses a supplied registry, leaves its other metrics alone, and frees it on close', async () => {
    const registry = new Registry();
    registry.registerMetric(
      new (await import('prom-client')).Gauge({ name: 'app_own_gauge', help: 'x', registers: [] }),
    );
    const first = await createCollector({ registry, rateLimit: false, admitAfterClients: 1 });
    expect(first.pulse.registry).toBe(registry);
    expect(registry.getSingleMetric('pulse_beacons_total')).toBeDefined();
    expect(registry.getSingleMetric('process_cpu_user_seconds_total')).toBeUndefined();
    await first.close();
    expect(registry.getSingleMetric('pulse_beacons_total')).toBeUndefined();
    expect(registry.getSingleMetric('app_own_gauge')).toBeDefined();
    // A later collector can take the same registry again.
    const second = await collector({ registry });
    expect(second.pulse.registry.getSingleMetric('pulse_page_score')).toBeDefined();
  });
});
