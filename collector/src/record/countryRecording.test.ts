/**
 * Geography in recording: which series carry `country`, the bound on its values (ranked by page
 * views per app, `__unknown__` without a slot), the retirement of a country that loses its slot,
 * and the series ceiling holding with geography on.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { PulseEvent } from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../beacon/exampleBeacons.js';
import { defaultCollectorOptions } from '../options.js';
import { COUNTRY_FAMILIES, createPulseMetrics } from '../series/metrics.js';
import { RANKED_SLOTS } from '../labels/rankedLabels.js';
import { ASSIGNED_COUNTRY_CODES } from '../geography/countryCode.js';
import { DEVICE_CLASSES, ENGINES } from '../beacon/schema.js';
import { createRecording } from './recording.js';
import { lookupSeries } from './seriesLookup.js';

const CLIENT = { ip: '192.0.2.1' };
const PAGE_VIEW: PulseEvent[] = [
  exampleEvents.view,
  exampleEvents.page,
  exampleEvents.error,
  exampleEvents.long,
];

function recording(geography: boolean, options: Partial<typeof defaultCollectorOptions> = {}) {
  const registry = new Registry();
  const metrics = createPulseMetrics(registry, { geography });
  const { recorder, labels } = createRecording(metrics, {
    ...defaultCollectorOptions,
    admitAfterClients: 1,
    ...options,
    pinnedApps: [],
    pinnedRoutes: [],
    pinnedNames: [],
  });
  return { registry, metrics, recorder, labels };
}

/** Countries with series of their own in `registry`, for the app `shop`. */
async function countriesOf(registry: Registry, family = 'pulse_page_views_total') {
  const sets = (await lookupSeries(registry)).labelSets(family);
  return [...new Set(sets.filter((set) => set.app === 'shop').map((set) => set.country))].sort();
}

describe('recording with geography', () => {
  it('has no country label at all without it, and records nothing for one', async () => {
    const { registry, metrics, recorder } = recording(false);
    recorder.record(exampleBeacon(PAGE_VIEW), CLIENT, 0, 'NL');
    for (const family of [metrics.pageViewsTotal, metrics.pageScore, metrics.webVitalRatingTotal]) {
      expect(family.labelNames).not.toContain('country');
    }
    const text = await registry.metrics();
    expect(text).not.toMatch(/country/);
    expect((await lookupSeries(registry)).value('pulse_page_views_total')).toBe(1);
  });

  it('puts country on page views, page scores and ratings, and on nothing else', async () => {
    const { registry, recorder } = recording(true);
    recorder.record(exampleBeacon(PAGE_VIEW), CLIENT, 0, 'NL');
    const series = await lookupSeries(registry);
    const families = (await registry.getMetricsAsJSON()).map((family) => family.name);
    for (const name of families) {
      const withCountry = series.labelSets(name).some((set) => 'country' in set);
      expect(withCountry, name).toBe((COUNTRY_FAMILIES as readonly string[]).includes(name));
    }
    expect(series.value('pulse_page_views_total', { app: 'shop', country: 'NL' })).toBe(1);
    expect(series.count('pulse_page_score', { app: 'shop', country: 'NL' })).toBe(1);
    expect(series.value('pulse_web_vital_rating_total', { country: 'NL' })).toBe(5);
    // The series not split by country are recorded once, as without geography.
    expect(series.count('pulse_web_vital_seconds', { app: 'shop' })).toBe(4);
    expect(series.value('pulse_js_errors_total', { app: 'shop' })).toBe(1);
    expect(series.value('pulse_label_admissions_total', { label: 'country' })).toBe(1);
  });

  it('keeps the errors, long tasks and vitals of a route whole across countries', async () => {
    const { registry, recorder } = recording(true);
    for (const country of ['NL', 'DE', '__unknown__']) {
      recorder.record(exampleBeacon(PAGE_VIEW), CLIENT, 0, country);
    }
    const series = await lookupSeries(registry);
    expect(series.value('pulse_page_views_total', { app: 'shop' })).toBe(3);
    expect(series.count('pulse_page_score', { app: 'shop' })).toBe(3);
    expect(series.value('pulse_js_errors_total', { app: 'shop' })).toBe(3);
    expect(series.count('pulse_long_task_seconds', { app: 'shop' })).toBe(3);
    expect(series.count('pulse_web_vital_seconds', { app: 'shop', metric: 'LCP' })).toBe(3);
    expect(series.labelSets('pulse_js_errors_total').filter((s) => s.app === 'shop')).toHaveLength(
      1,
    );
    expect(await countriesOf(registry)).toEqual(['DE', 'NL', '__unknown__']);
  });

  it('gives the heaviest countries of an app their own series, the rest __other__', async () => {
    const { registry, recorder } = recording(true);
    const codes = [...ASSIGNED_COUNTRY_CODES].slice(0, 40);
    // Country i starts 40 - i page views: the first ten are the heaviest.
    codes.forEach((country, i) => {
      for (let view = 0; view < 40 - i; view++) {
        recorder.record(exampleBeacon([exampleEvents.view]), CLIENT, 0, country);
      }
    });
    for (let i = 0; i < 50; i++) {
      recorder.record(exampleBeacon([exampleEvents.view]), CLIENT, 0, '__unknown__');
    }
    const held = codes.slice(0, RANKED_SLOTS.country);
    expect(await countriesOf(registry)).toEqual([...held, '__other__', '__unknown__'].sort());
    const series = await lookupSeries(registry);
    expect(series.value('pulse_page_views_total', { country: '__unknown__' })).toBe(50);
    const total = codes.reduce((sum, _, i) => sum + 40 - i, 0);
    expect(series.value('pulse_page_views_total', { app: 'shop' })).toBe(total + 50);
    expect(series.value('pulse_label_overflow_total', { label: 'country' })).toBeGreaterThan(0);
  });

  it('retires a country that loses its slot: its series and handles go, and return from zero', async () => {
    const { registry, recorder } = recording(true);
    const view = (country: string, views = 1) =>
      recorder.record(
        exampleBeacon(Array<PulseEvent>(views).fill(exampleEvents.view)),
        CLIENT,
        0,
        country,
      );
    const slots = ['AT', 'BE', 'CH', 'DE', 'DK', 'ES', 'FI', 'FR', 'IT', 'NL'];
    for (const country of slots) view(country);
    // Japan outweighs the lightest holder (each has one view): one of them retires.
    view('JP', 5);
    const held = await countriesOf(registry);
    expect(held).toContain('JP');
    const retired = slots.filter((country) => !held.includes(country));
    expect(retired).toHaveLength(1);
    const series = await lookupSeries(registry);
    expect(series.value('pulse_label_evictions_total', { label: 'country' })).toBe(1);
    for (const family of ['pulse_page_views_total', 'pulse_web_vital_rating_total']) {
      expect(series.labelSets(family).some((set) => set.country === retired[0])).toBe(false);
    }
    // Back with more weight than a holder: admitted again, its series start over.
    view(retired[0]!, 3);
    const back = await lookupSeries(registry);
    expect(back.value('pulse_page_views_total', { country: retired[0]! })).toBe(3);
  });

  it('retires a country nothing came from for the idle timeout', async () => {
    const { registry, recorder, labels } = recording(true, { labelIdleTimeout: 60_000 });
    recorder.record(exampleBeacon(PAGE_VIEW), CLIENT, 0, 'NL');
    recorder.record(exampleBeacon(PAGE_VIEW), CLIENT, 50_000, 'DE');
    labels.sweep(100_000);
    expect(await countriesOf(registry)).toEqual(['DE']);
    expect(await countriesOf(registry, 'pulse_page_score')).toEqual(['DE']);
    recorder.record(exampleBeacon(PAGE_VIEW), CLIENT, 100_000, 'NL');
    const series = await lookupSeries(registry);
    expect(series.count('pulse_page_score', { country: 'NL' })).toBe(1);
  });

  it('never exports more series than it reserved, and never reserves past the ceiling', async () => {
    const ceiling = 30_000;
    const { registry, recorder, labels } = recording(true, { seriesCeiling: ceiling });
    const codes = [...ASSIGNED_COUNTRY_CODES].slice(0, 30);
    let i = 0;
    for (let route = 0; route < 12; route++) {
      for (const device of DEVICE_CLASSES) {
        for (const engine of ENGINES) {
          for (const country of [...codes, '__unknown__']) {
            const beacon = exampleBeacon(PAGE_VIEW, { route: `/r${route}`, device, engine });
            recorder.record(beacon, CLIENT, i++, country);
          }
        }
      }
    }
    const text = await registry.metrics();
    const shopSeries = text.split('\n').filter((line) => /^pulse_\w+\{.*app="shop"/.test(line));
    expect(labels.reserved).toBeLessThanOrEqual(ceiling);
    expect(shopSeries.length).toBeGreaterThan(ceiling / 3);
    expect(shopSeries.length).toBeLessThanOrEqual(labels.reserved);
    // Routes that did not fit were recorded under `__other__`.
    const routes = new Set(
      (await lookupSeries(registry)).labelSets('pulse_js_errors_total').map((s) => s.route),
    );
    expect(routes.has('__other__')).toBe(true);
  });
});
