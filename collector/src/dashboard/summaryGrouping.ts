/**
 * The labels the summary keeps of each series family; every other label (`device`,
 * `navigation`, `instance`, `job`...) is summed away. summarize.ts groups by subsets of these, so
 * a reading grouped this way summarises exactly as the full one does.
 *
 * Both sources use it: the PromQL source as the `sum by` of its queries, the collector's history
 * to store only what a summary over a past range needs (a route's series without its devices and
 * navigation types are about a third of them).
 */
import { SERIES } from './seriesNames.js';

type SeriesName = (typeof SERIES)[keyof typeof SERIES];

export const SUMMARY_GROUPING: Readonly<Record<SeriesName, readonly string[]>> = {
  [SERIES.pageViews]: ['app', 'route'],
  [SERIES.pageScore]: ['app', 'route', 'engine'],
  [SERIES.webVital]: ['app', 'route', 'engine', 'metric'],
  [SERIES.layoutShift]: ['app', 'route', 'engine'],
  [SERIES.vitalRating]: ['app', 'route', 'engine', 'metric', 'rating'],
  [SERIES.longTask]: ['app', 'route', 'kind'],
  [SERIES.totalBlockingTime]: ['app', 'route'],
  [SERIES.jsErrors]: ['app', 'route'],
  [SERIES.jsHeap]: ['app'],
  [SERIES.socketRtt]: ['app'],
  [SERIES.socketJitter]: ['app'],
  [SERIES.socketLoss]: ['app'],
  [SERIES.socketScore]: ['app'],
  [SERIES.socketReconnects]: ['app'],
  [SERIES.socketDisconnects]: ['app', 'reason'],
  [SERIES.webrtcRtt]: ['app', 'candidate'],
  [SERIES.webrtcJitter]: ['app', 'kind', 'direction'],
  [SERIES.webrtcLoss]: ['app', 'kind', 'direction'],
  [SERIES.webrtcScore]: ['app', 'kind'],
  [SERIES.webrtcMos]: ['app'],
  [SERIES.webrtcStates]: ['app', 'state'],
  [SERIES.socketDelivery]: ['app', 'event'],
  [SERIES.socketDeliveries]: ['app', 'event', 'outcome'],
  [SERIES.socketMessages]: ['app', 'event', 'direction'],
  [SERIES.beacons]: ['app'],
  [SERIES.events]: ['app', 'kind'],
  [SERIES.rejected]: ['reason'],
  [SERIES.labelOverflow]: ['label'],
};

/** The histogram families among {@link SUMMARY_GROUPING}; the rest are counters. */
export const HISTOGRAM_SERIES: ReadonlySet<string> = new Set([
  SERIES.pageScore,
  SERIES.webVital,
  SERIES.layoutShift,
  SERIES.longTask,
  SERIES.totalBlockingTime,
  SERIES.jsHeap,
  SERIES.socketRtt,
  SERIES.socketJitter,
  SERIES.socketLoss,
  SERIES.socketScore,
  SERIES.webrtcRtt,
  SERIES.webrtcJitter,
  SERIES.webrtcLoss,
  SERIES.webrtcScore,
  SERIES.webrtcMos,
  SERIES.socketDelivery,
]);
