import { describe, expect, it } from 'vitest';
import type { CompactReading } from './compactReading.js';
import { DEFAULT_TIERS, LocalHistory } from './localHistory.js';
import type { TimelinePoint } from './timeline.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** A whole hour, so tier boundaries fall where the test expects them. */
const START = Date.UTC(2026, 0, 5, 10);

const point = (at: number, beacons = 0): TimelinePoint => ({
  at,
  beacons,
  events: 0,
  rejected: 0,
  apps: new Map(),
});
/** A stored reading; its `at` tells which one a baseline picked. */
const reading = (at: number): CompactReading => ({ at, families: new Map() });

/** The collector's default history: a point every 5 s for 15 minutes, then the default tiers. */
const defaultHistory = () =>
  new LocalHistory({
    everyMs: 5 * SECOND,
    keep: 180,
    windowMs: 30 * SECOND,
    servesMs: 15 * MINUTE,
  });

/** Records every `everyMs` from `from` to `to`, a whole reading whenever a tier is due. */
function run(history: LocalHistory, from: number, to: number, everyMs: number) {
  let readings = 0;
  for (let at = from; at <= to; at += everyMs) {
    if (history.due(at)) {
      history.record(point(at), reading(at));
      readings++;
    } else history.record(point(at));
  }
  return readings;
}

describe('LocalHistory', () => {
  it('by default holds the 15 min, 1 h, 6 h and 24 h ranges, not 7 d', () => {
    const history = defaultHistory();
    expect(history.covers(HOUR)).toBe(true);
    expect(history.covers(24 * HOUR)).toBe(true);
    expect(history.covers(7 * 24 * HOUR)).toBe(false);
    expect(DEFAULT_TIERS.reduce((sum, tier) => sum + tier.keep, 0)).toBe(158);
  });

  it('asks for a whole reading once per tier period, aligned to the clock', () => {
    const history = defaultHistory();
    // 10 minutes of 5 s snapshots: the first one, then one per minute boundary crossed.
    expect(run(history, START + 30 * SECOND, START + 10 * MINUTE + 30 * SECOND, 5 * SECOND)).toBe(
      11,
    );
    expect(history.lastReading()?.at).toBe(START + 10 * MINUTE);
  });

  it('counts a range from the stored reading nearest its start, none while younger', () => {
    const history = defaultHistory();
    run(history, START, START + 30 * MINUTE, 5 * SECOND);
    // Half an hour old: a 1 h range has no reading at its start, and counts since the start.
    expect(history.baseline(HOUR, START + 30 * MINUTE)).toBeUndefined();
    run(history, START + 30 * MINUTE + 5 * SECOND, START + 2 * HOUR, 5 * SECOND);
    const now = START + 2 * HOUR + 20 * SECOND;
    // From the minute tier: the reading of the minute nearest an hour ago.
    expect(history.baseline(HOUR, now)?.at).toBe(now - HOUR - 20 * SECOND);
    // 6 h is past the minute tier: the 15-minute tier, still younger than the range.
    expect(history.baseline(6 * HOUR, now)).toBeUndefined();
    expect(history.baseline(7 * 24 * HOUR, now)).toBeUndefined();
  });

  it('stays bounded over days: each tier keeps its count, the oldest dropped', () => {
    const history = defaultHistory();
    run(history, START, START + 3 * 24 * HOUR, MINUTE);
    const now = START + 3 * 24 * HOUR;
    const day = history.points(24 * HOUR, now);
    expect(day.everyMs).toBe(15 * MINUTE);
    expect(day.points).toHaveLength(97);
    expect(day.points[0]!.at).toBe(now - 24 * HOUR);
    const hour = history.points(HOUR, now);
    expect(hour.everyMs).toBe(MINUTE);
    expect(hour.windowMs).toBe(MINUTE);
    expect(hour.points).toHaveLength(61);
    expect(history.baseline(24 * HOUR, now)?.at).toBe(now - 24 * HOUR);
  });

  it('charts 15 min from the fine points, with their own window', () => {
    const history = defaultHistory();
    run(history, START, START + HOUR, 5 * SECOND);
    const quarter = history.points(15 * MINUTE, START + HOUR);
    expect(quarter.everyMs).toBe(5 * SECOND);
    expect(quarter.windowMs).toBe(30 * SECOND);
    // 15 minutes at 5 s, the first point less a window before the range to start the rates.
    expect(quarter.points[0]!.at).toBeGreaterThanOrEqual(START + 45 * MINUTE - 30 * SECOND);
    expect(quarter.points.at(-1)!.at).toBe(START + HOUR);
    history.clear();
    expect(history.points(15 * MINUTE, START + HOUR).points).toEqual([]);
    expect(history.lastReading()).toBeUndefined();
  });
});
