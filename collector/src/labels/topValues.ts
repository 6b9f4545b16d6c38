/**
 * The heaviest values of one scope (the releases of an app; the LCP culprits of a route; the
 * scripts that blocked an app's pages): the few that hold series of their own.
 *
 * Why not first come, first served, as the caps of apps and routes are: these values are many
 * and skewed, and the ones worth a series are the heavy ones (the element most poor page views
 * blame, the release most page views run). Values are ranked by weight (page views, seconds of
 * blocking), tracked with the Space-Saving algorithm (Metwally, Agrawal, El Abbadi 2005): a
 * fixed number of counters, and a value that arrives when all are taken replaces the lightest,
 * inheriting its weight as its possible error. Any value heavier than total / tracked is
 * tracked, whatever the order of the stream, so a flood of light values cannot hide a heavy one.
 *
 * A tracked value takes a slot (its own series) once its weight, less its possible error,
 * passes the lightest holder's: a newcomer must outweigh what it displaces, so invented values
 * cannot push out a culprit that real page views keep naming. Weights decay (`decay`), so a
 * value that stops arriving (a fixed bug, an old release) gives up its slot to the current ones.
 * Replicas that see the same stream in parts rank it the same way, so the values summed across
 * replicas are the true heaviest (topValues.test.ts).
 */

/**
 * A value as the ranking gives it to be recorded under, with what its recorder keeps for it
 * (its series): the handle lives while the value holds its slot, and is dropped when it loses
 * it, so recording a held value costs one Map lookup, not one here and one for its series.
 */
export interface Slot<H> {
  readonly value: string;
  handle: H | undefined;
}

interface Tracked<H> extends Slot<H> {
  weight: number;
  /** Weight the value may have inherited from the one it replaced (Space-Saving's error). */
  error: number;
  /** When the value was first tracked (ms). */
  firstSeen: number;
  /** When it was last seen (ms). */
  lastSeen: number;
  /** True while it holds a slot. */
  held: boolean;
  /** True once it had the evidence a slot needs (see `add`). */
  proven: boolean;
}

/** Where a value stands after a sighting (see `TopValues.add`). */
export interface Standing {
  state: 'holds' | 'admitted' | 'pending' | 'outweighed';
  displaced?: string;
}

/** What `add` says of a value that holds its slot: one object, not one per sighting. */
const HOLDS: Standing = Object.freeze({ state: 'holds' });

export class TopValues<H = unknown> {
  private readonly tracked = new Map<string, Tracked<H>>();
  private holders = 0;

  constructor(
    /** Values with series of their own, at most. */
    private readonly slots: number,
    /** Values tracked at most, holders included: several times `slots`. */
    private readonly capacity: number,
  ) {}

  /** The values holding slots now. */
  held(): string[] {
    return [...this.tracked].filter(([, entry]) => entry.held).map(([value]) => value);
  }

  /** True when `value` holds a slot. */
  holds(value: string): boolean {
    return this.tracked.get(value)?.held === true;
  }

  /** When `value` was first tracked (ms), if it is. */
  firstSeen(value: string): number | undefined {
    return this.tracked.get(value)?.firstSeen;
  }

  /**
   * Adds `weight` to `value` and says where it stands: it `holds` a slot (already, or `admitted`
   * now, maybe having `displaced` a lighter holder), it is `pending` its evidence, or it is
   * `outweighed` by every holder. A value gains weight from its first sighting, but takes a slot
   * only once `prove()` said yes (it has its evidence); `prove` is asked only until then.
   */
  add(value: string, weight: number, now: number, prove: () => boolean): Standing {
    return this.weigh(this.entry(value, now), weight, now, prove);
  }

  /**
   * The entry of `value`, tracked from now on if it was not; `weigh` then ranks it. Apart from
   * `add` so a caller keeps the entry, the slot its handle hangs on (`Slot`), once it holds.
   */
  entry(value: string, now: number): Slot<H> {
    return this.tracked.get(value) ?? this.track(value, now);
  }

  /**
   * `weigh` for an entry that holds its slot: adds the weight and says true; says false, having
   * changed nothing, for any other entry (which `weigh` must then rank).
   */
  weighHeld(slot: Slot<H>, weight: number, now: number): boolean {
    const entry = slot as Tracked<H>;
    if (!entry.held) return false;
    entry.weight += weight;
    entry.lastSeen = now;
    return true;
  }

  /** `add` for an entry `entry()` gave. */
  weigh(slot: Slot<H>, weight: number, now: number, prove: () => boolean): Standing {
    const entry = slot as Tracked<H>;
    entry.weight += weight;
    entry.lastSeen = now;
    if (entry.held) return HOLDS;
    if (!entry.proven && !(entry.proven = prove())) return { state: 'pending' };
    if (this.holders < this.slots) {
      entry.held = true;
      this.holders++;
      return { state: 'admitted' };
    }
    const lightest = this.lightestHolder();
    if (lightest === undefined || entry.weight - entry.error <= lightest[1].weight) {
      return { state: 'outweighed' };
    }
    lightest[1].held = false;
    // Its series go (`retired`): a later slot makes them anew.
    lightest[1].handle = undefined;
    entry.held = true;
    return { state: 'admitted', displaced: lightest[0] };
  }

  /**
   * Multiplies every weight by `factor` (0..1), and forgets values not seen since `idleBefore`:
   * returns the holders forgotten, whose series must go.
   */
  decay(factor: number, idleBefore: number): string[] {
    const released: string[] = [];
    for (const [value, entry] of this.tracked) {
      if (entry.lastSeen < idleBefore) {
        this.tracked.delete(value);
        if (entry.held) {
          this.holders--;
          released.push(value);
        }
        continue;
      }
      entry.weight *= factor;
      entry.error *= factor;
    }
    return released;
  }

  /** Starts tracking `value`, replacing the lightest value not holding a slot when full. */
  private track(value: string, now: number): Tracked<H> {
    let inherited = 0;
    if (this.tracked.size >= this.capacity) {
      let lightest: [string, Tracked<H>] | undefined;
      for (const pair of this.tracked) {
        if (!pair[1].held && (lightest === undefined || pair[1].weight < lightest[1].weight)) {
          lightest = pair;
        }
      }
      // Holders are at most `slots`, fewer than `capacity`, so there is one to replace.
      if (lightest !== undefined) {
        this.tracked.delete(lightest[0]);
        inherited = lightest[1].weight;
      }
    }
    const entry: Tracked<H> = {
      value,
      handle: undefined,
      weight: inherited,
      error: inherited,
      firstSeen: now,
      lastSeen: now,
      held: false,
      proven: false,
    };
    this.tracked.set(value, entry);
    return entry;
  }

  private lightestHolder(): [string, Tracked<H>] | undefined {
    let lightest: [string, Tracked<H>] | undefined;
    for (const pair of this.tracked) {
      if (pair[1].held && (lightest === undefined || pair[1].weight < lightest[1].weight)) {
        lightest = pair;
      }
    }
    return lightest;
  }
}
