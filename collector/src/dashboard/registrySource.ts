/**
 * The summary from this collector's own registry: what a scrape of its /metrics yields, over a
 * range from its local history (localHistory.ts). Needs nothing else running; sees only the
 * beacons this replica received.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import {
  compactReading,
  groupedReading,
  windowReading,
  withCarriedSeries,
} from './compactReading.js';
import { loadHistory, saveHistory } from './historyFile.js';
import { DEFAULT_TIERS, LocalHistory, type HistoryTier } from './localHistory.js';
import { readRegistry } from './registryReading.js';
import { SERIES } from './seriesNames.js';
import { summarize } from './summarize.js';
import { RANGE_NAMES, RANGES, type RangeName } from './summaryRanges.js';
import type { SummarySource } from './summarySource.js';
import {
  TIMELINE_SERIES,
  appTimeline,
  collectorTimeline,
  timelinePoint,
  type TimelinePoint,
} from './timeline.js';

export interface RegistrySourceOptions {
  registry: Registry;
  pollIntervalMs: number;
  /** Time between chart points of the fine history, in ms. */
  snapshotIntervalMs: number;
  /** Chart points kept in the fine history. */
  historySize: number;
  /** Window each fine chart value is computed over, in ms. */
  rateWindowMs: number;
  /** The coarse tiers, each storing whole readings. */
  tiers?: readonly HistoryTier[];
  /** Where the coarse tiers are kept across restarts (historyFile.ts); unset: memory only. */
  dataDir?: string;
  log: FastifyBaseLogger;
}

const ALL_SERIES = Object.values(SERIES);

export async function registrySource(options: RegistrySourceOptions): Promise<SummarySource> {
  const { registry, pollIntervalMs, snapshotIntervalMs, historySize, rateWindowMs, log } = options;
  const history = new LocalHistory(
    {
      everyMs: snapshotIntervalMs,
      keep: historySize,
      windowMs: rateWindowMs,
      servesMs: RANGES['15m'].seconds * 1000,
    },
    options.tiers ?? DEFAULT_TIERS,
  );
  let startedAt = Date.now();
  const { dataDir } = options;
  const saved = dataDir === undefined ? undefined : await loadHistory(dataDir, log);
  if (saved !== undefined) {
    history.restore(saved.tiers, saved.last, startedAt);
    // The ranges' figures now reach back to the oldest restored reading, not to this start.
    startedAt = Math.min(startedAt, ...saved.tiers.flatMap((t) => t.stored.map((s) => s.point.at)));
    log.info({ dataDir, since: new Date(startedAt).toISOString() }, 'dashboard history restored');
  }

  /** The registry now, as the coarse tiers store it. */
  const wholeReading = async (at: number) => {
    const reading = await readRegistry(registry, ALL_SERIES, at);
    return {
      point: timelinePoint(reading),
      reading: compactReading(await groupedReading(reading), history.lastReading()),
    };
  };
  /** Writes the tiers and the counters as they are now; one write at a time. */
  let saving: Promise<unknown> = Promise.resolve();
  const save = () => {
    if (dataDir === undefined) return saving;
    saving = saving
      .then(async () =>
        saveHistory(
          dataDir,
          { tiers: history.entries(), last: await wholeReading(Date.now()) },
          log,
        ),
      )
      .catch((error: unknown) => log.warn({ err: error, dataDir }, 'dashboard history not saved'));
    return saving;
  };

  /** A chart point every interval; a whole reading too when a coarse tier is due. */
  const snapshot = async () => {
    const at = Date.now();
    if (!history.due(at)) {
      history.record(timelinePoint(await readRegistry(registry, TIMELINE_SERIES, at)));
      return;
    }
    const { point, reading } = await wholeReading(at);
    history.record(point, reading);
    // As often as a coarse tier stores a reading (once a minute by default): a crash loses at
    // most that much of the ranges' history.
    void save();
  };
  await snapshot();
  /** The snapshot under way, which close() lets finish (its write included) before its own. */
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = snapshot().catch((error: unknown) =>
      log.warn({ err: error }, 'dashboard snapshot failed'),
    );
  }, snapshotIntervalMs);
  // The snapshots serve the page only; they must never keep a stopping process alive.
  timer.unref();

  const ranges = RANGE_NAMES.filter((name) => history.covers(RANGES[name].seconds * 1000));
  return {
    kind: 'collector',
    ranges,
    async summary(range: RangeName) {
      const rangeMs = RANGES[range].seconds * 1000;
      const reading = await readRegistry(registry, ALL_SERIES);
      // A restored history younger than the range counts from its oldest reading, where the
      // previous process's counts begin.
      const base =
        history.baseline(rangeMs, reading.at) ??
        (saved === undefined ? undefined : history.oldest(rangeMs));
      // Without a stored reading old enough, the figures count since the collector started:
      // the raw reading, which summarize() groups itself.
      const window =
        base === undefined
          ? reading
          : windowReading(withCarriedSeries(await groupedReading(reading), base), base);
      const from = Math.max(base?.at ?? startedAt, startedAt);
      const { points, everyMs, windowMs } = history.points(rangeMs, reading.at);
      const shown = (values: readonly TimelinePoint[]) =>
        values.findIndex((point) => point.at >= reading.at - rangeMs);
      const first = Math.max(shown(points), 0);
      const collector = collectorTimeline(points, windowMs);
      return summarize(
        window,
        {
          t: points.slice(first).map((point) => Math.round(point.at / 1000)),
          intervalSeconds: everyMs / 1000,
          rateWindowSeconds: windowMs / 1000,
          collector: {
            beaconsPerSecond: collector.beaconsPerSecond.slice(first),
            eventsPerSecond: collector.eventsPerSecond.slice(first),
            rejectedPerSecond: collector.rejectedPerSecond.slice(first),
          },
          app: (app) => {
            const timeline = appTimeline(points, app, windowMs);
            return Object.fromEntries(
              Object.entries(timeline).map(([field, values]) => [field, values.slice(first)]),
            ) as typeof timeline;
          },
        },
        {
          pollIntervalMs,
          range: { name: range, from, to: reading.at, source: 'collector', available: ranges },
        },
      );
    },
    async close() {
      clearInterval(timer);
      // A snapshot reading the registry now would record and write after the history is
      // cleared below, replacing the file with one of no stored readings.
      await inFlight;
      // What was counted since the last tier reading would otherwise be lost with the process.
      await save();
      history.clear();
    },
  };
}
