/**
 * The local history on disk (`--data-dir`), so that the dashboard's 1 h and 24 h ranges survive a
 * restart: the coarse tiers' readings and the process's last reading, in one JSON file.
 *
 * - Written whole to a temporary file, flushed to disk, and renamed over the old one: a crash or
 *   power cut mid-write leaves the previous file, never half of one (and the temporary file,
 *   removed at the next start).
 * - Bounded: the tiers hold a fixed number of readings (158 by default), and a file past
 *   {@link MAX_HISTORY_FILE_BYTES} is not written (a warning says so).
 * - Read back at start; a file that cannot be read or does not parse as one is ignored with a
 *   warning, never a crash. Nothing in it is trusted past what the collector itself writes:
 *   counts are finite and within a counter's exact range, series keys are the family's label
 *   values, each of a bounded length, app names are what a beacon may carry (or `__other__`),
 *   and a file larger than {@link MAX_HISTORY_FILE_BYTES} is not read.
 *
 * JSON rather than a binary format: the file is read once and written once a minute, and a
 * person can look into it. Key lists that readings share are written once.
 */
import { randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { APP_PATTERN } from '@pulse/sdk/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { CompactReading } from './compactReading.js';
import type { StoredReading, TierEntries } from './localHistory.js';
import type { HistogramSeries } from './registryReading.js';
import { OTHER } from '../series/metrics.js';
import { SUMMARY_GROUPING } from './summaryGrouping.js';
import { CHARTED, type TimelinePoint } from './timeline.js';

/** The file's name in the data directory. */
export const HISTORY_FILE = 'dashboard-history.json';
/** Larger than this, the history is not written: 64 MiB. */
export const MAX_HISTORY_FILE_BYTES = 64 * 1024 * 1024;
const VERSION = 1;

/** What the file holds. */
export interface SavedHistory {
  tiers: TierEntries[];
  /** The process's last reading: what its counters had reached when it was written. */
  last: StoredReading;
}

type EncodedHistogram = Omit<HistogramSeries, 'buckets'> & { buckets: [string, number][] };

interface EncodedPoint {
  at: number;
  beacons: number;
  events: number;
  rejected: number;
  apps: [string, { pageViews: number; histograms: Record<string, EncodedHistogram> }][];
}

interface EncodedReading {
  at: number;
  /** name, index of the key list in `keyLists`, bucket bounds (as text: `Infinity`), values. */
  families: [string, number, string[], number[]][];
}

interface EncodedHistory {
  version: number;
  keyLists: string[][];
  tiers: { everyMs: number; stored: { point: EncodedPoint; reading: EncodedReading }[] }[];
  last: { point: EncodedPoint; reading: EncodedReading };
}

const encodeHistogram = (series: HistogramSeries): EncodedHistogram => ({
  ...series,
  buckets: series.buckets.map((bucket) => [String(bucket.le), bucket.count]),
});

const encodePoint = (point: TimelinePoint): EncodedPoint => ({
  at: point.at,
  beacons: point.beacons,
  events: point.events,
  rejected: point.rejected,
  apps: [...point.apps].map(([app, entry]) => [
    app,
    {
      pageViews: entry.pageViews,
      histograms: Object.fromEntries(
        Object.entries(entry.histograms).map(([field, series]) => [field, encodeHistogram(series)]),
      ),
    },
  ]),
});

/**
 * The history as the file's text. One reading per event-loop turn: at the default series
 * ceiling the whole file is about 17 MB, half a second of JSON to write in one go.
 */
export async function encodeHistory(history: SavedHistory): Promise<string> {
  const keyLists: string[][] = [];
  const listIndex = new Map<readonly string[], number>();
  const encodeReading = (reading: CompactReading): EncodedReading => ({
    at: reading.at,
    families: [...reading.families].map(([name, family]) => {
      let index = listIndex.get(family.keys);
      if (index === undefined) {
        index = keyLists.push([...family.keys]) - 1;
        listIndex.set(family.keys, index);
      }
      return [name, index, family.les.map(String), [...family.values]];
    }),
  });
  const encodeStored = async (stored: StoredReading) => {
    const text = JSON.stringify({
      point: encodePoint(stored.point),
      reading: encodeReading(stored.reading),
    });
    await nextTurn();
    return text;
  };
  const tiers: string[] = [];
  for (const tier of history.tiers) {
    const stored: string[] = [];
    for (const one of tier.stored) stored.push(await encodeStored(one));
    tiers.push(`{"everyMs":${JSON.stringify(tier.everyMs)},"stored":[${stored.join(',')}]}`);
  }
  const last = await encodeStored(history.last);
  // The same shape as EncodedHistory, written piece by piece.
  return (
    `{"version":${VERSION},"tiers":[${tiers.join(',')}],"last":${last},` +
    `"keyLists":${JSON.stringify(keyLists)}}`
  );
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
/**
 * A count as stored: finite (JSON's 1e999 reads as Infinity) and within a counter's exact range.
 * Not necessarily positive: restored entries are moved onto the new process's counters, less the
 * old process's last reading (rebaseReading()), and written so again.
 */
const isCount = (value: unknown): value is number =>
  isNumber(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
const isTime = (value: unknown): value is number => isCount(value) && value >= 0;

/**
 * Longer than any label value the collector records: a beacon's fields are at most 256
 * characters, and a 200-character route of one-digit ids grows to 400 as `:id`s.
 */
const MAX_LABEL_VALUE = 1024;
const appPattern = new RegExp(APP_PATTERN);
/** An app a beacon may name, or the label model's `__other__` for those past its cap. */
const isApp = (value: unknown): value is string =>
  value === OTHER || (typeof value === 'string' && value.length <= 64 && appPattern.test(value));
const isLabelValue = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_LABEL_VALUE;
const isLabels = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every(isLabelValue);
const isCharted = (field: string) => Object.hasOwn(CHARTED, field);

class HistoryFileError extends Error {}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new HistoryFileError(`not a Pulse dashboard history: ${what}`);
}

function decodeHistogram(value: unknown): HistogramSeries {
  const series = value as EncodedHistogram;
  check(
    typeof series === 'object' &&
      series !== null &&
      isCount(series.count) &&
      isCount(series.sum) &&
      isLabels(series.labels) &&
      Array.isArray(series.buckets),
    'histogram',
  );
  return {
    labels: series.labels,
    count: series.count,
    sum: series.sum,
    buckets: series.buckets.map((bucket) => {
      check(Array.isArray(bucket), 'bucket');
      const [le, count] = bucket;
      check(isCount(count) && typeof le === 'string' && !Number.isNaN(Number(le)), 'bucket');
      return { le: Number(le), count };
    }),
  };
}

function decodePoint(value: unknown): TimelinePoint {
  const point = value as EncodedPoint;
  check(
    typeof point === 'object' &&
      point !== null &&
      isTime(point.at) &&
      [point.beacons, point.events, point.rejected].every(isCount) &&
      Array.isArray(point.apps),
    'chart point',
  );
  return {
    at: point.at,
    beacons: point.beacons,
    events: point.events,
    rejected: point.rejected,
    apps: new Map(
      point.apps.map((one) => {
        check(Array.isArray(one), 'app of a chart point');
        const [app, entry] = one as [unknown, EncodedPoint['apps'][number][1] | undefined];
        check(isApp(app) && isCount(entry?.pageViews), 'app of a chart point');
        const histograms = entry.histograms ?? {};
        check(
          typeof histograms === 'object' && Object.keys(histograms).every(isCharted),
          'histograms of a chart point',
        );
        return [
          app,
          {
            pageViews: entry.pageViews,
            histograms: Object.fromEntries(
              Object.entries(histograms).map(([field, series]) => [field, decodeHistogram(series)]),
            ),
          },
        ];
      }),
    ),
  };
}

/** The history in the file's text; throws on anything else. */
export function decodeHistory(text: string): SavedHistory {
  let parsed: EncodedHistory;
  try {
    parsed = JSON.parse(text) as EncodedHistory;
  } catch (error) {
    throw new HistoryFileError(`not JSON: ${(error as Error).message}`);
  }
  check(typeof parsed === 'object' && parsed !== null, 'not an object');
  check(parsed.version === VERSION, `version ${String(parsed.version)}`);
  check(
    Array.isArray(parsed.keyLists) &&
      parsed.keyLists.every(
        (keys) => Array.isArray(keys) && keys.every((key) => typeof key === 'string'),
      ),
    'key lists',
  );
  // Readings that shared a key list share it again, as compactReading() makes them. A key is
  // the family's label values as JSON (compactReading.ts), parsed again when a summary expands
  // the reading: each list is checked once, against the first family that uses it.
  const keyLists = parsed.keyLists;
  const keysChecked = new Map<number, number>();
  const checkKeys = (index: number, labelCount: number, name: string) => {
    const known = keysChecked.get(index);
    if (known !== undefined) {
      check(known === labelCount, `family ${name}'s keys`);
      return;
    }
    for (const key of keyLists[index]!) {
      let values: unknown;
      try {
        values = JSON.parse(key);
      } catch {
        values = undefined;
      }
      check(
        Array.isArray(values) && values.length === labelCount && values.every(isLabelValue),
        `family ${name}'s keys`,
      );
    }
    keysChecked.set(index, labelCount);
  };
  const decodeReading = (value: unknown): CompactReading => {
    const reading = value as EncodedReading;
    check(
      typeof reading === 'object' &&
        reading !== null &&
        isTime(reading.at) &&
        Array.isArray(reading.families),
      'reading',
    );
    return {
      at: reading.at,
      families: new Map(
        reading.families.map((family) => {
          check(Array.isArray(family), 'family');
          const [name, index, les, values] = family as EncodedReading['families'][number];
          const grouping = Object.hasOwn(SUMMARY_GROUPING, name)
            ? SUMMARY_GROUPING[name as keyof typeof SUMMARY_GROUPING]
            : undefined;
          check(
            grouping !== undefined &&
              Number.isInteger(index) &&
              index >= 0 &&
              index < keyLists.length &&
              Array.isArray(les) &&
              les.every((le) => typeof le === 'string') &&
              Array.isArray(values),
            `family ${String(name)}`,
          );
          const keys = keyLists[index]!;
          checkKeys(index, grouping.length, name);
          check(values.every(isCount), `family ${name}'s values`);
          const bounds = les.map(Number);
          const width = bounds.length === 0 ? 1 : bounds.length + 1;
          check(
            bounds.every((le) => !Number.isNaN(le)) && values.length === keys.length * width,
            `family ${name}'s values`,
          );
          return [name, { keys, les: bounds, values: Float64Array.from(values) }];
        }),
      ),
    };
  };
  const decodeStored = (value: unknown): StoredReading => {
    const stored = value as { point: unknown; reading: unknown };
    check(typeof stored === 'object' && stored !== null, 'entry');
    return { point: decodePoint(stored.point), reading: decodeReading(stored.reading) };
  };
  check(Array.isArray(parsed.tiers), 'tiers');
  return {
    tiers: parsed.tiers.map((tier) => {
      check(isTime(tier?.everyMs) && tier.everyMs > 0 && Array.isArray(tier.stored), 'tier');
      return { everyMs: tier.everyMs, stored: tier.stored.map(decodeStored) };
    }),
    last: decodeStored(parsed.last),
  };
}

/**
 * Writes the history to `dir` at once: to a temporary file, then renamed over the previous one.
 * Returns the bytes written, or undefined when the history was past the bound and not written.
 */
export async function saveHistory(
  dir: string,
  history: SavedHistory,
  log: FastifyBaseLogger,
): Promise<number | undefined> {
  const text = await encodeHistory(history);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_HISTORY_FILE_BYTES) {
    log.warn(
      { bytes, limit: MAX_HISTORY_FILE_BYTES },
      'dashboard history too large to write; the ranges will not survive a restart',
    );
    return undefined;
  }
  const path = join(dir, HISTORY_FILE);
  const temporary = join(dir, temporaryName());
  try {
    await writeDurably(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  try {
    await syncDirectory(dir);
  } catch (error) {
    // Saved all the same: the file is in place and flushed. Some file systems cannot flush a
    // directory (network and FUSE mounts answer EINVAL); a failure every minute is not news.
    log.debug({ err: error }, 'dashboard history directory not flushed');
  }
  return bytes;
}

/**
 * Writes `text` to `path` and waits until the disk has it. Without the flush, a power cut soon
 * after the rename can leave the new name pointing at a file whose data never reached the disk
 * (an empty history, on some file systems), the previous file gone already.
 */
async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Flushes `dir` itself, so that the rename (a change to the directory) is on disk too. */
async function syncDirectory(dir: string): Promise<void> {
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** The temporary file of one write: next to the history, so that the rename stays in `dir`. */
const temporaryName = () => `${HISTORY_FILE}.${randomUUID()}.tmp`;
const isTemporary = (name: string) =>
  name.startsWith(`${HISTORY_FILE}.`) && name.endsWith('.tmp') && name !== HISTORY_FILE;

/**
 * Removes what writes cut short by a crash left behind (each up to the 64 MiB bound): without
 * this, a collector that crashed mid-write again and again would fill its directory. Only this
 * process writes there (one directory per collector), and it has not written yet.
 */
async function removeLeftovers(dir: string, log: FastifyBaseLogger): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names.filter(isTemporary)) {
    await rm(join(dir, name), { force: true }).catch((error: unknown) =>
      log.warn({ err: error, dir, name }, 'dashboard history: leftover temporary file not removed'),
    );
  }
}

/** The history saved in `dir`; undefined, with a warning, when there is none that is usable. */
export async function loadHistory(
  dir: string,
  log: FastifyBaseLogger,
): Promise<SavedHistory | undefined> {
  await removeLeftovers(dir, log);
  const path = join(dir, HISTORY_FILE);
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_HISTORY_FILE_BYTES) {
      log.warn(
        { path, bytes: size, limit: MAX_HISTORY_FILE_BYTES },
        'dashboard history too large to read; starting without it',
      );
      return undefined;
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    log.warn({ err: error, path }, 'dashboard history unreadable; starting without it');
    return undefined;
  }
  try {
    return decodeHistory(text);
  } catch (error) {
    log.warn(
      { path, reason: (error as Error).message },
      'dashboard history ignored; starting without it',
    );
    return undefined;
  }
}
