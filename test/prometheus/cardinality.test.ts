/**
 * The cardinality budget in docs/SCALING.md stays true to the collector: its table lists every
 * per-app series the collector exports, with the bucket counts the collector really uses (read
 * off /metrics after one beacon carrying every event kind), the default label caps, and
 * arithmetic that adds up. The label model reserves the table's worst case per admitted app,
 * route and name against the series ceiling (`pulse_series_reserved`), and the app the doc says
 * fits under the default ceiling does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION, defaultCollectorOptions, type Beacon } from '@pulse/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { scrape, type Scrape } from '../helpers/metrics.js';

const SCALING_DOC = fileURLToPath(new URL('../../docs/SCALING.md', import.meta.url));

/** One row of the budget table. */
interface BudgetRow {
  series: string;
  buckets: number | undefined;
  perCombination: number;
  /** The numbers of the "label combinations" cell, whose product is the combinations. */
  factors: number[];
  total: number;
}

const integer = (text: string) => Number(text.replace(/[,*]/g, ''));

function budgetTable(): { rows: BudgetRow[]; total: number } {
  const lines = readFileSync(SCALING_DOC, 'utf8').split('\n');
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
  const rows = lines
    .filter((line) => /^\| `pulse_\w+`/.test(line))
    .map(cells)
    .filter((row) => row.length === 5)
    .map(([series, buckets, perCombination, combinations, total]) => ({
      series: series!.replace(/`/g, ''),
      buckets: buckets === '–' ? undefined : integer(buckets!),
      perCombination: integer(perCombination!),
      factors: (combinations!.match(/\d+/g) ?? []).map(Number),
      total: integer(total!),
    }));
  const totalLine = lines.find((line) => line.startsWith('| **per app, per replica**'));
  return { rows, total: integer(cells(totalLine ?? '| | | | | 0 |')[4]!) };
}

/** Series of one metric family for one app, as /metrics exposes them. */
interface ExposedFamily {
  name: string;
  type: string;
  /** Label names of its series, `le` included for histograms. */
  labels: Set<string>;
  /** Exposed series (one line each). */
  series: number;
  /** Distinct label combinations apart from `le`: what one observation creates. */
  combinations: number;
  /** `le` values of a histogram, `+Inf` included. */
  bounds: Set<string>;
}

/**
 * Reads the text exposition format line by line. parse-prometheus-text-format (used by the
 * shared scrape helper) folds a histogram's series into one label-less sample, which hides
 * exactly what is counted here: the series per label combination.
 */
function exposedFamilies(text: string, app: string): ExposedFamily[] {
  const types = new Map<string, string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(name!, type!);
  const familyOf = (series: string) =>
    types.has(series) ? series : series.replace(/_(bucket|sum|count)$/, '');
  const families = new Map<string, ExposedFamily & { keys: Set<string> }>();
  for (const [, series, labelText] of text.matchAll(/^(\w+)\{(.*)\} \S+$/gm)) {
    const labels = new Map(
      [...labelText!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]),
    );
    if (labels.get('app') !== app) continue;
    const name = familyOf(series!);
    const family = families.get(name) ?? {
      name,
      type: types.get(name) ?? 'untyped',
      labels: new Set<string>(),
      series: 0,
      combinations: 0,
      bounds: new Set<string>(),
      keys: new Set<string>(),
    };
    family.series++;
    for (const key of labels.keys()) family.labels.add(key);
    const le = labels.get('le');
    if (le !== undefined) family.bounds.add(le);
    labels.delete('le');
    family.keys.add(JSON.stringify([...labels]));
    family.combinations = family.keys.size;
    families.set(name, family);
  }
  return [...families.values()];
}

/** One beacon with an event of every kind, so every per-app series gets a sample. */
const everyKind: Beacon = {
  v: PROTOCOL_VERSION,
  app: 'budget',
  session: 's1',
  page: 'p1',
  route: '/',
  nav: 'navigate',
  device: 'mobile',
  release: '1.0.0',
  dropped: 1,
  events: [
    { k: 'view' },
    {
      k: 'page',
      // Vitals missing good, so each names its culprit; LCP and INP with their phases.
      vitals: {
        LCP: { value: 3000, rating: 'needs-improvement', target: 'img', ph: [300, 1200, 900, 600] },
        INP: {
          value: 300,
          rating: 'needs-improvement',
          target: 'button',
          type: 'click',
          ph: [20, 250, 30],
        },
        CLS: { value: 0.2, rating: 'needs-improvement', target: 'div' },
        FCP: { value: 900, rating: 'good' },
        TTFB: { value: 150, rating: 'good' },
      },
      tbt: 40,
      heap: 9_000_000,
    },
    { k: 'long', kind: 'loaf', d: 80, s: [{ u: 'inline', i: 'classic-script', d: 60 }] },
    { k: 'error', kind: 'rejection', fp: 'f00d' },
    { k: 'event', name: 'signup' },
    { k: 'timing', name: 'render', d: 12 },
    {
      k: 'socket',
      transport: 'polling',
      probes: 4,
      lost: 1,
      rtt: 80,
      p50: 75,
      p95: 120,
      jitter: 6,
      loss: 0.25,
      reconnects: 1,
      disconnects: ['ping timeout'],
      upgrades: 0,
      msgIn: 2,
      msgOut: 1,
      msgs: [{ e: 'chat:send', in: 2, out: 1, ok: 1, fail: 0, lost: 0, d: [30] }],
    },
    {
      k: 'webrtc',
      rtt: 50,
      cand: 'relay',
      audio: { in: { packets: 100, lost: 1, jitter: 3 } },
      states: ['connected'],
    },
  ],
};

describe('docs/SCALING.md cardinality budget', () => {
  let collector: RunningCollector;
  let families: ExposedFamily[];
  const { rows, total } = budgetTable();

  /** `pulse_series_reserved` before any beacon, then after each of `steps`. */
  const reserved: number[] = [];
  /** One new label value each: an app (with its route and two names), a route, a name. */
  const steps: Beacon[] = [
    everyKind,
    { ...everyKind, route: '/checkout', events: [{ k: 'view' }] },
    { ...everyKind, events: [{ k: 'event', name: 'refund' }] },
  ];
  const reservedOf = (metrics: Scrape) => metrics.value('pulse_series_reserved');

  beforeAll(async () => {
    // Every value admitted on the first sighting (the helper's default), as pinned ones would
    // be; every scrape renders afresh, so each reads the beacons before it.
    collector = await startCollector({ rateLimit: false, metricsRenderMaxAge: 0 });
    reserved.push(reservedOf(await scrape(collector.adminUrl)));
    for (const beacon of steps) {
      const response = await fetch(`${collector.url}/v1/rum`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(beacon),
      });
      expect(response.status).toBe(204);
      const metrics = await scrape(collector.adminUrl);
      reserved.push(reservedOf(metrics));
      // Read after the first beacon alone: the later ones add series of their own.
      if (beacon === everyKind) families = exposedFamilies(metrics.text, everyKind.app);
    }
  });

  afterAll(() => collector?.close());

  it('lists exactly the per-app series the collector exports', () => {
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.map((row) => row.series).sort()).toEqual(
      families.map((family) => family.name).sort(),
    );
  });

  it('gives each histogram its real bucket count: buckets, +Inf, _sum and _count', () => {
    for (const family of families) {
      const row = rows.find((candidate) => candidate.series === family.name)!;
      expect(row.perCombination, family.name).toBe(family.series / family.combinations);
      if (family.type !== 'histogram') {
        expect(row.buckets, family.name).toBeUndefined();
        expect(row.perCombination, family.name).toBe(1);
        continue;
      }
      expect([...family.bounds], family.name).toContain('+Inf');
      expect(row.buckets, family.name).toBe(family.bounds.size - 1);
      expect(row.perCombination, family.name).toBe(family.bounds.size + 2);
    }
  });

  it('counts routes and names at the default caps plus __other__', () => {
    expect(defaultCollectorOptions.routeCap).toBe(100);
    expect(defaultCollectorOptions.eventNameCap).toBe(50);
    for (const family of families) {
      const row = rows.find((candidate) => candidate.series === family.name)!;
      if (family.labels.has('route')) {
        expect(row.factors[0], family.name).toBe(defaultCollectorOptions.routeCap + 1);
      }
      if (family.labels.has('name')) {
        expect(row.factors[0], family.name).toBe(defaultCollectorOptions.eventNameCap + 1);
      }
    }
  });

  it("reserves the table's worst case per admitted app, route and name", () => {
    const rowsWith = (label: string) =>
      rows.filter((row) =>
        families.some((family) => family.name === row.series && family.labels.has(label)),
      );
    const sum = (of: BudgetRow[]) => of.reduce((total, row) => total + row.total, 0);
    const { routeCap, eventNameCap, seriesCeiling } = defaultCollectorOptions;
    const perRoute = sum(rowsWith('route')) / (routeCap + 1);
    const perName = sum(rowsWith('name')) / (eventNameCap + 1);
    // An app's own series, and its `__other__` route and name.
    const perApp = total - sum(rowsWith('route')) - sum(rowsWith('name')) + perRoute + perName;
    console.info(
      `cardinality budget: ${perApp} series reserved per app, ${perRoute} per route, ${perName} per name`,
    );
    // `__other__` is an app from the start; then an app with its route and two names, a route,
    // a name.
    expect(reserved).toEqual([
      perApp,
      2 * perApp + perRoute + 2 * perName,
      2 * perApp + 2 * perRoute + 2 * perName,
      2 * perApp + 2 * perRoute + 3 * perName,
    ]);
    // What docs/SCALING.md says fits under the default ceiling: one app (and `__other__`) of 32
    // routes and 45 names, with no room for a 33rd route. An app at the caps, every vital on
    // every device class and engine, needs a higher ceiling (`--series-ceiling 150000`).
    const fitting = 2 * perApp + 32 * perRoute + 45 * perName;
    expect(fitting).toBe(49_516);
    expect(fitting).toBeLessThanOrEqual(seriesCeiling);
    expect(fitting + perRoute).toBeGreaterThan(seriesCeiling);
    expect(2 * perApp + routeCap * perRoute + eventNameCap * perName).toBeLessThanOrEqual(150_000);
  });

  it('multiplies and adds up', () => {
    for (const row of rows) {
      const combinations = row.factors.reduce((product, factor) => product * factor, 1);
      expect(row.total, row.series).toBe(row.perCombination * combinations);
    }
    expect(total).toBe(rows.reduce((sum, row) => sum + row.total, 0));
  });
});
