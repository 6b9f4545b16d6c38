import {
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  truncate,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  compactReading,
  expandReading,
  windowReading,
  withCarriedSeries,
} from './compactReading.js';
import {
  HISTORY_FILE,
  MAX_HISTORY_FILE_BYTES,
  decodeHistory,
  encodeHistory,
  loadHistory,
  saveHistory,
  type SavedHistory,
} from './historyFile.js';
import { OTHER } from '../series/metrics.js';
import { LocalHistory, type StoredReading } from './localHistory.js';
import type { HistogramSeries, RegistryReading, ScalarSeries } from './registryReading.js';
import { SERIES } from './seriesNames.js';
import { appTimeline, timelinePoint } from './timeline.js';

const MINUTE = 60_000;
/** A whole hour, so tier boundaries fall where the test expects them. */
const START = Date.UTC(2026, 0, 5, 10);

/** A page-score histogram of `count` scores: a quarter at most 50, the rest at most 90. */
const scores = (app: string, count: number): HistogramSeries => ({
  labels: { app, route: '/', engine: 'chromium' },
  buckets: [
    { le: 50, count: count / 4 },
    { le: 90, count },
    { le: Infinity, count },
  ],
  count,
  sum: 80 * count,
});

/** A grouped registry reading with `views` page views (and scores) of `shop`. */
function registry(at: number, views: number, blog = 0): RegistryReading {
  const viewSeries = [{ labels: { app: 'shop', route: '/' }, value: views }];
  const scoreSeries = [scores('shop', views)];
  if (blog > 0) {
    viewSeries.push({ labels: { app: 'blog', route: '/' }, value: blog });
    scoreSeries.push(scores('blog', blog));
  }
  return {
    at,
    scalars: new Map<string, ScalarSeries[]>([
      [SERIES.pageViews, viewSeries],
      [SERIES.beacons, [{ labels: { app: 'shop' }, value: views * 2 }]],
    ]),
    histograms: new Map([[SERIES.pageScore, scoreSeries]]),
  };
}

const stored = (at: number, views: number, blog = 0): StoredReading => ({
  point: timelinePoint(registry(at, views, blog)),
  reading: compactReading(registry(at, views, blog)),
});

const history = () =>
  new LocalHistory({ everyMs: 5000, keep: 180, windowMs: 30_000, servesMs: 15 * MINUTE });

/** A history of one process: 0 page views at 10:00, 4 at 10:01. */
function twoMinutes() {
  const before = history();
  before.record(stored(START, 0).point, stored(START, 0).reading);
  before.record(stored(START + MINUTE, 4).point, stored(START + MINUTE, 4).reading);
  return before;
}

/** The page views a window from `base` to the reading `now` counts, per app. */
const viewsBetween = (now: RegistryReading, base: StoredReading['reading']) =>
  Object.fromEntries(
    windowReading(withCarriedSeries(now, base), base)
      .scalars.get(SERIES.pageViews)!
      .map((series) => [series.labels.app, series.value]),
  );

/** A logger that keeps its warnings. */
function warnings() {
  const lines: string[] = [];
  const log = {
    warn: (_fields: unknown, message: string) => lines.push(message),
    info: () => undefined,
    debug: (_fields: unknown, message: string) => lines.push(`debug: ${message}`),
  } as unknown as FastifyBaseLogger;
  return { log, lines };
}

describe('the dashboard history file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pulse-history-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back what it wrote: readings, chart points, infinite bucket bounds', async () => {
    const saved: SavedHistory = {
      tiers: [{ everyMs: MINUTE, stored: [stored(START, 0), stored(START + MINUTE, 4, 2)] }],
      last: stored(START + 90_000, 6, 3),
    };
    const back = decodeHistory(await encodeHistory(saved));
    expect(back.tiers.map((tier) => tier.everyMs)).toEqual([MINUTE]);
    expect(back.tiers[0]!.stored.map((one) => expandReading(one.reading))).toEqual(
      saved.tiers[0]!.stored.map((one) => expandReading(one.reading)),
    );
    expect(back.last.point).toEqual(saved.last.point);
    expect(back.last.point.apps.get('blog')?.histograms.score?.buckets.at(-1)?.le).toBe(Infinity);
  });

  it('carries the counts of a previous process across a restart', async () => {
    // Before the restart: 0 page views at 10:00, 4 at 10:01, 6 when it stopped at 10:01:30.
    const before = twoMinutes();
    const saved = decodeHistory(
      await encodeHistory({ tiers: before.entries(), last: stored(START + 90_000, 6, 1) }),
    );
    // After it, counters start again: 3 page views of shop since, and blog's 1 was before.
    const after = history();
    after.restore(saved.tiers, saved.last, START + 2 * MINUTE);
    const now = registry(START + 3 * MINUTE, 3);
    // The hour counts all 9 of shop's (6 before, 3 since) and blog's 1, which has no series in
    // the new process; from 10:01 on, 2 + 3 and blog's 1 (after 10:01).
    expect(viewsBetween(now, after.oldest(60 * MINUTE)!)).toEqual({ shop: 9, blog: 1 });
    expect(viewsBetween(now, after.baseline(2 * MINUTE, now.at)!)).toEqual({ shop: 5, blog: 1 });
    // Without a restart nothing is carried: a window between two readings of one process.
    const same = compactReading(registry(START, 1, 1));
    expect(viewsBetween(registry(START + MINUTE, 4), same)).toEqual({ shop: 3 });
    // The chart's window across the restart counts the 2 page views between its points.
    const points = [...after.points(60 * MINUTE, now.at).points, timelinePoint(now)];
    const perSecond = appTimeline(points, 'shop', 60 * MINUTE).pageViewsPerSecond.at(-1)!;
    expect(perSecond * ((now.at - START) / 1000)).toBeCloseTo(9, 9);
  });

  it('writes back what it restored, so a second restart reads it again', async () => {
    const { log, lines } = warnings();
    const before = twoMinutes();
    await saveHistory(dir, { tiers: before.entries(), last: stored(START + 90_000, 6) }, log);
    // The restored entries are less the old process's counters: negative here.
    const after = history();
    const first = (await loadHistory(dir, log))!;
    after.restore(first.tiers, first.last, START + 2 * MINUTE);
    await saveHistory(dir, { tiers: after.entries(), last: stored(START + 3 * MINUTE, 1) }, log);
    expect((await loadHistory(dir, log))?.tiers[0]?.stored).toHaveLength(2);
    expect(lines).toEqual([]);
  });

  it('drops what a tier would no longer hold after a long stop', async () => {
    const before = twoMinutes();
    const saved = decodeHistory(
      await encodeHistory({ tiers: before.entries(), last: stored(START + 90_000, 6) }),
    );
    // Started again 2 h later: the minute tier (an hour) holds nothing of before, the 15-minute
    // tier (a day) still does.
    const after = history();
    const restart = START + 2 * 60 * MINUTE;
    after.restore(saved.tiers, saved.last, restart);
    after.record(stored(restart, 0).point, stored(restart, 0).reading);
    const now = registry(restart + MINUTE, 2);
    expect(after.baseline(60 * MINUTE, now.at)).toBeUndefined();
    expect(viewsBetween(now, after.oldest(60 * MINUTE)!)).toEqual({ shop: 2 });
    expect(viewsBetween(now, after.oldest(24 * 60 * MINUTE)!)).toEqual({ shop: 8 });
  });

  it('writes to a temporary file renamed into place, leaving nothing else behind', async () => {
    const { log } = warnings();
    const bytes = await saveHistory(dir, { tiers: [], last: stored(START, 2) }, log);
    expect(await readdir(dir)).toEqual([HISTORY_FILE]);
    expect((await readFile(join(dir, HISTORY_FILE))).byteLength).toBe(bytes);
    expect((await loadHistory(dir, log))?.last.point.beacons).toBe(4);
  });

  /** The prototype of node:fs/promises file handles: spying on it sees every handle's flush. */
  const fileHandlePrototype = async () => {
    const handle = await open(join(dir, 'probe'), 'w');
    await handle.close();
    await rm(join(dir, 'probe'));
    return Object.getPrototypeOf(handle) as FileHandle;
  };

  it('flushes the file to disk before the rename, and the directory after it', async () => {
    const { log } = warnings();
    const flushed: string[] = [];
    const sync = vi.spyOn(await fileHandlePrototype(), 'sync').mockImplementation(async function (
      this: FileHandle,
    ) {
      const what = (await this.stat()).isDirectory() ? 'directory' : 'file';
      flushed.push(`${what} ${(await readdir(dir)).sort().join(',')}`);
    });
    try {
      await saveHistory(dir, { tiers: [], last: stored(START, 2) }, log);
    } finally {
      sync.mockRestore();
    }
    // First the temporary file, before it has its name; then the directory, once it has.
    expect(flushed).toHaveLength(2);
    expect(flushed[0]).toMatch(new RegExp(`^file ${HISTORY_FILE}\\..+\\.tmp$`));
    expect(flushed[1]).toBe(`directory ${HISTORY_FILE}`);
  });

  it('counts a history saved when only the directory cannot be flushed', async () => {
    const { log, lines } = warnings();
    const sync = vi.spyOn(await fileHandlePrototype(), 'sync').mockImplementation(async function (
      this: FileHandle,
    ) {
      if ((await this.stat()).isDirectory()) {
        throw Object.assign(new Error('EINVAL: invalid argument, fsync'), { code: 'EINVAL' });
      }
    });
    let bytes: number | undefined;
    try {
      bytes = await saveHistory(dir, { tiers: [], last: stored(START, 2) }, log);
    } finally {
      sync.mockRestore();
    }
    expect(bytes).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([HISTORY_FILE]);
    expect(lines).toEqual(['debug: dashboard history directory not flushed']);
  });

  it('ignores a missing file quietly and a corrupt one with a warning, never throwing', async () => {
    const { log, lines } = warnings();
    expect(await loadHistory(dir, log)).toBeUndefined();
    expect(lines).toEqual([]);
    const good = await encodeHistory({ tiers: [], last: stored(START, 2) });
    for (const text of [good.slice(0, good.length / 2), '{"version":99}', '[]', '']) {
      await writeFile(join(dir, HISTORY_FILE), text);
      expect(await loadHistory(dir, log), text).toBeUndefined();
    }
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/ignored/);
  });

  it('trusts nothing in the file beyond the bounds of what it wrote', async () => {
    const good = JSON.parse(
      await encodeHistory({
        tiers: [{ everyMs: MINUTE, stored: [stored(START, 2)] }],
        last: stored(START + MINUTE, 4),
      }),
    ) as {
      keyLists: string[][];
      last: { point: { beacons: number; apps: [string, unknown][] }; reading: unknown };
      tiers: { everyMs: number; stored: { reading: { families: unknown[][] } }[] }[];
    };
    const spoiled = (spoil: (copy: typeof good) => void) => {
      const copy = structuredClone(good);
      spoil(copy);
      // JSON cannot write an infinite number; 1e999 is what a file holding one would read as.
      return JSON.stringify(copy).replace('"INFINITE"', '1e999');
    };
    const hostile = [
      // Numbers no counter holds: infinite, past a counter's exact range; a tier of no period.
      spoiled((copy) => void ((copy.last.point as { beacons: unknown }).beacons = 'INFINITE')),
      spoiled((copy) => void (copy.last.point.beacons = 1e300)),
      spoiled(
        (copy) =>
          void ((copy.tiers[0]!.stored[0]!.reading.families[0]![3] as number[])[0] = -1e300),
      ),
      spoiled((copy) => void (copy.tiers[0]!.everyMs = 0)),
      // A series key that is not the family's label values, which summaries parse later.
      spoiled((copy) => void (copy.keyLists[0]![0] = 'not a key')),
      spoiled((copy) => void (copy.keyLists[0]![0] = JSON.stringify(['shop']))),
      spoiled((copy) => void (copy.keyLists[0]![0] = JSON.stringify(['shop', 'x'.repeat(5000)]))),
      // A key list picked by something other than its position.
      spoiled((copy) => void (copy.tiers[0]!.stored[0]!.reading.families[0]![1] = '__proto__')),
      // A family the collector has no grouping for, and an app name no beacon could carry.
      spoiled((copy) => void (copy.tiers[0]!.stored[0]!.reading.families[0]![0] = 'pulse_x_total')),
      spoiled((copy) => void (copy.last.point.apps[0]![0] = '<script>'.repeat(20))),
    ];
    for (const text of hostile) expect(() => decodeHistory(text), text.slice(0, 300)).toThrow();
    // The unspoiled file reads, and every reading in it expands as a summary would; so does the
    // label model's app for those past its cap.
    const back = decodeHistory(JSON.stringify(good));
    expect(() => back.tiers[0]!.stored.map((one) => expandReading(one.reading))).not.toThrow();
    const other = decodeHistory(spoiled((copy) => void (copy.last.point.apps[0]![0] = OTHER)));
    expect([...other.last.point.apps.keys()]).toEqual([OTHER]);
  });

  it('removes at start the temporary files of writes a crash cut short', async () => {
    const { log } = warnings();
    await saveHistory(dir, { tiers: [], last: stored(START, 2) }, log);
    const leftover = `${HISTORY_FILE}.4f1c2a9e-0000-4000-8000-000000000000.tmp`;
    await writeFile(join(dir, leftover), '{"version":1,"tiers":[');
    await writeFile(join(dir, 'notes.tmp'), 'not ours');
    expect((await loadHistory(dir, log))?.last.point.beacons).toBe(4);
    expect((await readdir(dir)).sort()).toEqual([HISTORY_FILE, 'notes.tmp']);
  });

  it('does not read a file past the size it would write', async () => {
    const { log, lines } = warnings();
    await writeFile(join(dir, HISTORY_FILE), '');
    await truncate(join(dir, HISTORY_FILE), MAX_HISTORY_FILE_BYTES + 1);
    expect(await loadHistory(dir, log)).toBeUndefined();
    expect(lines).toEqual(['dashboard history too large to read; starting without it']);
  });

  it('drops entries dated after the start, as after a clock set back', async () => {
    const before = twoMinutes();
    const saved = decodeHistory(
      await encodeHistory({ tiers: before.entries(), last: stored(START + 90_000, 6) }),
    );
    // Started again with the clock 30 s before the second entry: only the first is kept, and
    // the tier stays in time order with what this process records.
    const after = history();
    const restart = START + 30_000;
    after.restore(saved.tiers, saved.last, restart);
    after.record(stored(restart, 0).point, stored(restart, 0).reading);
    const ats = after.entries().flatMap((tier) => tier.stored.map((one) => one.point.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(ats.every((at) => at <= restart)).toBe(true);
  });

  it('keeps a tier in time order from a file whose entries are not', async () => {
    const before = twoMinutes();
    const [tier] = before.entries();
    const saved = decodeHistory(
      await encodeHistory({
        tiers: [{ everyMs: tier!.everyMs, stored: [...tier!.stored].reverse() }],
        last: stored(START + 90_000, 6),
      }),
    );
    const after = history();
    after.restore(saved.tiers, saved.last, START + 2 * MINUTE);
    const ats = after.entries().flatMap((one) => one.stored.map((entry) => entry.point.at));
    expect(ats).toEqual([START + MINUTE]);
  });
});
