/**
 * A batch on its way to the collector. Events are serialised once, when recorded, so a flush only
 * joins strings (no long task at page hide) and the byte count is known without re-serialising.
 */
export interface Batch {
  /** The beacon's page-view context as JSON without its closing brace: `{"v":1,"app":...`. */
  h: string;
  /** Each event as JSON. */
  e: string[];
  /** Dropped-event count this beacon carries (see RetryQueue). */
  d: number;
}

/** The POST body of a batch: context, dropped count when there is one, events. */
export const beaconBody = (batch: Batch): string =>
  batch.h + (batch.d ? ',"dropped":' + batch.d : '') + ',"events":[' + batch.e.join() + ']}';
