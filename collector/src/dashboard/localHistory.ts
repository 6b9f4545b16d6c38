/**
 * The collector's own history, for dashboard ranges without a query engine. Bounded: fixed rings,
 * so it costs the same after a day as after a month.
 *
 * - A fine ring of chart points (every 5 s, 15 minutes by default) for the 15 min range.
 * - Coarser tiers (every minute for an hour, every 15 minutes for a day, by default), each entry a
 *   chart point and a whole reading grouped as the summary needs (compactReading.ts). A range's
 *   figures are the current reading less the stored one nearest the range's start; its charts
 *   are the points of the finest tier spanning it.
 *
 * A range longer than every tier spans (7 d by default) is not offered: that is what
 * `--prometheus-url` is for.
 */
import { rebaseReading, type CompactReading } from './compactReading.js';
import { SnapshotRing } from './snapshotRing.js';
import { rebasePoint, type TimelinePoint } from './timeline.js';

/** One coarse tier: a stored reading every `everyMs`, `keep` of them. */
export interface HistoryTier {
  everyMs: number;
  keep: number;
}

/** An hour at one reading a minute, a day at one every 15 minutes: 158 readings. */
export const DEFAULT_TIERS: readonly HistoryTier[] = [
  { everyMs: 60_000, keep: 61 },
  { everyMs: 15 * 60_000, keep: 97 },
];

/** A coarse tier's entry: a chart point and the whole reading taken with it. */
export interface StoredReading {
  point: TimelinePoint;
  reading: CompactReading;
}
type Stored = StoredReading;

/** A coarse tier's entries, oldest first, as historyFile.ts persists them. */
export interface TierEntries {
  everyMs: number;
  stored: StoredReading[];
}

interface Tier extends HistoryTier {
  ring: SnapshotRing<Stored>;
}

/** Chart points for a range and the window each of their values is computed over. */
export interface RangePoints {
  points: TimelinePoint[];
  /** Time between the points. */
  everyMs: number;
  windowMs: number;
}

const spanOf = (tier: HistoryTier) => tier.everyMs * (tier.keep - 1);

export class LocalHistory {
  readonly #fine: SnapshotRing<TimelinePoint>;
  readonly #fineTier: HistoryTier;
  readonly #fineWindowMs: number;
  readonly #fineServesMs: number;
  readonly #tiers: Tier[];

  /**
   * `fine`: chart points every `everyMs`, `keep` of them, each value over `windowMs`; they chart
   * every range up to `servesMs` (the shortest range), however long they span.
   */
  constructor(
    fine: { everyMs: number; keep: number; windowMs: number; servesMs: number },
    tiers: readonly HistoryTier[] = DEFAULT_TIERS,
  ) {
    this.#fine = new SnapshotRing(fine.keep);
    this.#fineTier = fine;
    this.#fineWindowMs = fine.windowMs;
    this.#fineServesMs = fine.servesMs;
    this.#tiers = [...tiers]
      .sort((a, b) => a.everyMs - b.everyMs)
      .map((tier) => ({ ...tier, ring: new SnapshotRing<Stored>(tier.keep) }));
  }

  /** True when some tier wants a whole reading at `at` (its first, or one per `everyMs`). */
  due(at: number): boolean {
    return this.#tiers.some((tier) => this.#tierDue(tier, at));
  }

  #tierDue(tier: Tier, at: number): boolean {
    const last = tier.ring.last();
    // Aligned to the tier's period, so the spacing holds whatever the snapshot timer's drift.
    return (
      last === undefined || Math.floor(at / tier.everyMs) > Math.floor(last.point.at / tier.everyMs)
    );
  }

  /** Stores a chart point, and with it `reading` in every tier that is due. */
  record(point: TimelinePoint, reading?: CompactReading): void {
    this.#fine.push(point);
    if (reading === undefined) return;
    for (const tier of this.#tiers) {
      if (this.#tierDue(tier, point.at)) tier.ring.push({ point, reading });
    }
  }

  /** The last stored reading, which a new one may share its key lists with. */
  lastReading(): CompactReading | undefined {
    return this.#tiers[0]?.ring.last()?.reading;
  }

  /** True when the history can hold a range this long. */
  covers(rangeMs: number): boolean {
    return this.#tiers.some((tier) => spanOf(tier) >= rangeMs);
  }

  /**
   * The stored reading a range ending at `now` counts from: the one nearest its start, in the
   * finest tier spanning the range. None while the history is younger than the range (the
   * figures then count since the collector started).
   */
  baseline(rangeMs: number, now: number): CompactReading | undefined {
    const tier = this.#tiers.find((one) => spanOf(one) >= rangeMs);
    if (tier === undefined) return undefined;
    const start = now - rangeMs;
    let best: Stored | undefined;
    for (const stored of tier.ring.toArray()) {
      // Later than half a period past the start would cut the range short by more than it must.
      if (stored.point.at > start + tier.everyMs / 2) break;
      if (
        best === undefined ||
        Math.abs(stored.point.at - start) < Math.abs(best.point.at - start)
      ) {
        best = stored;
      }
    }
    return best?.reading;
  }

  /** Chart points covering a range ending at `now`, from the finest history spanning it. */
  points(rangeMs: number, now: number): RangePoints {
    const from = now - rangeMs;
    if (rangeMs <= Math.max(this.#fineServesMs, spanOf(this.#fineTier))) {
      return {
        points: this.#fine.toArray().filter((point) => point.at >= from - this.#fineWindowMs),
        everyMs: this.#fineTier.everyMs,
        windowMs: this.#fineWindowMs,
      };
    }
    const tier = this.#tiers.find((one) => spanOf(one) >= rangeMs) ?? this.#tiers.at(-1);
    return {
      points: (tier?.ring.toArray() ?? [])
        .map((stored) => stored.point)
        .filter((point) => point.at >= from - (tier?.everyMs ?? 0)),
      everyMs: tier?.everyMs ?? this.#fineTier.everyMs,
      windowMs: tier?.everyMs ?? this.#fineWindowMs,
    };
  }

  /** Each coarse tier's entries, oldest first. */
  entries(): TierEntries[] {
    return this.#tiers.map((tier) => ({ everyMs: tier.everyMs, stored: tier.ring.toArray() }));
  }

  /**
   * Puts back the coarse tiers a previous process kept (entries of a tier this history does not
   * have are dropped), moved onto this process's counters: less `carry`, that process's last
   * reading (rebaseReading()). Call before anything is recorded after a start. Entries a tier
   * would no longer hold at `now` (the process was down for longer than it spans) are dropped:
   * kept, the nearest of them would stand in for a range's start it is far from.
   */
  restore(tiers: readonly TierEntries[], carry: StoredReading, now: number): void {
    for (const tier of this.#tiers) {
      const kept = tiers.find((one) => one.everyMs === tier.everyMs);
      if (kept === undefined) continue;
      const own = tier.ring.toArray();
      tier.ring.clear();
      let previous = -Infinity;
      for (const stored of kept.stored) {
        // The tier must stay in time order: an entry dated after this start (the clock was set
        // back since) or not after the one before it (a file not written by Pulse) is dropped.
        const { at } = stored.point;
        const misplaced = at > carry.point.at || at > now || at <= previous;
        if (misplaced || at < now - spanOf(tier)) continue;
        previous = at;
        tier.ring.push({
          point: rebasePoint(stored.point, carry.point),
          reading: rebaseReading(stored.reading, carry.reading),
        });
      }
      for (const stored of own) tier.ring.push(stored);
    }
  }

  /** The oldest stored reading of the finest tier spanning a range this long. */
  oldest(rangeMs: number): CompactReading | undefined {
    const tier = this.#tiers.find((one) => spanOf(one) >= rangeMs);
    return tier?.ring.toArray()[0]?.reading;
  }

  clear(): void {
    this.#fine.clear();
    for (const tier of this.#tiers) tier.ring.clear();
  }
}
