import { normaliseName } from '../labels/labels.js';
import { RANKED_SLOTS, WEIGHT_HALF_LIFE_MS } from '../labels/rankedLabels.js';
import { TopValues } from '../labels/topValues.js';
import { OTHER } from '../series/metrics.js';

/** Names tracked per slot, holders included, as the collector's ranked labels track them. */
const TRACKED_PER_SLOT = 4;
/** A name not seen for this long gives up its slot. */
const IDLE_MS = 60 * 60_000;

/**
 * The `event` label of the server-side message series: the event names with the most messages
 * keep series of their own, the rest are `__other__`. Incoming names come from clients, who can
 * emit any name at all, so they are ranked exactly as the collector ranks event names from
 * browsers (labels/topValues.ts, the same slots): a client inventing names cannot push out the
 * names real traffic uses. There are no client networks to gather evidence from here (every
 * message comes through the app's own server), so a name is ranked on its messages alone.
 */
export class ServerEventNames {
  private readonly values = new TopValues(
    RANKED_SLOTS.event,
    RANKED_SLOTS.event * TRACKED_PER_SLOT,
  );
  private lastDecay = performance.now();

  /** `retire` removes the series of a name that lost its slot. */
  constructor(private readonly retire: (event: string) => void) {}

  /** The label to count one message of `event` under; the message adds to its weight. */
  label(event: unknown): string {
    const name = normaliseName(String(event).slice(0, 64));
    const standing = this.values.add(name, 1, performance.now(), () => true);
    if (standing.displaced !== undefined) this.retire(standing.displaced);
    return standing.state === 'holds' || standing.state === 'admitted' ? name : OTHER;
  }

  /** The label `event` is counted under now, without adding to its weight. */
  current(event: unknown): string {
    const name = normaliseName(String(event).slice(0, 64));
    return this.values.holds(name) ? name : OTHER;
  }

  /** Halves weights every `WEIGHT_HALF_LIFE_MS`, and frees the slots of names gone idle. */
  decay(): void {
    const now = performance.now();
    const factor = 0.5 ** ((now - this.lastDecay) / WEIGHT_HALF_LIFE_MS);
    this.lastDecay = now;
    this.values.decay(factor, now - IDLE_MS).forEach(this.retire);
  }
}
